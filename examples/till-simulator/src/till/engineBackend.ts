import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Basket,
  type BasketLine,
  type Clock,
  CODE_REJECTION_MESSAGES,
  type Customer,
  classifyLifecycle,
  compile,
  cryptoRandomSource,
  decodeCampaigns,
  decodeProgram,
  type Evaluation,
  evaluate,
  type LocalDate,
  type MinorUnits,
  type RandomSource,
  type Sku,
  systemClock,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { writeCouponBarcode } from '../receipt/barcode.js'
import { receiptOf } from '../receipt/fromEvaluation.js'
import type { ReceiptCoupon, ReceiptData } from '../receipt/receipt.js'
import { couponBook, type IssuedCode } from '../simulate/couponBook.js'
import { returnShare } from '../simulate/returns.js'
import { demoCampaigns, demoProgram, type JsonObject, templateIds } from '../store/campaigns.js'
import { generateCatalog, lookupBarcode } from '../store/catalog.js'
import {
  generateMembers,
  type Member,
  parisOffset,
  spend12m,
  type TierLadder,
  tierFor,
  toCustomer,
} from '../store/members.js'
import {
  type ScanOutcome,
  type TillBackend,
  type TillCustomer,
  type TillError,
  type TillLine,
  type TillReturnLine,
  type TillView,
  tillError,
} from './backend.js'

/**
 * The in-process till backend: the demo store priced by the engine (`compile` + `evaluate`), an
 * in-memory coupon book and points balances, with receipts and coupons kept as JSON files in the
 * data folder so that returns and reprints work across runs. It stands in for the checkout session
 * (open → identify → price → close → return) on `@tessera/store-sqlite` until that is wired in;
 * the screen only sees {@link TillBackend}.
 */

/** Options of {@link engineBackend}. @category till */
export interface EngineBackendOptions {
  readonly dataDir: string
  /** Start from an empty data folder. */
  readonly reset?: boolean
  readonly storeId?: string
  readonly terminalId?: string
  readonly clock?: Clock
  /** Randomness for coupon codes (default: the crypto source). */
  readonly random?: RandomSource
  /** Seed of the generated demo store. */
  readonly seed?: string
}

interface SaleRecord {
  readonly kind: 'sale'
  readonly basket: Basket
  readonly evaluation: Evaluation
  readonly memberId?: string
  readonly receipt: ReceiptData
}

interface ReturnRecord {
  readonly kind: 'return'
  readonly id: string
  readonly of: string
  readonly memberId?: string
  readonly lines: readonly { readonly lineId: string; readonly quantity: number }[]
  readonly points: number
  readonly receipt: ReceiptData
}

type TillRecord = SaleRecord | ReturnRecord

const STORE = { name: 'Marché Tessera', address: ['12 rue des Lices', '49100 Angers'] } as const

/** The local ISO-8601 time (Europe/Paris) of an instant. */
const localIso = (ms: number): string => {
  const offset = parisOffset(ms)
  const sign = offset.startsWith('-') ? -1 : 1
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, 19)}${offset}`
}

/**
 * Creates the in-process backend over a data folder (created if needed).
 * @category till
 */
export const engineBackend = (options: EngineBackendOptions): TillBackend => {
  const clock = options.clock ?? systemClock
  const random = options.random ?? cryptoRandomSource
  const storeId = options.storeId ?? '0042'
  const terminalId = options.terminalId ?? '01'
  if (options.reset === true) rmSync(options.dataDir, { recursive: true, force: true })
  mkdirSync(join(options.dataDir, 'coupons'), { recursive: true })
  const recordsFile = join(options.dataDir, 'receipts.jsonl')
  const couponsFile = join(options.dataDir, 'coupons.json')

  const today = localIso(clock.now()).slice(0, 10) as LocalDate
  const seed = options.seed ?? 'tessera-demo'
  const catalog = generateCatalog(`${seed}-catalog`)
  const members = generateMembers({ asOf: today, seed: `${seed}-members` })
  const byCard = new Map(members.map((m) => [m.card, m]))
  const byId = new Map(members.map((m) => [m.memberId, m]))
  const documents: JsonObject[] = demoCampaigns(catalog)
  const campaigns = decodeCampaigns(documents)
  const programDoc = demoProgram()
  const program = decodeProgram(programDoc)
  // The demo documents are ours and tested to decode: a failure here is a broken invariant.
  if (campaigns._tag === 'Left') throw new Error(campaigns.left.message)
  if (program._tag === 'Left') throw new Error(program.left.message)
  const compiled = compile(campaigns.right, { storeTimeZone: 'Europe/Paris' })
  const ladder = programDoc as unknown as TierLadder
  const templates = new Set(templateIds(documents))
  const validityOf = new Map(campaigns.right.map((c) => [c.id, c]))
  const book = couponBook(
    documents.flatMap((d) => {
      const pool = (d.code as { pool?: string } | undefined)?.pool
      return pool !== undefined && templates.has(String(d.id)) ? [{ template: String(d.id), pool }] : []
    }),
    existsSync(couponsFile) ? (JSON.parse(readFileSync(couponsFile, 'utf8')) as IssuedCode[]) : [],
  )
  const records: TillRecord[] = existsSync(recordsFile)
    ? readFileSync(recordsFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as TillRecord)
    : []
  const persist = (record: TillRecord) => {
    records.push(record)
    appendFileSync(recordsFile, `${JSON.stringify(record)}\n`)
    writeFileSync(couponsFile, JSON.stringify(book.all(), null, 1))
  }

  // Points: an opening estimate (12 months of earning at the base rate) plus this till's history.
  const balanceOf = (m: Member): number => {
    let balance = Math.floor(spend12m(m, today) / 100)
    for (const r of records) {
      if (r.memberId !== m.memberId) continue
      balance += r.kind === 'sale' ? r.evaluation.points.earned : -r.points
    }
    return balance
  }
  const spendToday = (m: Member): number =>
    records.reduce((s, r) => (r.kind === 'sale' && r.memberId === m.memberId ? s + r.evaluation.total : s), 0)
  const tierProgressOf = (m: Member, extra = 0) => {
    const spend = spend12m(m, today) + spendToday(m) + extra
    const tier = tierFor(spend, ladder)
    const next = [...ladder.tiers]
      .sort((a, b) => a.qualify.spend - b.qualify.spend)
      .find((t) => t.qualify.spend > spend)
    return { ...(tier ? { tier } : {}), ...(next ? { next: next.id, nextAt: next.qualify.spend } : {}), spend }
  }
  const customerOf = (m: Member): Customer => {
    const stage = classifyLifecycle(
      { purchases: m.visits.map((v) => ({ at: v.at, amount: v.spend })) },
      localIso(clock.now()),
    )
    return {
      ...toCustomer(m, today, ladder, balanceOf(m)),
      ...(stage._tag === 'Right' ? { lifecycle: stage.right } : {}),
    }
  }
  const tillCustomer = (m: Member): TillCustomer => {
    const c = customerOf(m)
    return {
      card: m.card,
      name: `${m.firstName} ${m.lastName}`,
      ...(c.tier ? { tier: c.tier } : {}),
      ...(c.lifecycle ? { lifecycle: c.lifecycle } : {}),
      pointsBalance: balanceOf(m),
      tierProgress: tierProgressOf(m),
    }
  }

  // The open transaction.
  const nextSequence = () => records.filter((r) => r.kind === 'sale').length + 1
  let transactionId = ''
  let lines: BasketLine[] = []
  let member: Member | undefined
  let codes: string[] = []
  let lineCounter = 0
  const open = () => {
    transactionId = `T-${storeId}-${terminalId}-${String(nextSequence()).padStart(6, '0')}`
    lines = []
    member = undefined
    codes = []
    lineCounter = 0
  }
  open()

  const basket = (): Basket => ({
    id: transactionId,
    storeId,
    terminalId,
    channel: 'store',
    currency: 'EUR' as Basket['currency'],
    pricesIncludeTax: true,
    at: localIso(clock.now()) as Basket['at'],
    ...(member ? { card: member.card } : {}),
    ...(codes.length > 0 ? { codes } : {}),
    lines,
  })
  const price = (): Evaluation => evaluate(compiled, basket(), member ? customerOf(member) : undefined, program.right)
  const nameOf = (sku: string) => catalog.bySku.get(sku)?.name
  const tillLine = (line: BasketLine, e: Evaluation): TillLine => {
    const priced = e.lines.find((l) => l.id === line.id)
    return {
      id: line.id,
      sku: line.sku,
      name: nameOf(line.sku) ?? line.sku,
      quantity: line.quantity,
      unit: line.unit === 'kg' ? 'kg' : 'each',
      unitPrice: line.unitPrice,
      amount: line.amount,
      discount: priced?.discount ?? 0,
      net: priced?.net ?? line.amount,
      discounts: e.discounts.flatMap((d) =>
        d.allocations
          .filter((a) => a.lineId === line.id && a.amount > 0)
          .map((a) => ({ label: d.label || d.campaignId, amount: a.amount })),
      ),
    }
  }
  const view = (): TillView => {
    const e = price()
    return {
      transactionId,
      currency: 'EUR',
      lines: lines.map((l) => tillLine(l, e)),
      subtotal: e.subtotal,
      discountTotal: e.discountTotal,
      total: e.total,
      nudges: e.nudges.map((n) => n.message),
      codes,
      gifts: e.gifts.map((g) => `${g.quantity} x ${nameOf(g.sku) ?? g.sku}${g.label ? ` (${g.label})` : ''}`),
      pointsPreview: e.points.earned,
      couponsPreview: e.coupons.map((c) => c.label || c.template),
      ...(member ? { customer: tillCustomer(member) } : {}),
    }
  }

  const applyCode = (raw: string): Either<TillError, string> => {
    const code = raw.trim().toUpperCase()
    if (codes.includes(code)) return left(tillError(`Coupon ${code} is already on this sale`))
    const verdict = book.judge(code, member?.card, localIso(clock.now()))
    if (!verdict.ok) return left(tillError(`${code}: ${CODE_REJECTION_MESSAGES[verdict.reason]} (${verdict.reason})`))
    codes = [...codes, code]
    return right(code)
  }

  const scan = (input: string): Either<TillError, ScanOutcome> => {
    const text = input.trim()
    if (/^\d{13}$/.test(text) && text.startsWith('2900')) {
      const m = byCard.get(text)
      if (m === undefined) return left(tillError(`Card ${text} is not a member card of this store`))
      // A coupon held for another card is released when the card changes.
      member = m
      codes = codes.filter((c) => book.judge(c, m.card, localIso(clock.now())).ok)
      return right({ kind: 'customer', customer: tillCustomer(m) })
    }
    if (/^\d{8,14}$/.test(text)) {
      const found = lookupBarcode(catalog, text)
      if (found === undefined) return left(tillError(`Barcode ${text} is unknown or misread: scan it again`))
      const { product } = found
      if (product.unit === 'each') {
        const same = lines.findIndex((l) => l.sku === product.sku)
        const existing = lines[same]
        if (existing !== undefined) {
          const quantity = existing.quantity + 1
          lines = lines.map((l, i) =>
            i === same ? { ...l, quantity, amount: (quantity * l.unitPrice) as MinorUnits } : l,
          )
          return right({ kind: 'item', line: tillLine(lines[same] as BasketLine, price()) })
        }
      }
      lineCounter += 1
      const line: BasketLine = {
        id: String(lineCounter),
        sku: product.sku as Sku,
        quantity: found.quantity,
        ...(product.unit === 'kg' ? { unit: 'kg' as const } : {}),
        unitPrice: product.unitPrice as MinorUnits,
        amount: found.amount as MinorUnits,
        categories: product.categories,
        brand: product.brand,
        tags: product.tags,
        ...(product.discountable ? {} : { discountable: false }),
        taxRate: product.taxRate,
      }
      lines = [...lines, line]
      return right({ kind: 'item', line: tillLine(line, price()) })
    }
    if (/^[A-Za-z0-9]+(-[A-Za-z0-9]+)+$/.test(text)) {
      const applied = applyCode(text)
      return applied._tag === 'Left' ? applied : right({ kind: 'code', code: applied.right })
    }
    return left(tillError(`"${text}" is neither a barcode, a card nor a coupon code; type help`))
  }

  const findSale = (id: string) => records.find((r): r is SaleRecord => r.kind === 'sale' && r.basket.id === id)

  return {
    scan: async (barcode) => scan(barcode),
    setQuantity: async (quantity, lineId) => {
      const target = lineId ?? lines[lines.length - 1]?.id
      const line = lines.find((l) => l.id === target)
      if (line === undefined)
        return left(tillError(target === undefined ? 'No line yet: scan a product first' : `No line ${target}`))
      if (line.unit === 'kg')
        return left(tillError(`Line ${line.id} is weighed: its quantity comes from the scale label`))
      if (!Number.isInteger(quantity) || quantity <= 0 || quantity > 999) {
        return left(tillError(`Quantity must be a whole number from 1 to 999, got ${quantity}`))
      }
      lines = lines.map((l) =>
        l.id === line.id ? { ...l, quantity, amount: (quantity * l.unitPrice) as MinorUnits } : l,
      )
      return right(tillLine(lines.find((l) => l.id === line.id) as BasketLine, price()))
    },
    applyCode: async (code) => applyCode(code),
    view: async () => view(),
    pay: async (tender) => {
      if (lines.length === 0) return left(tillError('Nothing to pay: scan a product first'))
      const e = price()
      if (tender.kind === 'cash' && tender.amount !== undefined && tender.amount < e.total) {
        return left(
          tillError(`Cash ${(tender.amount / 100).toFixed(2)} is less than the total ${(e.total / 100).toFixed(2)}`),
        )
      }
      const b = basket()
      // Close: redeem the codes whose template applied, issue the checkout coupons, post the points.
      const applied = new Set(e.discounts.map((d) => d.campaignId))
      for (const code of codes) {
        const record = book.get(code)
        if (record !== undefined && applied.has(record.template)) book.redeem(code)
      }
      const coupons: ReceiptCoupon[] = e.coupons.map((c) => {
        const issued = book.issue(c.template, random, member?.card, c.validUntil)
        const file = writeCouponBarcode(issued.code, join(options.dataDir, 'coupons'))
        return {
          label: c.label || validityOf.get(c.template)?.name || c.template,
          code: issued.code,
          validUntil: c.validUntil,
          barcodeFile: file,
        }
      })
      const m = member
      const receipt = receiptOf({
        basket: b,
        evaluation: e,
        store: { ...STORE, storeId },
        nameOf,
        tender: tender.kind,
        ...(tender.amount !== undefined ? { tendered: tender.amount } : {}),
        ...(m
          ? {
              loyalty: {
                card: m.card,
                name: `${m.firstName} ${m.lastName}`,
                pointsEarned: e.points.earned,
                pointsBalance: balanceOf(m) + e.points.earned,
                tierProgress: tierProgressOf(m, e.total),
              },
            }
          : {}),
        coupons,
      })
      persist({ kind: 'sale', basket: b, evaluation: e, ...(m ? { memberId: m.memberId } : {}), receipt })
      open()
      return right(receipt)
    },
    voidLine: async (lineId) => {
      if (!lines.some((l) => l.id === lineId)) return left(tillError(`No line ${lineId} on this sale`))
      lines = lines.filter((l) => l.id !== lineId)
      return right(view())
    },
    voidTransaction: async () => {
      if (lines.length === 0 && member === undefined && codes.length === 0) return left(tillError('Nothing to void'))
      open()
      return right(view())
    },
    returnReceipt: async (receiptId, wanted) => {
      const sale = findSale(receiptId)
      if (sale === undefined) return left(tillError(`No receipt ${receiptId} at this till`))
      const already = new Map<string, number>()
      for (const r of records) {
        if (r.kind === 'return' && r.of === receiptId)
          for (const l of r.lines) already.set(l.lineId, (already.get(l.lineId) ?? 0) + l.quantity)
      }
      const asked = (wanted ?? sale.basket.lines.map((l): TillReturnLine => ({ lineId: l.id }))).map((w) => {
        const sold = sale.basket.lines.find((l) => l.id === w.lineId)
        return { lineId: w.lineId, quantity: w.quantity ?? (sold ? sold.quantity - (already.get(w.lineId) ?? 0) : 0) }
      })
      const share = returnShare(
        sale.basket,
        sale.evaluation,
        asked.filter((a) => wanted !== undefined || a.quantity > 0),
        already,
      )
      if (typeof share === 'string') return left(tillError(share))
      if (share.lines.length === 0) return left(tillError(`Everything on ${receiptId} was already returned`))
      const id = `R-${storeId}-${terminalId}-${String(records.filter((r) => r.kind === 'return').length + 1).padStart(6, '0')}`
      const m = sale.memberId !== undefined ? byId.get(sale.memberId) : undefined
      const receipt: ReceiptData = {
        kind: 'return',
        store: { ...STORE, storeId },
        terminalId,
        transactionId: id,
        returnOf: receiptId,
        at: localIso(clock.now()),
        currency: 'EUR',
        lines: share.lines.map((l) => {
          const sold = sale.basket.lines.find((x) => x.id === l.lineId) as BasketLine
          return {
            id: l.lineId,
            name: nameOf(sold.sku) ?? sold.sku,
            quantity: l.quantity,
            unit: sold.unit === 'kg' ? 'kg' : 'each',
            unitPrice: sold.unitPrice,
            amount: l.gross,
            discounts: l.discount > 0 ? [{ label: 'Discount given back', amount: l.discount }] : [],
          }
        }),
        subtotal: share.gross,
        discountTotal: share.discount,
        total: share.refund,
        tenders: [{ kind: sale.receipt.tenders[0]?.kind ?? 'cash', amount: share.refund }],
        ...(m
          ? {
              loyalty: {
                card: m.card,
                name: `${m.firstName} ${m.lastName}`,
                pointsEarned: -share.points,
                pointsBalance: balanceOf(m) - share.points,
              },
            }
          : {}),
        coupons: [],
      }
      persist({
        kind: 'return',
        id,
        of: receiptId,
        ...(sale.memberId !== undefined ? { memberId: sale.memberId } : {}),
        lines: share.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
        points: share.points,
        receipt,
      })
      return right(receipt)
    },
    reprint: async (receiptId) => {
      const record =
        receiptId === undefined
          ? records[records.length - 1]
          : records.find((r) => (r.kind === 'sale' ? r.basket.id : r.id) === receiptId)
      if (record === undefined)
        return left(tillError(receiptId === undefined ? 'No receipt yet' : `No receipt ${receiptId} at this till`))
      return right({ ...record.receipt, notes: ['*** REPRINT ***', ...(record.receipt.notes ?? [])] })
    },
  }
}

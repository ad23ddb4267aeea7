import { join } from 'node:path'
import {
  type Basket,
  type BasketLine,
  type CheckoutError,
  type CheckoutSession,
  type Clock,
  catalogueFor,
  type Evaluation,
  type LocalDate,
  type MinorUnits,
  type Sku,
  systemClock,
  verifyCoupon,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { printedReceipt } from '../demo/printDay.js'
import { receiptFromCheckoutReturn } from '../receipt/fromCheckout.js'
import type { ReceiptData } from '../receipt/receipt.js'
import { type DemoShop, localIso, openDemoShop } from '../shop/shop.js'
import { lookupBarcode, scaleLabel } from '../store/catalog.js'
import type { Member } from '../store/members.js'
import {
  type ScanOutcome,
  type TillBackend,
  type TillCustomer,
  type TillError,
  type TillLine,
  type TillReturnLine,
  type TillReward,
  type TillView,
  tillError,
} from './backend.js'
import { displayMoney, shortCode } from './format.js'

/**
 * The till's backend over the checkout: each sale is a `CheckoutSession` of the demo shop on
 * `@tessera/store-sqlite` (a file in the data folder). Scans become lines, cards `identify` the
 * member (profile, tier and points from the ledger), codes are held by the checkout (a signed
 * coupon is first checked offline), `price()` gives the screen, `close()` pays and books
 * everything, `checkout.return` takes units back from the stored snapshot, and reprints read the
 * stored close.
 */

/** Options of {@link openCheckoutBackend}. @category till */
export interface CheckoutBackendOptions {
  /** The data folder: `till.sqlite` and the coupon barcodes (`coupons/`) go there. */
  readonly dataDir: string
  /** Start from an empty store (seeded again). */
  readonly reset?: boolean
  readonly terminalId?: string
  /** Default: the system clock. Basket times and code holds read it. */
  readonly clock?: Clock
  /** Members to enrol when the store is seeded (default 1,200). */
  readonly members?: number
  readonly onSeed?: (done: number, total: number) => void
}

/** The till backend, with the shop it runs on (close it when the till quits). @category till */
export interface CheckoutBackend extends TillBackend {
  readonly shop: DemoShop
  readonly close: () => Promise<void>
}

/** Why the till could not open. @category till */
export interface TillOpenError {
  readonly _tag: 'TillOpenError'
  readonly message: string
}

const messageOf = (e: CheckoutError): string =>
  e._tag === 'CodeRejected' ? `${shortCode(e.code)}: ${e.message} (${e.reason})` : e.message

/**
 * Opens the till on `<dataDir>/till.sqlite` (seeding the demo store on first use).
 * @category till
 */
export const openCheckoutBackend = async (
  options: CheckoutBackendOptions,
): Promise<Either<TillOpenError, CheckoutBackend>> => {
  const clock = options.clock ?? systemClock
  const terminalId = options.terminalId ?? '01'
  if (!/^\d{2}$/.test(terminalId))
    return left({ _tag: 'TillOpenError', message: `terminalId: must be two digits such as 01, got "${terminalId}"` })
  const today = localIso(clock.now()).slice(0, 10) as LocalDate
  const opened = await openDemoShop({
    file: join(options.dataDir, 'till.sqlite'),
    ...(options.reset === true ? { reset: true } : {}),
    day: today,
    clock,
    ...(options.members !== undefined ? { members: options.members } : {}),
    ...(options.onSeed !== undefined ? { onSeed: options.onSeed } : {}),
  })
  if (opened._tag === 'Left') return left({ _tag: 'TillOpenError', message: opened.left.message })
  const shop = opened.right
  const barcodeDir = join(options.dataDir, 'coupons')
  const prefix = `T-${shop.storeId}-${terminalId}-${today.replaceAll('-', '')}-`
  const now = () => localIso(clock.now())

  // The next receipt number: after the last one this till opened today, closed or voided (the store
  // keeps every session, so a number is never given twice, even across restarts).
  const numbered = (n: number) => `${prefix}${String(n).padStart(6, '0')}`
  let sequence = 0
  for (;;) {
    const next = numbered(sequence + 1)
    const stored = await shop.store.findSession(next)
    if (stored?.state === 'open') break // a sale left open (a restart): it is resumed below
    if (stored === undefined && (await shop.store.findClose(next)) === undefined) break
    sequence++
  }
  const receipts: string[] = []

  let session: CheckoutSession
  /** Points vouchers bought for the open sale: they pay part of it at `pay`. */
  let vouchers: { readonly rewardId: string; readonly amount: number }[] = []
  let member: Member | undefined
  let card: string | undefined
  let lineCounter = 0
  const openSession = async () => {
    sequence += 1
    const resumed = await shop.checkout.resume(numbered(sequence))
    const started =
      resumed._tag === 'Right' && resumed.right.state() === 'open'
        ? resumed
        : await shop.checkout.open({
            transactionId: numbered(sequence),
            storeId: shop.storeId,
            terminalId,
            currency: 'EUR' as Basket['currency'],
            at: now() as Basket['at'],
          })
    // The open input is ours and well formed: a refusal is a broken invariant.
    if (started._tag === 'Left') throw new Error(started.left.message)
    session = started.right
    vouchers = []
    card = session.data().card
    member = card === undefined ? undefined : shop.byCard.get(card)
    lineCounter = session.basket().lines.reduce((n, l) => Math.max(n, Number(l.id) || 0), 0)
  }
  await openSession()
  const lines = () => session.basket().lines

  const nameOf = (sku: string) => shop.catalog.bySku.get(sku)?.name
  const tillLine = (line: BasketLine, e: Evaluation | undefined): TillLine => {
    const priced = e?.lines.find((l) => l.id === line.id)
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
      discounts: (e?.discounts ?? []).flatMap((d) =>
        d.allocations
          .filter((a) => a.lineId === line.id && a.amount > 0)
          .map((a) => ({ label: d.label || d.campaignId, amount: a.amount })),
      ),
    }
  }
  const price = async (): Promise<Evaluation | undefined> => {
    if (lines().length === 0) return undefined
    const priced = await session.price()
    return priced._tag === 'Right' ? priced.right : undefined
  }
  // Where the member stands comes from the store (the host's identify: the recorded purchases, the
  // ledger), never from this process's memory, so a restarted till shows the same standing.
  const tillCustomer = async (m: Member): Promise<TillCustomer> => {
    const at = now()
    const view = await shop.host.identify(m.card, at)
    const customer = view._tag === 'Right' ? view.right.customer : undefined
    const progress = view._tag === 'Right' ? view.right.tier : undefined
    const spend = customer?.stats?.spend12m ?? 0
    return {
      card: m.card,
      name: `${m.firstName} ${m.lastName}`,
      ...(customer?.tier !== undefined ? { tier: customer.tier } : {}),
      lifecycle: customer?.lifecycle ?? 'new',
      pointsBalance: view._tag === 'Right' ? (view.right.balance?.available ?? 0) : 0,
      tierProgress: {
        ...(progress?.current !== undefined ? { tier: progress.current } : {}),
        ...(progress?.next !== undefined ? { next: progress.next, nextAt: spend + (progress.missing.spend ?? 0) } : {}),
        spend,
      },
    }
  }
  const view = async (): Promise<TillView> => {
    const e = await price()
    return {
      transactionId: session.transactionId,
      currency: 'EUR',
      lines: lines().map((l) => tillLine(l, e)),
      subtotal: e?.subtotal ?? 0,
      discountTotal: e?.discountTotal ?? 0,
      total: e?.total ?? 0,
      nudges: (e?.nudges ?? []).map((n) => n.message),
      codes: [...(session.basket().codes ?? [])],
      gifts: (e?.gifts ?? []).map((g) => `${g.quantity} x ${nameOf(g.sku) ?? g.sku}${g.label ? ` (${g.label})` : ''}`),
      pointsPreview: e?.points.earned ?? 0,
      couponsPreview: (e?.coupons ?? []).map((c) => c.label || c.template),
      ...(member !== undefined ? { customer: await tillCustomer(member) } : {}),
    }
  }

  const applyCode = async (raw: string): Promise<Either<TillError, string>> => {
    const code = raw.trim()
    if ((session.basket().codes ?? []).includes(code.toUpperCase()))
      return left(tillError(`Coupon ${code} is already on this sale`))
    // A printed checkout coupon is checked offline first: a changed character is TAMPERED.
    if (code.toUpperCase().startsWith('TSR1.')) {
      const checked = verifyCoupon(code.toUpperCase(), shop.keyring, clock.now(), card)
      if (checked._tag === 'Left') return left(tillError(`${checked.left.message} (${checked.left.reason})`))
    }
    const applied = await session.applyCode(code)
    return applied._tag === 'Left' ? left(tillError(messageOf(applied.left))) : right(applied.right.code)
  }

  const setLines = (next: readonly BasketLine[]): Either<TillError, void> => {
    const set = session.setLines(next)
    return set._tag === 'Left' ? left(tillError(set.left.message)) : right(undefined)
  }

  const scan = async (input: string): Promise<Either<TillError, ScanOutcome>> => {
    const text = input.trim()
    if (/^\d{13}$/.test(text) && text.startsWith('2900')) {
      const known = await shop.loyalty.card(text)
      if (known._tag === 'Left') return left(tillError(`Card ${text} is not a member card of this store`))
      if (known.right.status !== 'active') return left(tillError(`Card ${text} is ${known.right.status}`))
      const m = shop.byCard.get(text)
      const identified = session.identify(text)
      if (identified._tag === 'Left') return left(tillError(identified.left.message))
      member = m
      card = text
      return right({
        kind: 'customer',
        customer: m !== undefined ? await tillCustomer(m) : { card: text, pointsBalance: 0 },
      })
    }
    if (/^\d{8,14}$/.test(text)) {
      const found = lookupBarcode(shop.catalog, text)
      if (found === undefined) return left(tillError(`Barcode ${text} is unknown or misread: scan it again`))
      const { product } = found
      const current = lines()
      const same = product.unit === 'each' ? current.findIndex((l) => l.sku === product.sku) : -1
      let lineId: string
      if (same >= 0) {
        const existing = current[same] as BasketLine
        const quantity = existing.quantity + 1
        const set = setLines(
          current.map((l, i) => (i === same ? { ...l, quantity, amount: (quantity * l.unitPrice) as MinorUnits } : l)),
        )
        if (set._tag === 'Left') return set
        lineId = existing.id
      } else {
        lineCounter += 1
        lineId = String(lineCounter)
        const added = session.addLine({
          id: lineId,
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
        })
        if (added._tag === 'Left') return left(tillError(added.left.message))
      }
      const line = lines().find((l) => l.id === lineId) as BasketLine
      return right({ kind: 'item', line: tillLine(line, await price()) })
    }
    if (/^[A-Za-z0-9]+([-.][A-Za-z0-9]+)+$/.test(text)) {
      const applied = await applyCode(text)
      return applied._tag === 'Left' ? applied : right({ kind: 'code', code: applied.right })
    }
    return left(tillError(`"${text}" is neither a barcode, a card nor a coupon code; type help`))
  }

  const receiptOfClose = async (transactionId: string): Promise<ReceiptData | undefined> => {
    const record = await shop.store.findClose(transactionId)
    return record === undefined ? undefined : printedReceipt(shop, record, barcodeDir)
  }

  /** The return id of the n-th return of a receipt: `R-…-1`, `R-…-2`. */
  const returnIdOf = (transactionId: string, n: number) => `R${transactionId.slice(1)}-${n}`

  const describeReward = (grants: unknown): string => {
    const g = grants as Record<string, { readonly amount?: number; readonly percent?: number; readonly sku?: string }>
    if (g.amountOff?.amount !== undefined) return `${displayMoney(g.amountOff.amount)} voucher`
    if (g.percentOff?.percent !== undefined)
      return `${g.percentOff.percent} % off a category (printed for the next visit)`
    return 'a gift'
  }
  const rewards = async (): Promise<Either<TillError, readonly TillReward[]>> => {
    if (card === undefined || member === undefined) return left(tillError('Scan the member card first'))
    const view = await shop.host.identify(card, now())
    const available = view._tag === 'Right' ? (view.right.balance?.available ?? 0) : 0
    return right(
      catalogueFor(shop.program, available).map((l) => ({
        id: l.reward.id,
        cost: l.reward.cost,
        affordable: l.affordable,
        missingPoints: l.missingPoints,
        description: describeReward(l.reward.grants),
      })),
    )
  }

  const backend: CheckoutBackend = {
    shop,
    close: () => shop.close(),
    search: (query, limit = 8) => {
      const words = query
        .toLowerCase()
        .split(/\s+/)
        .filter((w) => w !== '')
      if (words.length === 0) return []
      return shop.catalog.products
        .filter((p) => {
          const text = `${p.name} ${p.brand} ${p.categories.join(' ')}`.toLowerCase()
          return words.every((w) => text.includes(w))
        })
        .slice(0, limit)
        .map((p) => ({
          barcode: p.unit === 'kg' ? scaleLabel(p, 500).barcode : p.sku,
          name: p.name,
          brand: p.brand,
          unitPrice: p.unitPrice,
          unit: p.unit,
        }))
    },
    samples: () => {
      const each = shop.catalog.products.filter((p) => p.unit === 'each').slice(0, 3)
      const weighed = shop.catalog.products.find((p) => p.unit === 'kg')
      return [
        ...each.map((p) => `${p.sku}  ${p.name}`),
        ...(weighed !== undefined
          ? [`${scaleLabel(weighed, 532).barcode}  ${weighed.name}, 0,532 kg (a scale label)`]
          : []),
        ...shop.members.slice(0, 3).map((m) => `${m.card}  member card of ${m.firstName} ${m.lastName}`),
        'f TEXT  finds a product by name, brand or category (e.g. "f yogurt")',
        'c CODE  applies a printed coupon: type the code under its barcode',
      ]
    },
    rewards,
    redeem: async (rewardId) => {
      const listed = await rewards()
      if (listed._tag === 'Left') return listed
      const reward = listed.right.find((r) => r.id === rewardId)
      if (reward === undefined)
        return left(tillError(`No reward ${rewardId}; the catalogue has ${listed.right.map((r) => r.id).join(', ')}`))
      if (!reward.affordable)
        return left(tillError(`${reward.id} costs ${reward.cost} points: ${reward.missingPoints} more are needed`))
      const e = await price()
      const due = (e?.total ?? 0) - vouchers.reduce((s, v) => s + v.amount, 0)
      const granted = await shop.host.redeemReward({
        card: card as string,
        rewardId,
        key: `${session.transactionId}/reward/${vouchers.length + 1}`,
        at: Date.parse(now()),
      })
      if (granted._tag === 'Left') return left(tillError(granted.left.message))
      const grant = granted.right
      const amount =
        grant.kind === 'voucher' && 'amountOff' in grant.reward
          ? Math.min(grant.reward.amountOff.amount, Math.max(0, due))
          : 0
      vouchers.push({ rewardId, amount })
      return right({ reward, amount })
    },
    scan,
    setQuantity: async (quantity, lineId) => {
      const current = lines()
      const target = lineId ?? current[current.length - 1]?.id
      const line = current.find((l) => l.id === target)
      if (line === undefined)
        return left(tillError(target === undefined ? 'No line yet: scan a product first' : `No line ${target}`))
      if (line.unit === 'kg')
        return left(tillError(`Line ${line.id} is weighed: its quantity comes from the scale label`))
      if (!Number.isInteger(quantity) || quantity <= 0 || quantity > 999)
        return left(tillError(`Quantity must be a whole number from 1 to 999, got ${quantity}`))
      const set = setLines(
        current.map((l) => (l.id === line.id ? { ...l, quantity, amount: (quantity * l.unitPrice) as MinorUnits } : l)),
      )
      if (set._tag === 'Left') return set
      return right(tillLine(lines().find((l) => l.id === line.id) as BasketLine, await price()))
    },
    applyCode,
    view,
    pay: async (tender) => {
      if (lines().length === 0) return left(tillError('Nothing to pay: scan a product first'))
      const e = await price()
      const voucherTotal = vouchers.reduce((s, v) => s + v.amount, 0)
      const total = Math.max(0, (e?.total ?? 0) - voucherTotal)
      if (tender.kind === 'cash' && tender.amount !== undefined && tender.amount < total) {
        return left(tillError(`Cash ${displayMoney(tender.amount)} is less than the total ${displayMoney(total)}`))
      }
      const closed = await session.close([
        ...vouchers.filter((v) => v.amount > 0).map((v) => ({ type: 'voucher', amount: v.amount })),
        ...(total > 0 || voucherTotal === 0
          ? [{ type: tender.kind, amount: tender.kind === 'cash' ? (tender.amount ?? total) : total }]
          : []),
      ])
      if (closed._tag === 'Left') return left(tillError(messageOf(closed.left)))
      if (member !== undefined)
        shop.recordPurchase(member.memberId, { at: closed.right.at, amount: closed.right.total })
      const printed = await receiptOfClose(closed.right.transactionId)
      receipts.push(closed.right.transactionId)
      await openSession()
      // Just stored: a missing record is a broken invariant.
      if (printed === undefined) throw new Error(`close ${closed.right.transactionId} is not in the store`)
      return right(printed)
    },
    voidLine: async (lineId) => {
      const removed = session.removeLine(lineId)
      if (removed._tag === 'Left') return left(tillError(`No line ${lineId} on this sale`))
      return right(await view())
    },
    voidTransaction: async () => {
      if (lines().length === 0 && card === undefined && (session.basket().codes ?? []).length === 0)
        return left(tillError('Nothing to void'))
      const voided = await session.void()
      if (voided._tag === 'Left') return left(tillError(voided.left.message))
      await openSession()
      return right(await view())
    },
    returnReceipt: async (receiptId, wanted) => {
      const sale = await shop.store.findClose(receiptId)
      if (sale === undefined) return left(tillError(`No receipt ${receiptId} in this store`))
      const unknown = (wanted ?? []).find((w) => !sale.snapshot.lines.some((l) => l.lineId === w.lineId))
      if (unknown !== undefined) {
        const ids = sale.snapshot.lines.map((l) => l.lineId).join(', ')
        return left(tillError(`Receipt ${receiptId} has no line ${unknown.lineId}; its lines are ${ids}`))
      }
      const earlier = await shop.store.findReturns(receiptId)
      const already = new Map<string, number>()
      for (const r of earlier)
        for (const l of r.receipt.lines) already.set(l.lineId, (already.get(l.lineId) ?? 0) + l.quantity)
      const asked = (wanted ?? sale.snapshot.lines.map((l): TillReturnLine => ({ lineId: l.lineId })))
        .map((w) => {
          const sold = sale.snapshot.lines.find((l) => l.lineId === w.lineId)
          const left0 = sold === undefined ? 0 : sold.quantity - (already.get(w.lineId) ?? 0)
          return { lineId: w.lineId, quantity: w.quantity ?? left0 }
        })
        .filter((l) => wanted !== undefined || l.quantity > 0)
      if (asked.length === 0) return left(tillError(`Everything on ${receiptId} was already returned`))
      const at = now()
      const back = await shop.checkout.return({
        returnId: returnIdOf(receiptId, earlier.length + 1),
        transactionId: receiptId,
        at,
        lines: asked,
      })
      if (back._tag === 'Left') return left(tillError(messageOf(back.left)))
      const m = sale.receipt.card !== undefined ? shop.byCard.get(sale.receipt.card) : undefined
      receipts.push(back.right.returnId)
      return right(
        receiptFromCheckoutReturn(back.right, at, sale.receipt.currency, {
          store: { name: shop.storeName, address: shop.storeAddress, storeId: shop.storeId },
          terminalId,
          nameOf,
          ...(sale.receipt.card !== undefined ? { card: sale.receipt.card } : {}),
          ...(m !== undefined ? { memberName: `${m.firstName} ${m.lastName}` } : {}),
          tender: sale.receipt.tenders.some((t) => t.type === 'cash') ? 'cash' : 'card',
          soldLines: new Map(
            sale.snapshot.lines.map((l) => [
              l.lineId,
              { sku: l.sku, unit: l.unit, unitPrice: l.quantity > 0 ? Math.round(l.amount / l.quantity) : l.amount },
            ]),
          ),
        }),
      )
    },
    reprint: async (receiptId) => {
      const id = receiptId ?? receipts[receipts.length - 1]
      if (id === undefined) return left(tillError('No receipt yet'))
      if (id.startsWith('R')) {
        const match = /^R(.*)-(\d+)$/.exec(id)
        const of = match ? `T${match[1]}` : ''
        const back = (await shop.store.findReturns(of)).find((r) => r.returnId === id)
        if (back === undefined) return left(tillError(`No receipt ${id} in this store`))
        const request = JSON.parse(back.request) as { readonly at: string }
        const data = receiptFromCheckoutReturn(back.receipt, request.at, 'EUR', {
          store: { name: shop.storeName, address: shop.storeAddress, storeId: shop.storeId },
          terminalId,
          nameOf,
        })
        return right({ ...data, notes: ['*** DUPLICATE (REPRINT) ***', ...(data.notes ?? [])] })
      }
      const printed = await receiptOfClose(id)
      if (printed === undefined) return left(tillError(`No receipt ${id} in this store`))
      return right({ ...printed, notes: ['*** DUPLICATE (REPRINT) ***', ...(printed.notes ?? [])] })
    },
  }
  return right(backend)
}

import { tzOffset } from '@date-fns/tz'
import {
  type Basket,
  type Customer,
  decodeBasket,
  decodeCustomer,
  exponentOf,
  isCurrencyCode,
  isIsoDateTime,
  type MeasureUnit,
  parseBarcode,
  parseMoney,
  type Unit,
} from '@tessera/core'
import type {
  Dialect,
  ImportRecord,
  NonMerchandiseLine,
  PosLogDiscount,
  PosLogError,
  PosLogPoints,
  PosLogReturnLine,
  PosLogTender,
  ReadOptions,
  SkipReason,
  TillReward,
} from './model.js'
import { isWincorUri, NS } from './namespaces.js'
import { attr, child, children, childText, pathOf, type XmlElement } from './xml.js'

/** A failure while reading one transaction: thrown inside the mapping, caught at its edge. */
class Refusal extends Error {
  constructor(
    readonly reason: PosLogError['reason'],
    readonly at: XmlElement | undefined,
    message: string,
    readonly problems?: PosLogError['problems'],
    readonly path?: string,
  ) {
    super(message)
  }
}

type SkippedRecord = Extract<ImportRecord, { kind: 'skipped' }>

/** An amount as tills write it: sign, whole part, decimals. */
const AMOUNT = /^([+-]?)(\d+)(?:\.(\d+))?$/

const ACS = [NS.acs]
const TESSERA = [NS.tessera]
const truthy = (v: string | undefined) =>
  v !== undefined && (v === 'true' || v === '1' || (v !== 'false' && /^(true|1)$/i.test(v.trim())))

/** The dialect of a transaction, from the vendor namespaces it uses. @category poslog */
export const detectDialect = (
  tx: XmlElement,
  options: ReadOptions = {},
  documentUris: readonly string[] = [],
): Dialect => {
  const extra = options.wincorNamespaces ?? []
  let found: Dialect = 'arts'
  const known = (uris: readonly string[]): boolean => {
    for (const uri of uris) {
      if (uri === NS.acs) {
        found = 'ncr-acs'
        return true
      }
      if (uri === NS.retalix) {
        found = 'retalix'
        return true
      }
      if (uri !== '' && (extra.includes(uri) || isWincorUri(uri))) {
        found = 'wincor'
        return true
      }
    }
    return false
  }
  const visit = (el: XmlElement): boolean =>
    known([el.uri, ...Object.keys(el.attrs).map((k) => (k.startsWith('{') ? k.slice(1, k.indexOf('}')) : ''))]) ||
    el.children.some(visit)
  // The stream notes the vendor namespaces of a transaction while reading it; a tree built by hand is walked.
  if (tx.vendorUris !== undefined) {
    if (!known([...tx.vendorUris])) known(documentUris)
    return found === 'arts' ? artsVersionDialect(tx) : found
  }
  // The transaction's own extensions decide; a sign-on has none, so the root's declarations do.
  if (!visit(tx)) known(documentUris)
  return found === 'arts' ? artsVersionDialect(tx) : found
}

/** Without vendor namespaces, an NCR ACS 2.1 transaction still shows by its version and store id. */
const artsVersionDialect = (tx: XmlElement): Dialect =>
  attr(child(tx, 'RetailTransaction') ?? tx, 'Version') === '2.1' && child(tx, 'RetailStoreID') !== undefined
    ? 'ncr-acs'
    : 'arts'

const MEASURES: Readonly<Record<string, MeasureUnit>> = {
  kg: 'kg',
  kgm: 'kg',
  kilogram: 'kg',
  g: 'g',
  grm: 'g',
  gram: 'g',
  lb: 'lb',
  lbr: 'lb',
  lbs: 'lb',
  pound: 'lb',
  oz: 'oz',
  onz: 'oz',
  l: 'l',
  ltr: 'l',
  litre: 'l',
  liter: 'l',
  ml: 'ml',
  mlt: 'ml',
  m: 'm',
  mtr: 'm',
  cm: 'cm',
  cmt: 'cm',
}
const EACH = new Set(['ea', 'each', 'pce', 'pc', 'pcs', 'st', 'stk', 'c62', 'unit', 'h87'])

const offsets = new Map<string, number>()

/** `2016-08-22T15:21:49` in `timeZone`, with that zone's offset at that moment appended. */
const withZoneOffset = (local: string, timeZone: string): string | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local)
  if (m === null) return undefined
  // Zones change offset on the hour (or half hour): one lookup per zone and local half hour.
  const key = `${timeZone}|${local.slice(0, 13)}|${Number(m[5]) < 30 ? 0 : 1}`
  let offset = offsets.get(key)
  if (offset === undefined) {
    const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0))
    const first = tzOffset(timeZone, new Date(guess))
    offset = tzOffset(timeZone, new Date(guess - first * 60_000))
    if (offsets.size > 10_000) offsets.clear()
    offsets.set(key, offset)
  }
  if (!Number.isFinite(offset)) return undefined
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `${local}${sign}${hh}:${mm}`
}

// Building an Intl formatter per transaction costs more than reading it: zones are judged once.
const zoneChecks = new Map<string, boolean>()
const validTimeZone = (tz: string) => {
  let valid = zoneChecks.get(tz)
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz })
      valid = true
    } catch {
      valid = false
    }
    zoneChecks.set(tz, valid)
  }
  return valid
}

/** A round number of 6 decimals: quantities netted by subtraction stay exact decimals. */
const round6 = (n: number) => Math.round(n * 1e6) / 1e6

interface SaleEntry {
  readonly lineId: string
  readonly createRef?: string
  readonly link?: string
  readonly flagged: boolean
  readonly el: XmlElement
  readonly lineEl: XmlElement
  readonly sku: string
  quantity: number
  readonly unit: Unit
  readonly unitPrice: number
  amount: number
  readonly categories: readonly string[]
  readonly brand?: string
  readonly tags?: readonly string[]
  readonly discountable: boolean
  readonly taxRate?: number
  readonly description?: string
  readonly modifiers: readonly { readonly promotionId: string; readonly label: string; readonly amount: number }[]
  readonly original?: { readonly transactionId: string; readonly lineId?: string }
  dropped: boolean
}

/**
 * Maps one `Transaction` element to an import record: a sale (a `Basket` the core's codec
 * accepted), a return, a skipped transaction with its reason, or a refused one with a typed
 * {@link PosLogError} naming the XML path. Never throws on bad input.
 * @category poslog
 */
export const readTransaction = (
  tx: XmlElement,
  index: number,
  options: ReadOptions = {},
  documentUris: readonly string[] = [],
): ImportRecord => {
  let transactionId = `#${index}`
  let dialect: Dialect | undefined
  try {
    if (tx.uri !== NS.arts) {
      throw new Refusal(
        'WRONG_NAMESPACE',
        tx,
        `<Transaction> is in namespace "${tx.uri}", not ARTS POSLog "${NS.arts}"; it is not read as a POSLog transaction`,
      )
    }
    dialect = options.dialect ?? detectDialect(tx, options, documentUris)
    const header = headerOf(tx)
    transactionId = header.id
    const skip = (reason: SkipReason, detail?: string): ImportRecord => {
      const record: { -readonly [K in keyof SkippedRecord]: SkippedRecord[K] } = {
        transactionId,
        index,
        dialect,
        kind: 'skipped',
        reason,
      }
      if (detail !== undefined && detail !== '') record.detail = detail
      return record
    }
    if (truthy(attr(tx, 'TrainingModeFlag')) || truthy(childText(tx, 'TrainingModeFlag'))) return skip('TRAINING_MODE')
    if (truthy(attr(tx, 'CancelFlag')) || truthy(childText(tx, 'CancelFlag'))) return skip('CANCELLED')
    const retail = child(tx, 'RetailTransaction')
    if (retail === undefined) {
      const control = child(tx, 'ControlTransaction')
      if (control !== undefined) {
        const what = childText(control, 'ReasonCode') ?? control.children.find((c) => c.uri === NS.arts)?.local
        return skip('CONTROL_TRANSACTION', what)
      }
      const other = tx.children.find((c) => c.uri === NS.arts && c.local.endsWith('Transaction'))
      return skip('NOT_A_RETAIL_TRANSACTION', other?.local)
    }
    const status = attr(retail, 'TransactionStatus') ?? childText(retail, 'TransactionStatus') ?? ''
    if (/^(\w+:)?(Voided|PostVoided|TransactionVoided)$/i.test(status)) return skip('VOIDED', status)
    if (/^(\w+:)?(Cancel+ed)$/i.test(status)) return skip('CANCELLED', status)
    if (/^(\w+:)?Suspended/i.test(status)) return skip('SUSPENDED', status)
    return readRetail(tx, retail, header, dialect, index, options)
  } catch (e) {
    if (!(e instanceof Refusal)) throw e
    const error: PosLogError = {
      _tag: 'PosLogError',
      reason: e.reason,
      transactionId,
      path: e.path ?? (e.at !== undefined ? pathOf(e.at) : pathOf(tx)),
      line: (e.at ?? tx).line,
      message: `transaction ${transactionId}: ${e.message}`,
      ...(e.problems !== undefined ? { problems: e.problems } : {}),
    }
    return {
      transactionId,
      index,
      ...(dialect !== undefined ? { dialect } : {}),
      kind: 'refused',
      reason: e.reason,
      error,
    }
  }
}

/** A refused record for XML problems met inside a transaction (malformed or truncated markup). @category poslog */
export const refusedForXml = (
  tx: XmlElement,
  index: number,
  problem: {
    readonly reason: PosLogError['reason']
    readonly message: string
    readonly line: number
    readonly path: string
  },
): ImportRecord => {
  let transactionId = `#${index}`
  try {
    transactionId = headerOf(tx).id
  } catch {
    // The header itself is missing or cut: the position names the transaction.
  }
  const error: PosLogError = {
    _tag: 'PosLogError',
    reason: problem.reason,
    transactionId,
    path: problem.path,
    line: problem.line,
    message: `transaction ${transactionId}: ${problem.message} (line ${problem.line}, at ${problem.path})`,
  }
  return { transactionId, index, kind: 'refused', reason: problem.reason, error }
}

interface Header {
  readonly id: string
  readonly storeId: string
  readonly workstationId: string
  readonly sequenceNumber: string
  readonly businessDay: string
}

/** The stable transaction id: store, workstation, business day and sequence number. @category poslog */
export const transactionIdOf = (storeId: string, workstationId: string, businessDay: string, sequence: string) =>
  `${storeId}-${workstationId}-${businessDay.replaceAll('-', '')}-${sequence}`

const headerOf = (tx: XmlElement): Header => {
  const required = (value: string | undefined, name: string, hint: string) => {
    if (value === undefined || value === '') {
      throw new Refusal('MISSING_FIELD', child(tx, name) ?? tx, `has no ${name} (${hint})`)
    }
    return value
  }
  const storeId = required(
    childText(tx, 'RetailStoreID') ?? childText(child(tx, 'BusinessUnit'), 'UnitID'),
    child(tx, 'BusinessUnit') !== undefined ? 'BusinessUnit' : 'RetailStoreID',
    'RetailStoreID or BusinessUnit/UnitID names the store',
  )
  const workstationId = required(childText(tx, 'WorkstationID'), 'WorkstationID', 'the till')
  const sequenceNumber = required(childText(tx, 'SequenceNumber'), 'SequenceNumber', 'it keys the transaction')
  const day =
    childText(tx, 'BusinessDayDate') ??
    (childText(tx, 'EndDateTime') ?? childText(tx, 'BeginDateTime') ?? '').slice(0, 10)
  const businessDay = required(/^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined, 'BusinessDayDate', 'YYYY-MM-DD')
  // What Tessera wrote keeps the id it closed the transaction under; any other log is keyed by its header.
  const own = childText(tx, 'TransactionID', TESSERA)
  return {
    id: own !== undefined && own !== '' ? own : transactionIdOf(storeId, workstationId, businessDay, sequenceNumber),
    storeId,
    workstationId,
    sequenceNumber,
    businessDay,
  }
}

const readRetail = (
  tx: XmlElement,
  retail: XmlElement,
  header: Header,
  dialect: Dialect,
  index: number,
  options: ReadOptions,
): ImportRecord => {
  // ── currency, time ─────────────────────────────────────────────────────────────────────────────
  const currencyText =
    childText(tx, 'CurrencyCode') ??
    attr(child(retail, 'Total') ?? retail, 'CurrencyCode') ??
    firstCurrencyAttr(retail) ??
    options.currency
  if (currencyText === undefined) {
    throw new Refusal('UNKNOWN_CURRENCY', tx, 'names no currency (CurrencyCode); pass the store currency')
  }
  if (!isCurrencyCode(currencyText)) {
    throw new Refusal(
      'UNKNOWN_CURRENCY',
      child(tx, 'CurrencyCode') ?? tx,
      `"${currencyText}" is not an ISO 4217 currency`,
    )
  }
  const currency = currencyText
  const exponent = exponentOf(currency)
  const money = (el: XmlElement | undefined, what: string): number => {
    if (el === undefined) throw new Refusal('MISSING_FIELD', undefined, `has no ${what}`)
    const text = el.text.trim()
    // The common case read directly: a sign, up to 13 digits, at most the currency's decimals
    // (more only if the extra ones are zeros: roqqio writes 3 for EUR). Safe integers all.
    const m = AMOUNT.exec(text)
    if (m !== null) {
      const fraction = m[3] ?? ''
      if (fraction.length <= exponent || /^0*$/.test(fraction.slice(exponent))) {
        const digits = `${m[2]}${fraction.length > exponent ? fraction.slice(0, exponent) : fraction.padEnd(exponent, '0')}`
        if (digits.length <= 15) {
          const amount = Number(digits)
          return m[1] === '-' && amount !== 0 ? -amount : amount
        }
      }
    }
    // Anything else is core's to judge (and refuse, with its reason), extra zero decimals dropped.
    let exact = text
    const d = /^([+-]?\d+)\.(\d+)$/.exec(text)
    if (d !== null && (d[2] as string).length > exponent && /^0*$/.test((d[2] as string).slice(exponent))) {
      exact = exponent === 0 ? (d[1] as string) : `${d[1]}.${(d[2] as string).slice(0, exponent)}`
    }
    const parsed = parseMoney(exact, currency)
    if (parsed._tag === 'Left') throw new Refusal('BAD_AMOUNT', el, `${el.local}: ${parsed.left.message}`)
    return parsed.right.amount
  }
  const timeEl = child(tx, 'EndDateTime') ?? child(retail, 'ReceiptDateTime') ?? child(tx, 'BeginDateTime')
  if (timeEl === undefined) throw new Refusal('MISSING_FIELD', tx, 'has no EndDateTime (the time of the sale)')
  const at = timestampOf(timeEl, options)

  // ── line items ─────────────────────────────────────────────────────────────────────────────────
  const sales: SaleEntry[] = []
  const returns: SaleEntry[] = []
  const tenders: PosLogTender[] = []
  const refunds: PosLogTender[] = []
  const rewards: (TillReward & {
    readonly detailed: boolean
    readonly summarizedOnly: boolean
    readonly key?: string
  })[] = []
  const nonMerchandise: NonMerchandiseLine[] = []
  const codes: string[] = []
  let rounding = 0
  let card: string | undefined
  const summaryTax: number[] = []
  const itemTax: number[] = []
  const wincorUris = [...(options.wincorNamespaces ?? [])]
  const vendor = (local: string, el: XmlElement) =>
    el.children.find(
      (c) => c.local === local && (c.uri === NS.arts || isWincorUri(c.uri) || wincorUris.includes(c.uri)),
    )

  const lineItems = children(retail, 'LineItem')
  for (let position = 0; position < lineItems.length; position++) {
    const lineEl = lineItems[position] as XmlElement
    // The line's children, read in one pass: the first of each kind, and every Tax.
    let sequenceEl: XmlElement | undefined
    let sale: XmlElement | undefined
    let ret: XmlElement | undefined
    let tender: XmlElement | undefined
    let reward: XmlElement | undefined
    let coupon: XmlElement | undefined
    let lineAccount: XmlElement | undefined
    let membership: XmlElement | undefined
    let lineTaxes: XmlElement[] | undefined
    for (const c of lineEl.children) {
      if (c.uri === NS.arts) {
        switch (c.local) {
          case 'SequenceNumber':
            sequenceEl ??= c
            break
          case 'Sale':
            sale ??= c
            break
          case 'Return':
            ret ??= c
            break
          case 'Tender':
            tender ??= c
            break
          case 'Tax':
            if (lineTaxes === undefined) lineTaxes = [c]
            else lineTaxes.push(c)
            break
          case 'LoyaltyReward':
            reward ??= c
            break
          case 'Coupon':
            coupon ??= c
            break
          case 'LoyaltyAccount':
            lineAccount ??= c
            break
        }
      } else if (c.uri === NS.acs && c.local === 'LoyaltyMembership') membership ??= c
    }
    const lineId = sequenceEl?.text.trim() || `L${position + 1}`
    const flagged = truthy(attr(lineEl, 'VoidFlag')) || truthy(attr(lineEl, 'CancelFlag'))
    const item = sale ?? ret
    if (item !== undefined) {
      const entry = itemOf(lineEl, item, lineId, flagged, dialect, options, money, vendor)
      for (const t of children(item, 'Tax')) {
        const amount = child(t, 'Amount')
        if (amount !== undefined) itemTax.push(money(amount, 'Tax/Amount'))
      }
      if (sale !== undefined) sales.push(entry)
      else returns.push({ ...entry, ...linkOf(ret, lineEl, retail) })
      continue
    }
    if (tender !== undefined) {
      if (flagged) continue
      const type = attr(tender, 'TenderType') ?? 'unknown'
      const amount = money(child(tender, 'Amount'), 'Tender/Amount')
      if (/rounding$/i.test(type)) rounding += amount
      else if (/refund/i.test(attr(tender, 'TypeCode') ?? '')) refunds.push({ type, amount: Math.abs(amount) })
      else tenders.push({ type, amount: Math.abs(amount) })
      continue
    }
    if (lineTaxes !== undefined) {
      for (const t of lineTaxes) {
        const amount = child(t, 'Amount')
        if (amount !== undefined) summaryTax.push(money(amount, 'Tax/Amount'))
      }
    }
    if (reward !== undefined && !flagged) {
      rewards.push(rewardOf(reward, lineId, dialect, money))
      continue
    }
    if (coupon !== undefined && !flagged) {
      const code = childText(coupon, 'ScanCode') ?? childText(coupon, 'CouponID')
      if (code !== undefined && code !== '') codes.push(code)
    }
    if (lineAccount !== undefined) card ??= cardOf(lineAccount)
    if (dialect === 'ncr-acs') {
      const id = childText(membership, 'LoyaltyID', ACS)
      if (id !== undefined && id !== '') card ??= id
    }
  }
  const account = child(retail, 'LoyaltyAccount')
  card ??= account !== undefined ? cardOf(account) : undefined
  card ??= cardOf(child(retail, 'CustomerAccount'))
  const customerId = childText(child(retail, 'Customer'), 'CustomerID')

  // ── voids, by convention ───────────────────────────────────────────────────────────────────────
  netVoids(sales)
  netVoids(returns)
  const kept = sales.filter((s) => !s.dropped)
  const merchandise: SaleEntry[] = []
  for (const s of kept) {
    if (s.amount < 0 || s.quantity < 0) {
      nonMerchandise.push({
        lineId: s.lineId,
        sku: s.sku,
        ...(s.description !== undefined ? { description: s.description } : {}),
        amount: s.amount,
      })
    } else merchandise.push(s)
  }
  const returned = returns.filter((r) => !r.dropped)

  // ── rewards recorded twice (NCR): the detailed record counts, the summarized copy goes ─────────
  const detailedKeys =
    rewards.length > 0 ? new Set(rewards.filter((r) => r.detailed && r.key !== undefined).map((r) => r.key)) : undefined
  const tillRewards: TillReward[] =
    detailedKeys === undefined
      ? []
      : rewards
          .filter((r) => !(r.summarizedOnly && r.key !== undefined && detailedKeys.has(r.key)))
          .map(({ detailed: _d, summarizedOnly: _s, key: _k, ...r }) => r)

  // ── totals, tax, points ────────────────────────────────────────────────────────────────────────
  const totals: Record<string, number> = {}
  for (const t of children(retail, 'Total')) {
    const type = attr(t, 'TotalType') ?? ''
    if (/quantity|count/i.test(type)) continue
    totals[type] = money(t, 'Total')
  }
  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0)
  const taxTotal = summaryTax.length > 0 ? sum(summaryTax) : sum(itemTax)
  const points = pointsOf(account)

  const descriptions: Record<string, string> = {}
  for (const s of merchandise) if (s.description !== undefined) descriptions[s.lineId] = s.description
  for (const s of returned) if (s.description !== undefined) descriptions[s.lineId] = s.description

  const discounts = discountsOf(merchandise)
  const headerOut = {
    storeId: header.storeId,
    workstationId: header.workstationId,
    sequenceNumber: header.sequenceNumber,
    businessDayDate: header.businessDay,
  }
  // The record, built by assignment in the order its JSON line shows: this runs for every transaction.
  const finish = <R extends Record<string, unknown>>(record: R): R => {
    const out = record as Record<string, unknown>
    out.tenders = tenders
    out.refunds = refunds
    out.rounding = rounding
    out.discounts = discounts
    out.tillRewards = tillRewards
    out.nonMerchandise = nonMerchandise
    out.totals = totals
    out.taxTotal = taxTotal
    out.descriptions = descriptions
    if (points !== undefined) out.points = points
    out.header = headerOut
    return record
  }
  const customer = customerOf(card, customerId, tx)
  const back =
    returned.length > 0
      ? {
          returnId: header.id,
          at,
          lines: returned.map((r): PosLogReturnLine => {
            const line: { -readonly [K in keyof PosLogReturnLine]: PosLogReturnLine[K] } = {
              lineId: r.lineId,
              sku: r.sku,
              quantity: r.quantity,
              unit: r.unit,
              amount: r.amount,
            }
            if (r.original !== undefined) line.original = r.original
            return line
          }),
        }
      : undefined
  if (merchandise.length === 0) {
    if (back === undefined)
      return {
        transactionId: header.id,
        index,
        dialect,
        kind: 'skipped',
        reason: 'NO_ITEMS',
        detail: 'no sold or returned item after voids',
      }
    const record: Record<string, unknown> = { transactionId: header.id, index, dialect, kind: 'return', return: back }
    if (customer) record.customer = customer
    return finish(record) as unknown as ImportRecord
  }

  // ── the basket, through the core's codec ───────────────────────────────────────────────────────
  const taxFlag = taxIncludedFlag(merchandise)
  const candidate = {
    id: header.id,
    storeId: header.storeId,
    terminalId: header.workstationId,
    channel: 'store',
    currency,
    pricesIncludeTax: taxFlag !== undefined ? truthy(taxFlag) : (options.pricesIncludeTax ?? true),
    at,
    ...(card !== undefined ? { card } : {}),
    ...(codes.length > 0 ? { codes } : {}),
    lines: merchandise.map((s) => {
      const line: Record<string, unknown> = {
        id: s.lineId,
        sku: s.sku,
        quantity: s.quantity,
        unitPrice: s.unitPrice,
        amount: s.amount,
        categories: s.categories,
      }
      if (s.unit !== 'each') line.unit = s.unit
      if (s.brand !== undefined) line.brand = s.brand
      if (s.tags !== undefined) line.tags = s.tags
      if (!s.discountable) line.discountable = false
      if (s.taxRate !== undefined) line.taxRate = s.taxRate
      return line
    }),
  }
  const decoded = decodeBasket(candidate)
  if (decoded._tag === 'Left') {
    const problems = decoded.left.problems.map((p) => {
      const m = /^lines\.(\d+)(?:\.(.*))?$/.exec(p.path)
      const line = m !== null ? merchandise[Number(m[1])] : undefined
      return line !== undefined ? { path: `${pathOf(line.lineEl)} (basket ${p.path})`, reason: p.reason } : p
    })
    const first = problems[0]
    throw new Refusal(
      'INVALID_BASKET',
      undefined,
      `its basket is refused by the core: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
      problems,
      first?.path,
    )
  }
  const record: Record<string, unknown> = {
    transactionId: header.id,
    index,
    dialect,
    kind: 'sale',
    basket: decoded.right as Basket,
  }
  if (customer) record.customer = customer
  if (back !== undefined) record.return = back
  return finish(record) as unknown as ImportRecord
}

/** The first line's TaxIncludedInPriceFlag, else the first Tax's TaxIncludedInTaxableAmountFlag, of any line. */
const taxIncludedFlag = (lines: readonly SaleEntry[]): string | undefined => {
  for (const s of lines) {
    const flag = childText(s.el, 'TaxIncludedInPriceFlag')
    if (flag !== undefined && flag !== '') return flag
  }
  for (const s of lines) {
    for (const t of s.el.children) {
      if (t.local !== 'Tax' || t.uri !== NS.arts) continue
      const flag = attr(child(t, 'TaxableAmount') ?? t, 'TaxIncludedInTaxableAmountFlag')
      if (flag !== undefined && flag !== '') return flag
    }
  }
  return undefined
}

const firstCurrencyAttr = (el: XmlElement): string | undefined => {
  const own = el.attrs.Currency
  if (own !== undefined && isCurrencyCode(own)) return own
  for (const c of el.children) {
    const found = firstCurrencyAttr(c)
    if (found !== undefined) return found
  }
  return undefined
}

const timestampOf = (el: XmlElement, options: ReadOptions): Basket['at'] => {
  const text = el.text.trim()
  if (isIsoDateTime(text)) return text
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(text)) {
    if (options.timeZone === undefined) {
      throw new Refusal(
        'BAD_TIMESTAMP',
        el,
        `${el.local} "${text}" has no UTC offset; pass the store's time zone (timeZone, --time-zone) to read local times`,
      )
    }
    if (!validTimeZone(options.timeZone)) {
      throw new Refusal('BAD_TIMESTAMP', el, `"${options.timeZone}" is not an IANA time zone`)
    }
    const zoned = withZoneOffset(text, options.timeZone)
    if (zoned !== undefined && isIsoDateTime(zoned)) return zoned
  }
  throw new Refusal('BAD_TIMESTAMP', el, `${el.local} "${text}" is not an ISO-8601 date-time`)
}

const cardOf = (account: XmlElement | undefined): string | undefined => {
  if (account === undefined) return undefined
  const pan =
    childText(child(account, 'LoyaltyCard'), 'PrimaryAccountNumber') ??
    childText(account, 'PrimaryAccountNumber') ??
    childText(child(account, 'Card'), 'PrimaryAccountNumber') ??
    childText(account, 'AccountNumber')
  return pan !== undefined && pan !== '' ? pan : undefined
}

const customerOf = (card: string | undefined, customerId: string | undefined, tx: XmlElement): Customer | undefined => {
  if (card === undefined && (customerId === undefined || customerId === '')) return undefined
  const doc = {
    ...(card !== undefined ? { card } : {}),
    ...(customerId !== undefined && customerId !== '' ? { memberId: customerId } : {}),
  }
  const decoded = decodeCustomer(doc)
  if (decoded._tag === 'Left') throw new Refusal('INVALID_BASKET', tx, decoded.left.message, decoded.left.problems)
  return decoded.right
}

const pointsOf = (account: XmlElement | undefined): PosLogPoints | undefined => {
  const program = child(account, 'LoyaltyProgram')
  if (program === undefined) return undefined
  const out: { earned?: number; redeemed?: number; balance?: number } = {}
  for (const p of children(program, 'Points')) {
    const type = (attr(p, 'Type') ?? '').replace(/^\w+:/, '')
    const value = Number(p.text.trim())
    if (!Number.isInteger(value)) throw new Refusal('BAD_AMOUNT', p, `Points "${p.text.trim()}" is not a whole number`)
    if (type === 'PointsEarned') out.earned = (out.earned ?? 0) + value
    else if (type === 'Redeemed' || type === 'PointsRedeemed') out.redeemed = (out.redeemed ?? 0) + value
    else if (type === 'Balance') out.balance = value
  }
  return out
}

type Money = (el: XmlElement | undefined, what: string) => number

const itemOf = (
  lineEl: XmlElement,
  item: XmlElement,
  lineId: string,
  flagged: boolean,
  dialect: Dialect,
  options: ReadOptions,
  money: Money,
  vendor: (local: string, el: XmlElement) => XmlElement | undefined,
): SaleEntry => {
  // The item's children, read in one pass (the first of each, or all where several count): this
  // runs for every line of a day, and each lookup by name would walk them again.
  let posIdentity: XmlElement | undefined
  let itemIdEl: XmlElement | undefined
  let plainDescription: XmlElement | undefined // the first without a TypeCode
  let firstDescription: XmlElement | undefined
  let amountEl: XmlElement | undefined
  let regularPriceEl: XmlElement | undefined
  let actualPriceEl: XmlElement | undefined
  let taxEl: XmlElement | undefined // the first Tax with a Percent
  let taxHierarchy: XmlElement | undefined // Retalix's MerchandiseHierarchy ID="Tax"
  let brandEl: XmlElement | undefined
  const quantityEls: XmlElement[] = []
  const modifierEls: XmlElement[] = []
  const categories: string[] = []
  const tags: string[] = []
  for (const c of item.children) {
    if (c.uri === NS.arts) {
      switch (c.local) {
        case 'POSIdentity':
          posIdentity ??= c
          break
        case 'ItemID':
          itemIdEl ??= c
          break
        case 'Description':
          firstDescription ??= c
          if (plainDescription === undefined && attr(c, 'TypeCode') === undefined) plainDescription = c
          break
        case 'ExtendedAmount':
          amountEl ??= c
          break
        case 'RegularSalesUnitPrice':
          regularPriceEl ??= c
          break
        case 'ActualSalesUnitPrice':
          actualPriceEl ??= c
          break
        case 'Quantity':
          quantityEls.push(c)
          break
        case 'MerchandiseHierarchy': {
          if (attr(c, 'ID') === 'Tax') {
            taxHierarchy ??= c
            break
          }
          const path = dialect === 'retalix' ? attr(c, 'HierarchyPath', NS.retalix) : undefined
          const category = (path !== undefined ? path.split('@').join('/') : c.text).trim()
          if (category !== '') categories.push(category)
          break
        }
        case 'Tax':
          if (taxEl === undefined && child(c, 'Percent') !== undefined) taxEl = c
          break
        case 'RetailPriceModifier':
          modifierEls.push(c)
          break
      }
    } else if (c.uri === NS.tessera) {
      if (c.local === 'Brand') brandEl ??= c
      else if (c.local === 'Tag') tags.push(c.text.trim())
    }
  }
  const posId = childText(posIdentity, 'POSItemID')
  const itemId = itemIdEl?.text.trim()
  let sku = posId || itemId || ''
  if (sku === '') throw new Refusal('MISSING_FIELD', item, 'has no POSIdentity/POSItemID nor ItemID (the SKU)')
  const description = (plainDescription ?? firstDescription)?.text.trim()
  const unitPriceEl = regularPriceEl ?? actualPriceEl
  const unitPrice = unitPriceEl !== undefined ? Math.abs(money(unitPriceEl, 'RegularSalesUnitPrice')) : undefined

  // Quantities: several may be given (Retalix: EA 1 and Kg 0.127); the one the price agrees with wins.
  const quantities = quantityEls.map((q) => {
    const text = q.text.trim()
    const value = Number(text)
    if (text === '' || !Number.isFinite(value))
      throw new Refusal('BAD_QUANTITY', q, `Quantity "${text}" is not a number`)
    const code = (attr(q, 'UnitOfMeasureCode') ?? '').toLowerCase()
    const unit: Unit | undefined = MEASURES[code] ?? (EACH.has(code) ? 'each' : undefined)
    return { value, unit, el: q }
  })
  const weighedFlag =
    /^(\w+:)?Weighed$/i.test(attr(lineEl, 'EntryMethod') ?? '') ||
    (dialect === 'ncr-acs' && truthy(attr(lineEl, 'weightItem', NS.acs))) ||
    truthy(attr(item, 'WeightItemFlag'))
  let quantity = 1
  let unit: Unit = 'each'
  const measured = quantities.filter((q) => q.unit !== undefined && q.unit !== 'each')
  const counted = quantities.filter((q) => q.unit === 'each' || q.unit === undefined)
  const amountGuess = amountEl !== undefined ? Math.abs(money(amountEl, 'ExtendedAmount')) : undefined
  const fits = (q: number) =>
    unitPrice === undefined || amountGuess === undefined ? 0 : Math.abs(unitPrice * q - amountGuess)
  const pickMeasured = measured[0]
  const pickCounted = counted[0]
  if (
    pickMeasured !== undefined &&
    (pickCounted === undefined || fits(Math.abs(pickMeasured.value)) < fits(Math.abs(pickCounted.value)))
  ) {
    quantity = pickMeasured.value
    unit = pickMeasured.unit as Unit
  } else if (pickCounted !== undefined) {
    quantity = pickCounted.value
    if (weighedFlag || (pickCounted.unit === undefined && !Number.isInteger(pickCounted.value))) {
      unit = options.weightUnit ?? 'kg'
    }
  } else if (weighedFlag) {
    throw new Refusal('MISSING_FIELD', item, 'is a weighed item without a Quantity')
  }

  // GS1 variable-measure barcodes: the item is looked up without its embedded value.
  if (options.gs1Country !== undefined && /^\d{13}$/.test(sku) && sku.startsWith('2')) {
    const parsed = parseBarcode(sku, { country: options.gs1Country })
    if (parsed._tag === 'Right' && parsed.right.kind === 'variableMeasure') {
      const vm = parsed.right
      sku = vm.lookupGtin
      if (vm.measure === 'weight' && vm.weightGrams !== undefined && unit === 'each' && Math.abs(quantity) === 1) {
        quantity = Math.sign(quantity || 1) * (vm.weightGrams / 1000)
        unit = 'kg'
      }
    }
  }

  let amount: number
  if (amountEl !== undefined) amount = money(amountEl, 'ExtendedAmount')
  else if (unitPrice !== undefined && unit === 'each' && Number.isInteger(quantity)) amount = unitPrice * quantity
  else throw new Refusal('MISSING_FIELD', item, 'has no ExtendedAmount (the line price)')
  // A reversal line (NCR) is negative in quantity and amount; either sign alone means the same.
  const negative = amount < 0 || quantity < 0
  const signed = (x: number) => (negative ? -Math.abs(x) : Math.abs(x))
  const isReturn = item.local === 'Return'

  // The rate: the item's Tax/Percent, else Retalix's MerchandiseHierarchy ID="Tax".
  const taxRateText = childText(taxEl, 'Percent') ?? taxHierarchy?.text.trim()
  let taxRate: number | undefined
  if (taxRateText !== undefined && taxRateText !== '') {
    const rate = Number(taxRateText)
    if (!Number.isFinite(rate))
      throw new Refusal('BAD_AMOUNT', taxEl ?? item, `tax rate "${taxRateText}" is not a number`)
    taxRate = Math.round(rate * 100) / 100
  }
  const modifiers = modifierEls.map((m) => {
    const amountOf = child(m, 'Amount')
    const action = attr(amountOf ?? m, 'Action') ?? 'Subtract'
    const value = Math.abs(money(amountOf, 'RetailPriceModifier/Amount'))
    const promotionId = childText(m, 'PromotionID') ?? childText(m, 'ReasonCode') ?? attr(m, 'MethodCode') ?? 'unknown'
    const label = childText(m, 'Description') ?? childText(child(m, 'PriceDerivationRule'), 'Description') ?? ''
    return { promotionId, label, amount: /add/i.test(action) ? -value : /subtract/i.test(action) ? value : 0 }
  })
  const brand = brandEl?.text.trim()
  // Wincor links a void to the line it cancels; other dialects have no such link.
  const wincor = dialect === 'wincor'
  const createRef = wincor
    ? (vendor('CreateRefNumber', lineEl) ?? vendor('CreateRefNumber', item))?.text.trim()
    : undefined
  const link = wincor ? (vendor('ItemLink', lineEl) ?? vendor('ItemLink', item))?.text.trim() : undefined
  // Built by assignment, not by spreading conditional literals: this runs for every line of a day.
  const entry: { -readonly [K in keyof SaleEntry]: SaleEntry[K] } = {
    lineId,
    flagged,
    el: item,
    lineEl,
    sku,
    quantity: isReturn ? Math.abs(quantity) : signed(round6(quantity)),
    unit,
    unitPrice:
      unitPrice ?? Math.abs(Number.isInteger(quantity) && quantity !== 0 ? Math.round(amount / quantity) : amount),
    amount: isReturn ? Math.abs(amount) : signed(amount),
    categories,
    discountable: !truthy(attr(item, 'NonDiscountableFlag')),
    modifiers,
    dropped: false,
  }
  if (createRef !== undefined && createRef !== '') entry.createRef = createRef
  if (link !== undefined && link !== '') entry.link = link
  if (brand !== undefined && brand !== '') entry.brand = brand
  if (tags.length > 0) entry.tags = tags
  if (taxRate !== undefined) entry.taxRate = taxRate
  if (description !== undefined && description !== '') entry.description = description
  return entry
}

const linkOf = (
  ret: XmlElement | undefined,
  lineEl: XmlElement,
  retail: XmlElement,
): { original?: { transactionId: string; lineId?: string } } => {
  const link = child(ret, 'TransactionLink') ?? child(lineEl, 'TransactionLink') ?? child(retail, 'TransactionLink')
  if (link === undefined) return {}
  const store = childText(link, 'RetailStoreID') ?? childText(child(link, 'BusinessUnit'), 'UnitID')
  const ws = childText(link, 'WorkstationID')
  const seq = childText(link, 'SequenceNumber')
  const day = childText(link, 'BusinessDayDate')
  if (!store || !ws || !seq || !day) return {}
  const lineId = childText(link, 'LineItemSequenceNumber')
  const own = childText(link, 'TransactionID', TESSERA)
  const transactionId = own !== undefined && own !== '' ? own : transactionIdOf(store, ws, day, seq)
  return { original: { transactionId, ...(lineId ? { lineId } : {}) } }
}

const rewardOf = (
  reward: XmlElement,
  lineId: string,
  dialect: Dialect,
  money: Money,
): TillReward & { readonly detailed: boolean; readonly summarizedOnly: boolean; readonly key?: string } => {
  const promotionId = childText(reward, 'PromotionID')
  const eventId = childText(reward, 'EventID')
  const type = attr(reward, 'TypeCode') ?? childText(reward, 'RewardType', ACS)
  const out: {
    lineId: string
    promotionId?: string
    type?: string
    amount?: number
    count?: number
    points?: number
    couponCode?: string
    rewardId?: string
    pointsRedeemed?: number
    ledgerKey?: string
  } = { lineId }
  if (promotionId) out.promotionId = promotionId
  if (type) out.type = type
  let detailed = true
  let summarizedOnly = false
  if (dialect === 'ncr-acs') {
    detailed = truthy(attr(reward, 'detailedData', NS.acs))
    summarizedOnly = !detailed && truthy(attr(reward, 'summarizedActivity', NS.acs))
    const category = childText(reward, 'RewardCategory', ACS)
    const extended = child(reward, 'ExtendedRewardAmount', ACS)
    if (extended !== undefined) {
      if (category === 'Monetary') out.amount = -money(extended, 'acs:ExtendedRewardAmount')
      else if (category === 'CustomOffer') {
        const n = Number(extended.text.trim())
        if (Number.isFinite(n) && n !== 0) out.count = n
      }
    }
  }
  const discount = child(child(reward, 'Discount'), 'Amount')
  if (discount !== undefined) out.amount = Math.abs(money(discount, 'LoyaltyReward/Discount/Amount'))
  const awarded = childText(reward, 'PointsAwarded')
  if (awarded !== undefined && awarded !== '') {
    const n = Number(awarded)
    if (!Number.isInteger(n))
      throw new Refusal(
        'BAD_AMOUNT',
        child(reward, 'PointsAwarded'),
        `PointsAwarded "${awarded}" is not a whole number`,
      )
    out.points = n
  }
  const code = childText(reward, 'CouponCode', TESSERA)
  if (code) out.couponCode = code
  // A catalogue reward Tessera's till bought with points (redeemReward): what a replay books again.
  const rewardId = childText(reward, 'RewardID', TESSERA)
  if (rewardId) out.rewardId = rewardId
  const spent = child(reward, 'PointsRedeemed', TESSERA)
  if (spent !== undefined) {
    const n = Number(spent.text.trim())
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Refusal('BAD_AMOUNT', spent, `PointsRedeemed "${spent.text.trim()}" is not a whole number > 0`)
    out.pointsRedeemed = n
  }
  const key = childText(reward, 'Key', TESSERA)
  if (key) out.ledgerKey = key
  const record = out as typeof out & { detailed: boolean; summarizedOnly: boolean; key?: string }
  record.detailed = detailed
  record.summarizedOnly = summarizedOnly
  if (promotionId !== undefined) record.key = `${promotionId}/${eventId ?? ''}`
  return record
}

/**
 * Nets voided lines, whatever the till's convention: a flagged line that links back (Wincor:
 * `ItemLink` to the original's `CreateRefNumber` or sequence number) or that is negative (NCR: a
 * reversal of an earlier line of the same item) takes its quantity and amount off that line; a
 * flagged positive line without a link (ARTS) is itself the voided line and is dropped.
 */
const netVoids = (entries: SaleEntry[]) => {
  for (const [i, v] of entries.entries()) {
    if (!v.flagged) continue
    v.dropped = true
    const reversal = v.amount < 0 || v.quantity < 0
    let target: SaleEntry | undefined
    if (v.link !== undefined) {
      target =
        entries.find((e) => !e.flagged && !e.dropped && e.createRef === v.link) ??
        entries.find((e) => !e.flagged && !e.dropped && e.lineId === v.link)
      if (target === undefined) {
        throw new Refusal(
          'UNMATCHED_VOID',
          v.lineEl,
          `voided line ${v.lineId} links to ${v.link}, which is not a sold line of this transaction`,
        )
      }
    } else if (reversal) {
      for (let j = i - 1; j >= 0; j--) {
        const e = entries[j] as SaleEntry
        if (!e.flagged && !e.dropped && e.sku === v.sku && e.amount >= Math.abs(v.amount)) {
          target = e
          break
        }
      }
      if (target === undefined) {
        throw new Refusal(
          'UNMATCHED_VOID',
          v.lineEl,
          `voided line ${v.lineId} (${v.sku}, ${v.amount}) reverses no earlier sale of that item`,
        )
      }
    } else continue
    target.quantity = round6(target.quantity - Math.abs(v.quantity))
    target.amount -= Math.abs(v.amount)
    if (target.amount < 0) {
      throw new Refusal(
        'UNMATCHED_VOID',
        v.lineEl,
        `voided line ${v.lineId} takes more than line ${target.lineId} was sold for`,
      )
    }
    if (target.quantity <= 0 || target.amount === 0) target.dropped = true
  }
}

const discountsOf = (lines: readonly SaleEntry[]): PosLogDiscount[] => {
  const byId = new Map<string, { label: string; allocations: { lineId: string; amount: number }[] }>()
  for (const l of lines) {
    for (const m of l.modifiers) {
      if (m.amount === 0) continue
      const d = byId.get(m.promotionId) ?? { label: m.label, allocations: [] }
      const existing = d.allocations.find((a) => a.lineId === l.lineId)
      if (existing !== undefined) existing.amount += m.amount
      else d.allocations.push({ lineId: l.lineId, amount: m.amount })
      byId.set(m.promotionId, d)
    }
  }
  return [...byId].map(([campaignId, d]) => ({
    campaignId,
    label: d.label,
    amount: d.allocations.reduce((s, a) => s + a.amount, 0),
    allocations: d.allocations,
  }))
}

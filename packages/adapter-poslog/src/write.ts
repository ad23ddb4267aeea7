import {
  allocate,
  type Basket,
  type DecodeError,
  decodeBasket,
  decodeError,
  type FieldProblem,
  isCurrencyCode,
  isIsoDateTime,
  type Receipt,
  type ReturnReceipt,
  type ReturnRequest,
  toDecimalString,
  type Unit,
} from '@tessera/core'
import { XMLBuilder } from 'fast-xml-parser'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { NS } from './namespaces.js'

/**
 * A discount to write: the campaign (written as the `PromotionID`), its label, its amount and its
 * share on each line. An evaluation's discounts and a close's receipt discounts both fit.
 * @category poslog
 */
export interface DiscountToWrite {
  readonly campaignId: string
  readonly label: string
  readonly amount: number
  readonly allocations?: readonly { readonly lineId: string; readonly amount: number }[]
}

/** A checkout coupon handed over at close: written as a `LoyaltyReward` line. @category poslog */
export interface CouponToWrite {
  readonly campaignId: string
  readonly label?: string
  readonly template?: string
  readonly code?: string
  readonly validUntil?: string
}

/**
 * What {@link writePosLog} writes: the basket, the POSLog header fields that make its transaction
 * id (store and workstation default to the basket's, the business day to the date of `at`), and
 * Tessera's results: discounts with their per-line allocations, points earned and redeemed, the
 * balance after, coupons issued, tenders, and item descriptions.
 * @category poslog
 */
export interface PosLogToWrite {
  readonly basket: Basket
  readonly sequenceNumber: string
  readonly storeId?: string
  readonly workstationId?: string
  readonly businessDayDate?: string
  readonly discounts?: readonly DiscountToWrite[]
  readonly points?: { readonly earned?: number; readonly redeemed?: number; readonly balance?: number }
  readonly programId?: string
  readonly coupons?: readonly CouponToWrite[]
  readonly tenders?: readonly { readonly type: string; readonly amount: number }[]
  readonly descriptions?: Readonly<Record<string, string>>
  /**
   * Points the till spent on catalogue rewards during the sale (`redeemReward`, a voucher used as a
   * tender): written as `LoyaltyReward` lines of type `tessera:Redemption`, with the ledger key the
   * till used, so that a replay books the same redemption once.
   */
  readonly redemptions?: readonly RedemptionToWrite[]
}

/** A catalogue reward bought with points at the till: its reward id, its cost, the ledger key. @category poslog */
export interface RedemptionToWrite {
  readonly rewardId: string
  readonly points: number
  readonly key?: string
}

const UNIT_CODES: Readonly<Record<Unit, string>> = {
  each: 'EA',
  kg: 'KGM',
  g: 'GRM',
  lb: 'LBR',
  oz: 'ONZ',
  l: 'LTR',
  ml: 'MLT',
  m: 'MTR',
  cm: 'CMT',
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Else an attribute whose value is "true" is written bare (`NonDiscountableFlag`), which is not XML.
  suppressBooleanAttributes: false,
})

// Characters XML 1.0 cannot carry, even escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/

/** The `LoyaltyReward` type of a catalogue reward bought with points at the till. @category poslog */
export const REDEMPTION = 'tessera:Redemption'

const checkTenders = (
  tenders: readonly { readonly type: string; readonly amount: number }[] | undefined,
  path: string,
  problems: FieldProblem[],
) => {
  for (const [i, t] of (tenders ?? []).entries()) {
    if (typeof t.type !== 'string' || t.type === '' || NOT_XML.test(t.type))
      problems.push({ path: `${path}.${i}.type`, reason: 'must be a non-empty tender type XML can carry' })
    if (!Number.isSafeInteger(t.amount) || t.amount < 0) {
      problems.push({
        path: `${path}.${i}.amount`,
        reason: `must be a whole number of minor units ≥ 0, got ${t.amount}`,
      })
    }
  }
}

/**
 * Writes a transaction as POSLog v6 (ARTS namespace, `MajorVersion="6"`): one `Sale` line per
 * basket line with a `RetailPriceModifier` per discount share (`Amount Action="Subtract"`, the
 * campaign as `PromotionID`, so each line nets correctly), `LoyaltyReward` lines for the points
 * earned and each coupon issued, the `LoyaltyAccount` with points earned, redeemed and the balance,
 * tenders and totals. What Tessera adds beyond ARTS (brand, tags, coupon codes) is in the
 * `urn:tessera:poslog:1` namespace. {@link importPosLog} reads it back to the same basket and
 * discounts. Bad input is a `DecodeError` naming the field; nothing is written.
 * @category poslog
 */
export const writePosLog = (input: PosLogToWrite): Either<DecodeError, string> => {
  const fail = (problems: FieldProblem[]) => left(decodeError('POSLog to write', problems))
  const decoded = decodeBasket(input.basket)
  if (decoded._tag === 'Left') return decoded
  const basket = decoded.right
  const problems: FieldProblem[] = []
  if (typeof input.sequenceNumber !== 'string' || input.sequenceNumber.trim() === '') {
    problems.push({ path: 'sequenceNumber', reason: 'must be a non-empty string (the till sequence number)' })
  }
  const day = input.businessDayDate ?? basket.at.slice(0, 10)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) problems.push({ path: 'businessDayDate', reason: 'must be a date YYYY-MM-DD' })
  const lineIds = new Set(basket.lines.map((l) => l.id))
  const discounts = input.discounts ?? []
  const shares = new Map<string, { campaignId: string; label: string; amount: number }[]>()
  for (const [i, d] of discounts.entries()) {
    if (typeof d.campaignId !== 'string' || d.campaignId === '') {
      problems.push({ path: `discounts.${i}.campaignId`, reason: 'must be a non-empty campaign id' })
      continue
    }
    if (!Number.isSafeInteger(d.amount) || d.amount < 0) {
      problems.push({
        path: `discounts.${i}.amount`,
        reason: `must be a whole number of minor units ≥ 0, got ${d.amount}`,
      })
      continue
    }
    // Without allocations (an old receipt), the share follows the line amounts through core's allocate.
    const allocations =
      d.allocations ??
      (() => {
        const split = allocate(
          d.amount,
          basket.lines.map((l) => l.amount),
        )
        return basket.lines.map((l, j) => ({ lineId: l.id, amount: split[j] as number }))
      })()
    let sum = 0
    for (const [j, a] of allocations.entries()) {
      if (!lineIds.has(a.lineId)) {
        problems.push({
          path: `discounts.${i}.allocations.${j}.lineId`,
          reason: `names no line of the basket: "${a.lineId}"`,
        })
        continue
      }
      if (!Number.isSafeInteger(a.amount) || a.amount < 0) {
        problems.push({
          path: `discounts.${i}.allocations.${j}.amount`,
          reason: `must be a whole number ≥ 0, got ${a.amount}`,
        })
        continue
      }
      sum += a.amount
      if (a.amount === 0) continue
      const list = shares.get(a.lineId) ?? []
      list.push({ campaignId: d.campaignId, label: d.label, amount: a.amount })
      shares.set(a.lineId, list)
    }
    if (sum !== d.amount) {
      problems.push({ path: `discounts.${i}.allocations`, reason: `sum to ${sum}, not to the discount's ${d.amount}` })
    }
  }
  for (const line of basket.lines) {
    const taken = (shares.get(line.id) ?? []).reduce((s, x) => s + x.amount, 0)
    if (taken > line.amount) {
      problems.push({ path: 'discounts', reason: `take ${taken} off line ${line.id}, which costs ${line.amount}` })
    }
  }
  for (const [key, value] of Object.entries({
    sequenceNumber: input.sequenceNumber,
    storeId: input.storeId,
    workstationId: input.workstationId,
    programId: input.programId,
    ...Object.fromEntries(discounts.map((d, i) => [`discounts.${i}.label`, d.label])),
    ...Object.fromEntries(
      (input.coupons ?? []).flatMap((c, i) => [
        [`coupons.${i}.label`, c.label],
        [`coupons.${i}.code`, c.code],
      ]),
    ),
    ...Object.fromEntries(Object.entries(input.descriptions ?? {}).map(([k, v]) => [`descriptions.${k}`, v])),
  })) {
    if (typeof value === 'string' && NOT_XML.test(value)) {
      problems.push({ path: key, reason: 'holds a control character XML cannot carry' })
    }
  }
  for (const [i, p] of Object.entries(input.points ?? {})) {
    if (p !== undefined && !Number.isSafeInteger(p))
      problems.push({ path: `points.${i}`, reason: `must be a whole number, got ${p}` })
  }
  checkTenders(input.tenders, 'tenders', problems)
  for (const [i, r] of (input.redemptions ?? []).entries()) {
    if (typeof r.rewardId !== 'string' || r.rewardId === '' || NOT_XML.test(r.rewardId))
      problems.push({ path: `redemptions.${i}.rewardId`, reason: 'must be a non-empty reward id XML can carry' })
    if (!Number.isSafeInteger(r.points) || r.points <= 0)
      problems.push({ path: `redemptions.${i}.points`, reason: `must be a whole number > 0, got ${r.points}` })
    if (r.key !== undefined && (typeof r.key !== 'string' || r.key === '' || NOT_XML.test(r.key)))
      problems.push({ path: `redemptions.${i}.key`, reason: 'must be a non-empty ledger key XML can carry' })
  }
  if (problems.length > 0) return fail(problems)

  const dec = (amount: number) => toDecimalString({ amount: amount as never, currency: basket.currency })
  let sequence = 0
  const lineItems: unknown[] = basket.lines.map((line) => {
    const mine = shares.get(line.id) ?? []
    const discount = mine.reduce((s, x) => s + x.amount, 0)
    const description = input.descriptions?.[line.id]
    return {
      SequenceNumber: line.id,
      Sale: {
        '@_ItemType': 'Stock',
        ...(line.discountable === false ? { '@_NonDiscountableFlag': 'true' } : {}),
        POSIdentity: { POSItemID: line.sku },
        ItemID: line.sku,
        ...(line.categories.length > 0 ? { MerchandiseHierarchy: [...line.categories] } : {}),
        ...(description !== undefined ? { Description: description } : {}),
        ...(line.brand !== undefined ? { 'tessera:Brand': line.brand } : {}),
        ...(line.tags !== undefined && line.tags.length > 0 ? { 'tessera:Tag': [...line.tags] } : {}),
        RegularSalesUnitPrice: dec(line.unitPrice),
        ExtendedAmount: dec(line.amount),
        ExtendedDiscountAmount: dec(line.amount - discount),
        Quantity: { '@_UnitOfMeasureCode': UNIT_CODES[line.unit ?? 'each'], '#text': String(line.quantity) },
        TaxIncludedInPriceFlag: String(basket.pricesIncludeTax),
        ...(line.taxRate !== undefined ? { Tax: { Percent: String(line.taxRate) } } : {}),
        ...(mine.length > 0
          ? {
              RetailPriceModifier: mine.map((m) => ({
                '@_MethodCode': 'Promotion',
                SequenceNumber: String(++sequence),
                Amount: { '@_Action': 'Subtract', '#text': dec(m.amount) },
                PromotionID: m.campaignId,
                ...(m.label !== '' ? { Description: m.label } : {}),
              })),
            }
          : {}),
      },
    }
  })
  let next = 0
  const seq = () => `X${++next}`
  for (const code of basket.codes ?? []) lineItems.push({ SequenceNumber: seq(), Coupon: { ScanCode: code } })
  const points = input.points ?? {}
  if (points.earned !== undefined && points.earned !== 0) {
    lineItems.push({
      SequenceNumber: seq(),
      LoyaltyReward: {
        '@_TypeCode': 'Award',
        ...(input.programId !== undefined ? { LoyaltyProgramID: input.programId } : {}),
        ...(basket.card !== undefined ? { LoyaltyAccountID: basket.card } : {}),
        PointsAwarded: String(points.earned),
      },
    })
  }
  for (const c of input.coupons ?? []) {
    lineItems.push({
      SequenceNumber: seq(),
      LoyaltyReward: {
        '@_TypeCode': 'tessera:CouponIssued',
        PromotionID: c.campaignId,
        ...(basket.card !== undefined ? { LoyaltyAccountID: basket.card } : {}),
        ...(c.label !== undefined && c.label !== '' ? { Description: c.label } : {}),
        ...(c.code !== undefined ? { 'tessera:CouponCode': c.code } : {}),
        ...(c.template !== undefined ? { 'tessera:Template': c.template } : {}),
        ...(c.validUntil !== undefined ? { 'tessera:ValidUntil': c.validUntil } : {}),
      },
    })
  }
  for (const r of input.redemptions ?? []) {
    lineItems.push({
      SequenceNumber: seq(),
      LoyaltyReward: {
        '@_TypeCode': REDEMPTION,
        ...(input.programId !== undefined ? { LoyaltyProgramID: input.programId } : {}),
        ...(basket.card !== undefined ? { LoyaltyAccountID: basket.card } : {}),
        'tessera:RewardID': r.rewardId,
        'tessera:PointsRedeemed': String(r.points),
        ...(r.key !== undefined ? { 'tessera:Key': r.key } : {}),
      },
    })
  }
  for (const t of input.tenders ?? []) {
    lineItems.push({
      SequenceNumber: seq(),
      Tender: { '@_TenderType': t.type, '@_TypeCode': 'Sale', Amount: dec(t.amount) },
    })
  }
  const subtotal = basket.lines.reduce((s, l) => s + l.amount, 0)
  const discountTotal = [...shares.values()].flat().reduce((s, x) => s + x.amount, 0)
  const pointRows = [
    ...(points.earned !== undefined ? [{ '@_Type': 'PointsEarned', '#text': String(points.earned) }] : []),
    ...(points.redeemed !== undefined ? [{ '@_Type': 'Redeemed', '#text': String(points.redeemed) }] : []),
    ...(points.balance !== undefined ? [{ '@_Type': 'Balance', '#text': String(points.balance) }] : []),
  ]
  const doc = posLogDocument({
    BusinessUnit: { UnitID: input.storeId ?? basket.storeId },
    WorkstationID: input.workstationId ?? basket.terminalId,
    SequenceNumber: input.sequenceNumber,
    TransactionID: basket.id,
    // The id Tessera closed it under: the reader keys the transaction by it, not by the header.
    'tessera:TransactionID': basket.id,
    CurrencyCode: basket.currency,
    RetailTransaction: {
      '@_TransactionStatus': 'Finished',
      LineItem: lineItems,
      Total: [
        { '@_TotalType': 'TransactionGrossAmount', '#text': dec(subtotal) },
        { '@_TotalType': 'TransactionTotalSavings', '#text': dec(discountTotal) },
        { '@_TotalType': 'TransactionNetAmount', '#text': dec(subtotal - discountTotal) },
        { '@_TotalType': 'TransactionGrandAmount', '#text': dec(subtotal - discountTotal) },
      ],
      ...loyaltyAccount(basket.card, input.programId, pointRows),
    },
    BusinessDayDate: day,
    EndDateTime: basket.at,
  })
  return right(builder.build(doc) as string)
}

const XML_DECLARATION = { '@_version': '1.0', '@_encoding': 'UTF-8' }

/** A POSLog v6 document of one transaction (its elements), as this adapter writes it. */
const posLogDocument = (transaction: Record<string, unknown>) => ({
  '?xml': XML_DECLARATION,
  POSLog: {
    '@_xmlns': NS.arts,
    '@_xmlns:tessera': NS.tessera,
    '@_MajorVersion': '6',
    '@_MinorVersion': '0',
    Transaction: { '@_MajorVersion': '6', ...transaction },
  },
})

/** The transaction's `LoyaltyAccount` (the card, the programme's points rows), or nothing when it has neither. */
const loyaltyAccount = (card: string | undefined, programId: string | undefined, pointRows: readonly unknown[]) =>
  card === undefined && pointRows.length === 0
    ? {}
    : {
        LoyaltyAccount: {
          ...(card !== undefined ? { LoyaltyCard: { PrimaryAccountNumber: card } } : {}),
          ...(pointRows.length > 0
            ? {
                LoyaltyProgram: {
                  ...(programId !== undefined ? { LoyaltyProgramID: programId } : {}),
                  Points: pointRows,
                },
              }
            : {}),
        },
      }

/**
 * Writes a close's receipt back as POSLog: the basket that was closed, the receipt's discounts
 * (with their per-line allocations), points earned and the balance after, and the coupons issued.
 * @category poslog
 */
export const writeReceiptPosLog = (
  basket: Basket,
  receipt: Receipt,
  header: Pick<
    PosLogToWrite,
    'sequenceNumber' | 'storeId' | 'workstationId' | 'businessDayDate' | 'programId' | 'descriptions' | 'redemptions'
  >,
): Either<DecodeError, string> => {
  const balance = receipt.points.balance
  const redeemed = (header.redemptions ?? []).reduce((s, r) => s + r.points, 0)
  return writePosLog({
    ...header,
    basket,
    discounts: receipt.discounts,
    points: {
      earned: receipt.points.earned,
      ...(redeemed > 0 ? { redeemed } : {}),
      ...(balance !== undefined ? { balance: balance.available + balance.pending } : {}),
    },
    coupons: receipt.coupons.map((c) => ({
      campaignId: c.campaignId,
      label: c.label,
      template: c.template,
      code: c.code,
      validUntil: c.validUntil,
    })),
    tenders: receipt.tenders,
  })
}

/**
 * The sale a return goes back to, as its POSLog header names it: `TransactionLink` carries the
 * store, workstation, sequence number and business day (what any back office reads), and Tessera's
 * transaction id (what its return flow is keyed by).
 * @category poslog
 */
export interface OriginalSaleToWrite {
  readonly transactionId: string
  readonly storeId: string
  readonly workstationId: string
  readonly sequenceNumber: string
  readonly businessDayDate: string
}

/**
 * A returned line: the item, how much of it came back, the refund (minor units, ≥ 0), and the line
 * of the original sale it returns. `lineId` is the return line's own sequence number (default: its
 * position from 1).
 * @category poslog
 */
export interface ReturnLineToWrite {
  readonly lineId?: string
  readonly originalLineId: string
  readonly sku: string
  readonly quantity: number
  readonly unit?: Unit
  readonly amount: number
  readonly unitPrice?: number
  readonly description?: string
}

/**
 * What {@link writeReturnPosLog} writes: the return transaction (its Tessera id, which keys the
 * return; its own header), the sale it goes back to, the returned lines, the refund tenders, the
 * card, and the points clawed back with the balance after.
 * @category poslog
 */
export interface ReturnToWrite {
  readonly returnId: string
  readonly storeId: string
  readonly workstationId: string
  readonly sequenceNumber: string
  readonly businessDayDate?: string
  readonly at: string
  readonly currency: string
  readonly original: OriginalSaleToWrite
  readonly lines: readonly ReturnLineToWrite[]
  readonly card?: string
  readonly refunds?: readonly { readonly type: string; readonly amount: number }[]
  readonly points?: { readonly clawedBack?: number; readonly balance?: number }
  readonly programId?: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * Writes a return transaction as POSLog v6: one `Return` line per returned line (positive quantity,
 * the refund as `ExtendedAmount`) with a `TransactionLink` (`ReasonCode="Return"`) to the original
 * sale and its line (`LineItemSequenceNumber`), `Tender TypeCode="Refund"` lines, a negative
 * `TransactionGrandAmount`, and the `LoyaltyAccount` with the points clawed back (as negative
 * `PointsEarned`) and the balance. {@link importPosLog} reads it back as a `return` record whose
 * lines name the original transaction and line, which is what {@link replayPosLog} hands to the
 * checkout's return. Bad input is a `DecodeError` naming each field; nothing is written.
 * @category poslog
 */
export const writeReturnPosLog = (input: ReturnToWrite): Either<DecodeError, string> => {
  const problems: FieldProblem[] = []
  const text = (value: unknown, path: string, what: string) => {
    if (typeof value !== 'string' || value.trim() === '') problems.push({ path, reason: `must be a non-empty ${what}` })
    else if (NOT_XML.test(value)) problems.push({ path, reason: 'holds a control character XML cannot carry' })
  }
  text(input.returnId, 'returnId', 'string (the return transaction id)')
  text(input.storeId, 'storeId', 'store id')
  text(input.workstationId, 'workstationId', 'workstation id')
  text(input.sequenceNumber, 'sequenceNumber', 'string (the till sequence number)')
  if (typeof input.at !== 'string' || !isIsoDateTime(input.at))
    problems.push({
      path: 'at',
      reason: `must be an ISO-8601 date-time with an offset, got ${JSON.stringify(input.at)}`,
    })
  const day = input.businessDayDate ?? (typeof input.at === 'string' ? input.at.slice(0, 10) : '')
  if (!DAY.test(day)) problems.push({ path: 'businessDayDate', reason: 'must be a date YYYY-MM-DD' })
  if (typeof input.currency !== 'string' || !isCurrencyCode(input.currency))
    problems.push({ path: 'currency', reason: `must be an ISO 4217 currency, got ${JSON.stringify(input.currency)}` })
  const o = input.original
  if (o === undefined || o === null) problems.push({ path: 'original', reason: 'must name the original sale' })
  else {
    text(o.transactionId, 'original.transactionId', 'transaction id')
    text(o.storeId, 'original.storeId', 'store id')
    text(o.workstationId, 'original.workstationId', 'workstation id')
    text(o.sequenceNumber, 'original.sequenceNumber', 'sequence number')
    if (typeof o.businessDayDate !== 'string' || !DAY.test(o.businessDayDate))
      problems.push({ path: 'original.businessDayDate', reason: 'must be a date YYYY-MM-DD' })
  }
  if (!Array.isArray(input.lines) || input.lines.length === 0)
    problems.push({ path: 'lines', reason: 'must hold at least one returned line' })
  const ids = new Set<string>()
  for (const [i, l] of (input.lines ?? []).entries()) {
    const id = l.lineId ?? String(i + 1)
    text(id, `lines.${i}.lineId`, 'line id')
    if (ids.has(id)) problems.push({ path: `lines.${i}.lineId`, reason: `"${id}" is the id of an earlier line` })
    ids.add(id)
    text(l.originalLineId, `lines.${i}.originalLineId`, 'line id of the original sale')
    text(l.sku, `lines.${i}.sku`, 'SKU')
    if (l.description !== undefined && NOT_XML.test(l.description))
      problems.push({ path: `lines.${i}.description`, reason: 'holds a control character XML cannot carry' })
    const unit = l.unit ?? 'each'
    if (!(unit in UNIT_CODES)) problems.push({ path: `lines.${i}.unit`, reason: `is not a unit: "${unit}"` })
    if (typeof l.quantity !== 'number' || !Number.isFinite(l.quantity) || l.quantity <= 0)
      problems.push({ path: `lines.${i}.quantity`, reason: `must be a number > 0, got ${l.quantity}` })
    else if (unit === 'each' && !Number.isInteger(l.quantity))
      problems.push({ path: `lines.${i}.quantity`, reason: `must be a whole number of units, got ${l.quantity}` })
    if (!Number.isSafeInteger(l.amount) || l.amount < 0)
      problems.push({ path: `lines.${i}.amount`, reason: `must be a whole number of minor units ≥ 0, got ${l.amount}` })
    if (l.unitPrice !== undefined && (!Number.isSafeInteger(l.unitPrice) || l.unitPrice < 0))
      problems.push({ path: `lines.${i}.unitPrice`, reason: `must be a whole number ≥ 0, got ${l.unitPrice}` })
  }
  checkTenders(input.refunds, 'refunds', problems)
  for (const [k, p] of Object.entries(input.points ?? {})) {
    if (p !== undefined && !Number.isSafeInteger(p))
      problems.push({ path: `points.${k}`, reason: `must be a whole number, got ${p}` })
  }
  if (input.card !== undefined) text(input.card, 'card', 'card number')
  if (input.programId !== undefined) text(input.programId, 'programId', 'program id')
  if (problems.length > 0) return left(decodeError('POSLog return to write', problems))

  const currency = input.currency as Basket['currency']
  const dec = (amount: number) => toDecimalString({ amount: amount as never, currency })
  const lineItems: unknown[] = input.lines.map((l, i) => ({
    SequenceNumber: l.lineId ?? String(i + 1),
    Return: {
      '@_ItemType': 'Stock',
      TransactionLink: {
        '@_ReasonCode': 'Return',
        BusinessUnit: { UnitID: o.storeId },
        WorkstationID: o.workstationId,
        SequenceNumber: o.sequenceNumber,
        BusinessDayDate: o.businessDayDate,
        LineItemSequenceNumber: l.originalLineId,
        'tessera:TransactionID': o.transactionId,
      },
      POSIdentity: { POSItemID: l.sku },
      ItemID: l.sku,
      ...(l.description !== undefined && l.description.trim() !== '' ? { Description: l.description } : {}),
      ...(l.unitPrice !== undefined ? { RegularSalesUnitPrice: dec(l.unitPrice) } : {}),
      ExtendedAmount: dec(l.amount),
      Quantity: { '@_UnitOfMeasureCode': UNIT_CODES[l.unit ?? 'each'], '#text': String(l.quantity) },
    },
  }))
  let next = 0
  for (const t of input.refunds ?? []) {
    lineItems.push({
      SequenceNumber: `X${++next}`,
      Tender: { '@_TenderType': t.type, '@_TypeCode': 'Refund', Amount: dec(t.amount) },
    })
  }
  const refund = input.lines.reduce((s, l) => s + l.amount, 0)
  const points = input.points ?? {}
  const pointRows = [
    ...(points.clawedBack !== undefined ? [{ '@_Type': 'PointsEarned', '#text': String(-points.clawedBack) }] : []),
    ...(points.balance !== undefined ? [{ '@_Type': 'Balance', '#text': String(points.balance) }] : []),
  ]
  const doc = posLogDocument({
    BusinessUnit: { UnitID: input.storeId },
    WorkstationID: input.workstationId,
    SequenceNumber: input.sequenceNumber,
    TransactionID: input.returnId,
    'tessera:TransactionID': input.returnId,
    CurrencyCode: input.currency,
    RetailTransaction: {
      '@_TransactionStatus': 'Finished',
      LineItem: lineItems,
      Total: [{ '@_TotalType': 'TransactionGrandAmount', '#text': dec(-refund) }],
      ...loyaltyAccount(input.card, input.programId, pointRows),
    },
    BusinessDayDate: day,
    EndDateTime: input.at,
  })
  return right(builder.build(doc) as string)
}

/**
 * Writes a checkout return as POSLog ({@link writeReturnPosLog}): the return request and its
 * receipt (refund and points clawed back per line, the balance after), the original sale's basket
 * (each returned line's item and unit) and both transactions' POSLog headers.
 * @category poslog
 */
export const writeReturnReceiptPosLog = (
  request: ReturnRequest,
  receipt: ReturnReceipt,
  sale: Basket,
  header: Pick<ReturnToWrite, 'sequenceNumber'> &
    Partial<Pick<ReturnToWrite, 'storeId' | 'workstationId' | 'businessDayDate' | 'programId'>> & {
      readonly original: Omit<OriginalSaleToWrite, 'transactionId' | 'storeId' | 'workstationId'> &
        Partial<Pick<OriginalSaleToWrite, 'storeId' | 'workstationId'>>
      readonly refunds?: ReturnToWrite['refunds']
    },
): Either<DecodeError, string> => {
  const byId = new Map(sale.lines.map((l) => [l.id, l]))
  const missing = receipt.lines.findIndex((l) => !byId.has(l.lineId))
  if (missing >= 0) {
    return left(
      decodeError('POSLog return to write', [
        { path: `receipt.lines.${missing}.lineId`, reason: `names no line of sale ${sale.id}` },
      ]),
    )
  }
  const balance = receipt.balance
  return writeReturnPosLog({
    returnId: request.returnId,
    storeId: header.storeId ?? sale.storeId,
    workstationId: header.workstationId ?? sale.terminalId,
    sequenceNumber: header.sequenceNumber,
    ...(header.businessDayDate !== undefined ? { businessDayDate: header.businessDayDate } : {}),
    at: request.at,
    currency: sale.currency,
    original: {
      transactionId: sale.id,
      storeId: header.original.storeId ?? sale.storeId,
      workstationId: header.original.workstationId ?? sale.terminalId,
      sequenceNumber: header.original.sequenceNumber,
      businessDayDate: header.original.businessDayDate,
    },
    lines: receipt.lines.map((l) => {
      const line = byId.get(l.lineId) as Basket['lines'][number]
      return {
        originalLineId: l.lineId,
        sku: line.sku,
        quantity: l.quantity,
        ...(line.unit !== undefined ? { unit: line.unit } : {}),
        amount: l.refund,
      }
    }),
    ...(sale.card !== undefined ? { card: sale.card } : {}),
    ...(header.refunds !== undefined ? { refunds: header.refunds } : {}),
    points: {
      clawedBack: receipt.pointsClawedBack,
      ...(balance !== undefined ? { balance: balance.available + balance.pending } : {}),
    },
    ...(header.programId !== undefined ? { programId: header.programId } : {}),
  })
}

/**
 * One POSLog document (a day's TLog) of the transactions of documents this adapter wrote, in the
 * order given: the root of the first, then each one's `Transaction`. Meant for the output of
 * {@link writePosLog} and {@link writeReturnPosLog}, which share one root and its namespaces.
 * @category poslog
 */
export const joinPosLog = (documents: readonly string[]): string => {
  const first = documents[0] ?? builder.build({ '?xml': XML_DECLARATION })
  const start = first.indexOf('<Transaction')
  const head =
    start >= 0
      ? first.slice(0, start)
      : `${first}<POSLog xmlns="${NS.arts}" xmlns:tessera="${NS.tessera}" MajorVersion="6" MinorVersion="0">\n`
  const parts = [head]
  for (const d of documents) {
    const from = d.indexOf('<Transaction')
    const to = d.lastIndexOf('</POSLog>')
    if (from < 0 || to < from) throw new Error('joinPosLog: not a document written by this adapter')
    parts.push(d.slice(from, to))
  }
  parts.push('</POSLog>\n')
  return parts.join('')
}

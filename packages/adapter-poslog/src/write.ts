import {
  allocate,
  type Basket,
  type DecodeError,
  decodeBasket,
  decodeError,
  type FieldProblem,
  type Receipt,
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
  for (const [i, t] of (input.tenders ?? []).entries()) {
    if (!Number.isSafeInteger(t.amount) || t.amount < 0) {
      problems.push({
        path: `tenders.${i}.amount`,
        reason: `must be a whole number of minor units ≥ 0, got ${t.amount}`,
      })
    }
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
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    POSLog: {
      '@_xmlns': NS.arts,
      '@_xmlns:tessera': NS.tessera,
      '@_MajorVersion': '6',
      '@_MinorVersion': '0',
      Transaction: {
        '@_MajorVersion': '6',
        BusinessUnit: { UnitID: input.storeId ?? basket.storeId },
        WorkstationID: input.workstationId ?? basket.terminalId,
        SequenceNumber: input.sequenceNumber,
        TransactionID: basket.id,
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
          ...(basket.card !== undefined || pointRows.length > 0
            ? {
                LoyaltyAccount: {
                  ...(basket.card !== undefined ? { LoyaltyCard: { PrimaryAccountNumber: basket.card } } : {}),
                  ...(pointRows.length > 0
                    ? {
                        LoyaltyProgram: {
                          ...(input.programId !== undefined ? { LoyaltyProgramID: input.programId } : {}),
                          Points: pointRows,
                        },
                      }
                    : {}),
                },
              }
            : {}),
        },
        BusinessDayDate: day,
        EndDateTime: basket.at,
      },
    },
  }
  return right(builder.build(doc) as string)
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
    'sequenceNumber' | 'storeId' | 'workstationId' | 'businessDayDate' | 'programId' | 'descriptions'
  >,
): Either<DecodeError, string> => {
  const balance = receipt.points.balance
  return writePosLog({
    ...header,
    basket,
    discounts: receipt.discounts,
    points: {
      earned: receipt.points.earned,
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

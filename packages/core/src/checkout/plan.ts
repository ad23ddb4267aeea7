import { addMonths } from 'date-fns'
import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import { decodeError } from '../codec/decode.js'
import type { CouponToSign } from '../coupons/signature.js'
import type { EarnRequest, EpochMs, PostingResult, ReverseRequest } from '../ledger/model.js'
import { allocate } from '../money/allocate.js'
import type { Campaign, LimitPeriod, Program } from '../rules/campaign.codec.js'
import type { Evaluation } from '../rules/evaluation.codec.js'
import { DAY_MS } from '../time/duration.js'
import {
  type CheckoutError,
  couponIssueFailed,
  measuredLineReturnedWhole,
  returnBeforeSale,
  returnExceedsPurchase,
  unknownLine,
} from './errors.js'
import type {
  AcceptedCode,
  CampaignUsageRow,
  CardWarning,
  CloseBookings,
  CloseRecord,
  CloseRequest,
  CloseSnapshot,
  CouponUsage,
  CustomerUsage,
  IssuedCoupon,
  PurchaseRecord,
  Receipt,
  ReceiptNote,
  ReturnedLine,
  ReturnReceipt,
  ReturnRecord,
  ReturnRequest,
  SnapshotLine,
  StoredCode,
  UsageRows,
} from './model.js'
import { bucketOf, campaignsUsedBy, campaignUsageIn, customerUsageKeys } from './usage.js'

// ── policy ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Who gets checkout coupons and how often.
 * - `perCustomer`: at most `count` coupons of one template per customer per period (default 1 per
 *   day), so splitting a basket in two does not double the coupons;
 * - `anonymous`: `none` (default: no coupon without a card, since a cap cannot count them) or
 *   `bearer` (an anonymous basket gets a bearer coupon, uncapped).
 * @category checkout
 */
export interface CouponPolicy {
  readonly perCustomer: { readonly count: number; readonly period: LimitPeriod }
  readonly anonymous: 'none' | 'bearer'
}

/** The default {@link CouponPolicy}: one coupon per template per customer per day, none when anonymous. @category checkout */
export const DEFAULT_COUPON_POLICY: CouponPolicy = { perCustomer: { count: 1, period: 'day' }, anonymous: 'none' }

// ── close ────────────────────────────────────────────────────────────────────────────────────────

/** Everything {@link planClose} decides from; all of it read inside the close's transaction. @category checkout */
export interface CloseInput {
  readonly request: CloseRequest
  /** Canonical JSON of the request. */
  readonly requestJson: string
  /** The evaluation within the locked usage (the engine judged the limits and budgets). */
  readonly evaluation: Evaluation
  readonly notes: readonly ReceiptNote[]
  /** The accepted codes, judged at close, and their locked rows. */
  readonly codes: readonly AcceptedCode[]
  readonly codeRows: readonly StoredCode[]
  readonly usage: UsageRows
  readonly couponUsage: readonly CouponUsage[]
  /** Who per-customer limits and coupon caps count against (`customerKeyOf`); undefined when anonymous. */
  readonly customer: string | undefined
  /** The member the sale is booked to, when the card brought member benefits. */
  readonly memberId?: string
  /** Why a scanned card brought no member benefit (printed on the receipt). */
  readonly warnings?: readonly CardWarning[]
  readonly campaigns: ReadonlyMap<string, Campaign>
  readonly program?: Program
  readonly storeTimeZone: string
  readonly couponPolicy: CouponPolicy
  /** Signs a coupon (`signCoupon` with the configured keyring and key id). */
  readonly sign: (coupon: CouponToSign) => Either<{ readonly message: string }, string>
}

/**
 * What a close writes, as data: the close record (snapshot, bookings and the receipt before the
 * balance is known), the new usage rows, the code rows (redeemed codes, issued coupons), the
 * customer's purchase row, and the earn posting when points are earned on a card.
 * @category checkout
 */
export interface ClosePlan {
  readonly record: CloseRecord
  readonly campaignUsage: readonly CampaignUsageRow[]
  readonly customerUsage: readonly CustomerUsage[]
  readonly couponUsage: readonly CouponUsage[]
  readonly codes: readonly StoredCode[]
  readonly purchase?: PurchaseRecord
  readonly earn?: EarnRequest
}

/** Points per line: the breakdown's allocations, re-split with `allocate` so they sum to the points earned. */
const linePoints = (evaluation: Evaluation, earned: number): number[] => {
  const raw = evaluation.lines.map(() => 0)
  const nets = evaluation.lines.map((l) => l.net)
  for (const b of evaluation.points.breakdown) {
    if (b.points <= 0) continue
    if (b.allocations !== undefined && b.allocations.length > 0) {
      for (const a of b.allocations) {
        const i = evaluation.lines.findIndex((l) => l.id === a.lineId)
        if (i >= 0) raw[i] = (raw[i] as number) + a.points
      }
    } else {
      allocate(b.points, nets).forEach((p, i) => {
        raw[i] = (raw[i] as number) + p
      })
    }
  }
  if (earned === 0 || raw.length === 0) return raw.map(() => 0)
  return allocate(earned, raw.some((p) => p > 0) ? raw : nets)
}

/** Step 1 of a close: the usage it books per campaign and per customer, on top of the locked rows. */
const bookUsage = (input: CloseInput, used: readonly string[]) => {
  const { evaluation, campaigns, request } = input
  const campaignUsage = used.map((id): CampaignUsageRow => {
    const before = campaignUsageIn(input.usage, id)
    return {
      campaignId: id,
      redemptions: before.redemptions + 1,
      discountSpent:
        before.discountSpent +
        evaluation.discounts.filter((d) => d.campaignId === id).reduce((s, d) => s + d.amount, 0),
      pointsSpent:
        before.pointsSpent +
        evaluation.points.breakdown.filter((b) => b.source === id).reduce((s, b) => s + Math.max(0, b.points), 0),
    }
  })
  const bookedCampaigns = campaignUsage.map((after) => {
    const before = campaignUsageIn(input.usage, after.campaignId)
    return {
      campaignId: after.campaignId,
      redemptions: 1,
      discountSpent: after.discountSpent - before.discountSpent,
      pointsSpent: after.pointsSpent - before.pointsSpent,
    }
  })
  const customerKeys = customerUsageKeys(used, campaigns, input.customer, request.basket.at, input.storeTimeZone)
  const customerUsage = customerKeys.map((k): CustomerUsage => {
    const before = input.usage.customers.find(
      (u) => u.campaignId === k.campaignId && u.customer === k.customer && u.bucket === k.bucket,
    )
    return { ...k, count: (before?.count ?? 0) + 1 }
  })
  return { campaignUsage, bookedCampaigns, customerKeys, customerUsage }
}

/** Step 2: codes are redeemed when a campaign of their pool applied; otherwise released, with a note. */
const settleCodes = (input: CloseInput, used: readonly string[]) => {
  const { campaigns, request } = input
  const basket = request.basket
  const usedPools = new Set(used.map((id) => campaigns.get(id)?.code?.pool).filter((p): p is string => p !== undefined))
  const codes: StoredCode[] = []
  const redeemed: string[] = []
  const notes: ReceiptNote[] = []
  for (const accepted of input.codes) {
    const row = input.codeRows.find((r) => r.code === accepted.code)
    if (row === undefined) continue
    const reservations = row.reservations.filter((r) => r.sessionId !== basket.id)
    if (usedPools.has(accepted.pool)) {
      redeemed.push(row.code)
      codes.push({
        ...row,
        reservations,
        redemptions: [...row.redemptions, { sessionId: basket.id, ...(basket.card ? { card: basket.card } : {}) }],
      })
    } else {
      codes.push({ ...row, reservations })
      notes.push({
        campaignId: [...campaigns.values()].find((c) => c.code?.pool === accepted.pool)?.id ?? accepted.pool,
        reason: {
          code: 'CODE_NOT_USED',
          by: accepted.code,
          message: 'no campaign of this code applied: the code was not used and stays valid',
        },
      })
    }
  }
  return { codes, redeemed, notes }
}

/** Step 3: the checkout coupons, signed, frequency-capped per customer and template. */
const issueCoupons = (input: CloseInput): Either<CheckoutError, IssuedCouponsStep> => {
  const { request, campaigns, evaluation } = input
  const basket = request.basket
  const coupons: IssuedCoupon[] = []
  const couponUsage: CouponUsage[] = []
  const codes: StoredCode[] = []
  const notes: ReceiptNote[] = []
  const templates = new Set<string>()
  for (const preview of evaluation.coupons) {
    if (templates.has(preview.template)) continue
    templates.add(preview.template)
    const card = basket.card
    if (input.customer === undefined || card === undefined) {
      if (input.couponPolicy.anonymous === 'none') {
        notes.push({ campaignId: preview.campaignId, reason: { code: 'COUPON_NEEDS_CARD', by: preview.template } })
        continue
      }
    } else {
      const bucket = bucketOf(input.couponPolicy.perCustomer.period, basket.at, input.storeTimeZone)
      const before =
        input.couponUsage.find(
          (u) => u.template === preview.template && u.customer === input.customer && u.bucket === bucket,
        )?.count ?? 0
      if (before >= input.couponPolicy.perCustomer.count) {
        notes.push({
          campaignId: preview.campaignId,
          reason: {
            code: 'COUPON_CAP_REACHED',
            by: preview.template,
            required: input.couponPolicy.perCustomer.count,
            actual: before,
          },
        })
        continue
      }
      couponUsage.push({ template: preview.template, customer: input.customer, bucket, count: before + 1 })
    }
    const personal = input.customer !== undefined ? card : undefined
    const pool = campaigns.get(preview.template)?.code?.pool ?? preview.template
    const toSign: CouponToSign = {
      pool,
      serial: `${basket.id}/${coupons.length + 1}`,
      ...(personal !== undefined ? { card: personal } : {}),
      validFrom: basket.at,
      validUntil: preview.validUntil,
    }
    const signed = input.sign(toSign)
    if (isLeft(signed)) return left(couponIssueFailed(preview.template, signed.left.message))
    const text = signed.right
    coupons.push({
      campaignId: preview.campaignId,
      template: preview.template,
      pool,
      label: preview.label,
      code: text,
      ...(personal !== undefined ? { card: personal } : {}),
      validFrom: basket.at,
      validUntil: preview.validUntil,
      barcode: { code128: text, qrcode: text },
    })
    codes.push({
      code: text,
      pool,
      kind: personal !== undefined ? { type: 'personal', card: personal } : { type: 'singleUse' },
      validFromMs: Date.parse(basket.at),
      validUntilMs: Date.parse(preview.validUntil),
      redemptions: [],
      reservations: [],
    })
  }
  return right({ coupons, couponUsage, codes, notes })
}

interface IssuedCouponsStep {
  readonly coupons: readonly IssuedCoupon[]
  readonly couponUsage: readonly CouponUsage[]
  readonly codes: readonly StoredCode[]
  readonly notes: readonly ReceiptNote[]
}

/** Step 4: the allocation snapshot, each line's net and points exactly as charged. */
const snapshotOf = (input: CloseInput, earned: number): CloseSnapshot => {
  const { evaluation } = input
  const points = linePoints(evaluation, earned)
  return {
    lines: input.request.basket.lines.map((line): SnapshotLine => {
      const i = evaluation.lines.findIndex((l) => l.id === line.id)
      const discount = evaluation.lines[i]?.discount ?? 0
      return {
        lineId: line.id,
        sku: line.sku,
        quantity: line.quantity,
        unit: line.unit ?? 'each',
        amount: line.amount,
        discount,
        net: line.amount - discount,
        points: points[i] ?? 0,
      }
    }),
    discounts: evaluation.discounts,
    pointsEarned: earned,
  }
}

/** Step 5: the earn posting of a card's points: pending `pendingDays`, expiring `expiry.afterMonths`. */
const earnOf = (input: CloseInput, earned: number): EarnRequest | undefined => {
  const basket = input.request.basket
  if (earned <= 0 || basket.card === undefined) return undefined
  const atMs = Date.parse(basket.at)
  const pendingDays = input.program?.pendingDays ?? 0
  return {
    kind: 'earn',
    key: `${basket.id}/earn`,
    at: atMs,
    account: { card: basket.card },
    points: earned,
    reason: `checkout ${basket.id}`,
    ...(pendingDays > 0 ? { availableFrom: atMs + pendingDays * DAY_MS } : {}),
    ...(input.program?.expiry
      ? { expiresAt: addMonths(new Date(atMs), input.program.expiry.afterMonths).getTime() }
      : {}),
  }
}

/**
 * Decides a close, purely, in named steps: the usage to book ({@link bookUsage}), the codes to
 * redeem (a code is redeemed only when a campaign of its pool applied; otherwise its hold is
 * released and a `CODE_NOT_USED` note says why), the coupons to issue (frequency-capped per
 * customer and template), the allocation snapshot, the earn posting (pending `pendingDays`,
 * expiring `expiry.afterMonths`), the customer's purchase row, and the receipt. Returns
 * `CouponIssueFailed` when a coupon cannot be signed.
 * @category checkout
 */
export const planClose = (input: CloseInput): Either<CheckoutError, ClosePlan> => {
  const { request, evaluation, campaigns } = input
  const basket = request.basket
  const transactionId = basket.id
  const used = campaignsUsedBy(evaluation, campaigns)
  const usage = bookUsage(input, used)
  const settled = settleCodes(input, used)
  const issued = issueCoupons(input)
  if (isLeft(issued)) return issued
  const { coupons, couponUsage } = issued.right
  const earned = basket.card === undefined ? 0 : Math.max(0, evaluation.points.earned)
  const snapshot = snapshotOf(input, earned)
  const earn = earnOf(input, earned)
  const bookings: CloseBookings = {
    codes: settled.redeemed,
    campaigns: usage.bookedCampaigns,
    customers: usage.customerKeys,
    coupons: couponUsage.map(({ count: _count, ...k }) => k),
    issuedCodes: coupons.map((c) => c.code),
    ...(earn !== undefined ? { earnKey: earn.key } : {}),
  }
  const receipt: Receipt = {
    transactionId,
    at: basket.at,
    currency: basket.currency,
    ...(basket.card !== undefined ? { card: basket.card } : {}),
    lines: snapshot.lines.map((l, i) => ({
      id: l.lineId,
      sku: l.sku,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: basket.lines[i]?.unitPrice ?? 0,
      amount: l.amount,
      discount: l.discount,
      net: l.net,
    })),
    discounts: evaluation.discounts.map((d) => {
      // A discount cut to what its budget had left says so on the receipt (BUDGET_PARTIAL).
      const cut = evaluation.explanations
        .filter((e) => e.campaignId === d.campaignId)
        .flatMap((e) => e.reasons.filter((r) => r.code === 'BUDGET_PARTIAL'))
      const reasons = [...(d.reasons ?? []), ...cut]
      return {
        campaignId: d.campaignId,
        label: d.label,
        amount: d.amount,
        allocations: d.allocations.map((a) => ({ lineId: a.lineId, amount: a.amount })),
        ...(reasons.length > 0 ? { reasons } : {}),
      }
    }),
    subtotal: evaluation.subtotal,
    discountTotal: evaluation.discountTotal,
    total: evaluation.total,
    savings: evaluation.discountTotal,
    tenders: request.tenders,
    points: {
      earned,
      ...(earn?.availableFrom !== undefined ? { pendingUntil: new Date(earn.availableFrom).toISOString() } : {}),
    },
    coupons,
    notes: [...input.notes, ...settled.notes, ...issued.right.notes],
    ...(input.memberId !== undefined ? { memberId: input.memberId } : {}),
    ...(input.warnings !== undefined && input.warnings.length > 0 ? { warnings: input.warnings } : {}),
  }
  const purchase: PurchaseRecord | undefined =
    input.customer === undefined
      ? undefined
      : { customer: input.customer, id: transactionId, at: basket.at, amount: evaluation.total, points: earned }
  return right({
    record: {
      transactionId,
      request: input.requestJson,
      ...(basket.card !== undefined ? { card: basket.card } : {}),
      snapshot,
      bookings,
      receipt,
    },
    campaignUsage: usage.campaignUsage,
    customerUsage: usage.customerUsage,
    couponUsage,
    codes: [...settled.codes, ...issued.right.codes],
    ...(purchase !== undefined ? { purchase } : {}),
    ...(earn !== undefined ? { earn } : {}),
  })
}

/**
 * The receipt of a planned close once its earn is posted: the balance after the earn goes on it.
 * @category checkout
 */
export const receiptOf = (plan: ClosePlan, earnResult?: PostingResult): Receipt =>
  earnResult === undefined
    ? plan.record.receipt
    : { ...plan.record.receipt, points: { ...plan.record.receipt.points, balance: earnResult.balance } }

// ── returns ──────────────────────────────────────────────────────────────────────────────────────

/**
 * What a return gives back, decided from the stored snapshot alone (never by re-pricing): the
 * receipt and, when points come back, the reverse posting of the close's earn.
 * @category checkout
 */
export interface ReturnPlan {
  readonly receipt: ReturnReceipt
  readonly reverse?: ReverseRequest
}

/**
 * The part of `total` that units `[from, from + count)` of `units` equal units carry: what
 * `allocate(total, [1, 1, …])` gives them (every unit ⌊total / units⌋, the first `total mod units`
 * one more: ties go to the earlier unit), in constant time whatever the quantity.
 * @category checkout
 */
export const unitsShare = (total: number, units: number, from: number, count: number): number => {
  if (units <= 0 || count <= 0) return 0
  const base = Math.floor(total / units)
  const extra = total - base * units
  return base * count + Math.max(0, Math.min(from + count, extra) - Math.min(from, extra))
}

/**
 * Plans a return from the close's snapshot and the earlier returns of the same sale. Each line's
 * amount, discount and points are split over its units as `allocate` would (ties to the earlier
 * unit; {@link unitsShare}), and a return takes the next consecutive units, so partial returns sum
 * exactly to a full one. A weighed line is one unit, returned whole. The return is `full` when it
 * is the one that brings back the last unit of the sale. A return names at least one line, and is
 * not dated before its sale.
 * @category checkout
 */
export const planReturn = (
  close: CloseRecord,
  earlier: readonly ReturnRecord[],
  request: ReturnRequest,
): Either<CheckoutError, ReturnPlan> => {
  if (request.lines.length === 0) {
    return left(
      decodeError('return', [{ path: 'lines', reason: 'must name at least one returned line; nothing was refunded' }]),
    )
  }
  if (Date.parse(request.at) < Date.parse(close.receipt.at)) {
    return left(returnBeforeSale(close.transactionId, close.receipt.at, request.at))
  }
  const returnedUnits = new Map<string, number>()
  for (const r of earlier)
    for (const l of r.receipt.lines) returnedUnits.set(l.lineId, (returnedUnits.get(l.lineId) ?? 0) + l.units)
  const unitsOf = (l: SnapshotLine) => (l.unit === 'each' ? l.quantity : 1)
  const completeBefore = close.snapshot.lines.every((l) => (returnedUnits.get(l.lineId) ?? 0) === unitsOf(l))
  const lines: ReturnedLine[] = []
  const taking = new Map<string, number>()
  for (const [i, asked] of request.lines.entries()) {
    const sold = close.snapshot.lines.find((l) => l.lineId === asked.lineId)
    if (sold === undefined) return left(unknownLine(asked.lineId, `transaction ${close.transactionId}`))
    const measured = sold.unit !== 'each'
    if (!measured && !Number.isInteger(asked.quantity)) {
      return left(
        decodeError('return', [
          {
            path: `lines.${i}.quantity`,
            reason: `line ${asked.lineId} is sold by the unit: give a whole number, got ${asked.quantity}`,
          },
        ]),
      )
    }
    if (measured && asked.quantity !== sold.quantity)
      return left(measuredLineReturnedWhole(sold.lineId, sold.quantity, asked.quantity))
    const bought = unitsOf(sold)
    const units = measured ? 1 : asked.quantity
    const already = (returnedUnits.get(sold.lineId) ?? 0) + (taking.get(sold.lineId) ?? 0)
    if (already + units > bought) {
      return left(
        measured
          ? returnExceedsPurchase(sold.lineId, sold.quantity, sold.quantity, asked.quantity)
          : returnExceedsPurchase(sold.lineId, bought, already, units),
      )
    }
    taking.set(sold.lineId, (taking.get(sold.lineId) ?? 0) + units)
    const amount = unitsShare(sold.amount, bought, already, units)
    const discount = unitsShare(sold.discount, bought, already, units)
    lines.push({
      lineId: sold.lineId,
      quantity: asked.quantity,
      fromUnit: already,
      units,
      amount,
      discount,
      refund: amount - discount,
      points: unitsShare(sold.points, bought, already, units),
    })
  }
  const complete = close.snapshot.lines.every(
    (l) => (returnedUnits.get(l.lineId) ?? 0) + (taking.get(l.lineId) ?? 0) === unitsOf(l),
  )
  const pointsClawedBack = lines.reduce((s, l) => s + l.points, 0)
  const earnKey = close.bookings.earnKey
  const receipt: ReturnReceipt = {
    returnId: request.returnId,
    transactionId: close.transactionId,
    lines,
    refund: lines.reduce((s, l) => s + l.refund, 0),
    pointsClawedBack,
    full: complete && !completeBefore,
    revokedCoupons: [],
  }
  return right({
    receipt,
    ...(pointsClawedBack > 0 && earnKey !== undefined && close.card !== undefined
      ? {
          reverse: {
            kind: 'reverse',
            key: `${close.transactionId}/return/${request.returnId}`,
            at: Date.parse(request.at),
            account:
              close.bookings.earnAccountId !== undefined
                ? { accountId: close.bookings.earnAccountId }
                : { card: close.card },
            ofKey: earnKey,
            points: pointsClawedBack,
            reason: `return ${request.returnId} of ${close.transactionId}`,
          } satisfies ReverseRequest,
        }
      : {}),
  })
}

/** The rows a full return gives back to, locked in the global order. @category checkout */
export interface GiveBackRows {
  readonly customers: readonly CustomerUsage[]
  readonly coupons: readonly CouponUsage[]
  readonly codes: readonly StoredCode[]
}

/**
 * What the return that completes a sale gives back, once: the usage its close booked (as negative
 * campaign amounts, and per-customer counts one lower, never below zero), its redeemed codes (the
 * redemption by this sale removed), and the coupons it issued that are still unused (revoked, and
 * their frequency-cap count given back). `coupons` rows are those of the revoked templates only.
 * @category checkout
 */
export const planGiveBack = (
  sale: CloseRecord,
  rows: GiveBackRows,
  returnId: string,
  atMs: EpochMs,
): {
  readonly rows: GiveBackRows
  readonly campaigns: readonly CampaignUsageRow[]
  readonly revoked: readonly string[]
} => {
  const b = sale.bookings
  const campaigns = b.campaigns.map((c) => ({
    campaignId: c.campaignId,
    redemptions: -c.redemptions,
    discountSpent: -c.discountSpent,
    pointsSpent: -c.pointsSpent,
  }))
  const customers = rows.customers.map((row) => ({ ...row, count: Math.max(0, row.count - 1) }))
  const revoked: string[] = []
  const codes: StoredCode[] = []
  for (const row of rows.codes) {
    if (b.codes.includes(row.code)) {
      codes.push({ ...row, redemptions: row.redemptions.filter((r) => r.sessionId !== sale.transactionId) })
    } else if (b.issuedCodes.includes(row.code) && row.redemptions.length === 0 && row.revoked === undefined) {
      revoked.push(row.code)
      codes.push({ ...row, revoked: { by: returnId, atMs } })
    }
  }
  const revokedTemplates = new Set(sale.receipt.coupons.filter((c) => revoked.includes(c.code)).map((c) => c.template))
  const coupons = rows.coupons
    .filter((row) => revokedTemplates.has(row.template))
    .map((row) => ({ ...row, count: Math.max(0, row.count - 1) }))
  return { rows: { customers, coupons, codes }, campaigns, revoked }
}

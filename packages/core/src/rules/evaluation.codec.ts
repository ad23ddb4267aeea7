import * as t from 'io-ts'
import { looseObject } from '../codec/object.js'
import { FiniteNumber, NonEmptyString, PositiveCount, scalarOf } from '../codec/primitive.js'
import { MinorUnitsCodec, PointsCodec, SignedPointsCodec } from '../money/money.codec.js'
import { IsoDateTimeCodec } from '../time/time.codec.js'
import { SelectorCodec } from './campaign.codec.js'

const Scalar = scalarOf('ReasonValue', ['string', 'number', 'boolean'], ['string', 'number'])

/**
 * Why a campaign did or did not apply: a stable upper-case code, with `required` and `actual` where
 * they apply (`{ code: 'MIN_SPEND', required: 2000, actual: 1650 }`).
 * @category codecs
 */
export const ReasonCodec = looseObject(
  'Reason',
  { code: NonEmptyString },
  { required: Scalar, actual: Scalar, by: NonEmptyString, message: t.string },
)

/** @category codecs */
export const AllocationCodec = looseObject('Allocation', { lineId: NonEmptyString, amount: MinorUnitsCodec })

/** @category codecs */
export const EvaluationLineCodec = looseObject('EvaluationLine', {
  id: NonEmptyString,
  amount: MinorUnitsCodec,
  discount: MinorUnitsCodec,
  net: MinorUnitsCodec,
})

/** @category codecs */
export const DiscountCodec = looseObject(
  'Discount',
  {
    campaignId: NonEmptyString,
    label: t.string,
    amount: MinorUnitsCodec,
    allocations: t.readonlyArray(AllocationCodec),
  },
  { reasons: t.readonlyArray(ReasonCodec) },
)

/** @category codecs */
export const PointsBreakdownCodec = looseObject(
  'PointsBreakdown',
  { source: NonEmptyString, points: SignedPointsCodec },
  { allocations: t.readonlyArray(looseObject('PointsAllocation', { lineId: NonEmptyString, points: PointsCodec })) },
)

/** @category codecs */
export const GiftCodec = looseObject(
  'Gift',
  { campaignId: NonEmptyString, sku: NonEmptyString, quantity: PositiveCount },
  { label: t.string },
)

/** @category codecs */
export const CouponPreviewCodec = looseObject(
  'CouponPreview',
  { campaignId: NonEmptyString, template: NonEmptyString, label: t.string, validUntil: IsoDateTimeCodec },
  { code: NonEmptyString },
)

/** @category codecs */
export const NudgeCodec = looseObject(
  'Nudge',
  {
    campaignId: NonEmptyString,
    message: t.string,
    missing: looseObject(
      'Missing',
      {},
      { amount: MinorUnitsCodec, quantity: FiniteNumber, unit: t.string, of: SelectorCodec, sku: NonEmptyString },
    ),
  },
  {},
)

/** @category codecs */
export const ExplanationCodec = looseObject('Explanation', {
  campaignId: NonEmptyString,
  applied: t.boolean,
  reasons: t.readonlyArray(ReasonCodec),
})

/**
 * The Evaluation: what a basket earns right now (wire contract v1), the result of `price()` and of
 * `tessera evaluate`.
 * @category codecs
 */
export const EvaluationCodec = looseObject(
  'Evaluation',
  {
    basketId: NonEmptyString,
    subtotal: MinorUnitsCodec,
    discountTotal: MinorUnitsCodec,
    total: MinorUnitsCodec,
    lines: t.readonlyArray(EvaluationLineCodec),
    discounts: t.readonlyArray(DiscountCodec),
    points: looseObject('EvaluationPoints', { earned: PointsCodec, breakdown: t.readonlyArray(PointsBreakdownCodec) }),
    gifts: t.readonlyArray(GiftCodec),
    coupons: t.readonlyArray(CouponPreviewCodec),
    nudges: t.readonlyArray(NudgeCodec),
    explanations: t.readonlyArray(ExplanationCodec),
    holdouts: t.readonlyArray(NonEmptyString),
  },
  {},
  { description: 'What a basket earns right now (wire contract v1): the result of price() and of `tessera evaluate`.' },
)

/** What a basket earns right now (wire contract v1). @category rules */
export type Evaluation = t.TypeOf<typeof EvaluationCodec>
/** A reason in an explanation. @category rules */
export type Reason = t.TypeOf<typeof ReasonCodec>
/** A discount of one campaign with its allocation over lines. @category rules */
export type Discount = t.TypeOf<typeof DiscountCodec>
/** A nudge: what to add to earn more. @category rules */
export type Nudge = t.TypeOf<typeof NudgeCodec>
/** An explanation of one campaign. @category rules */
export type Explanation = t.TypeOf<typeof ExplanationCodec>

import { strictObject } from '../../codec/object.js'
import { NonEmptyString, PositiveCount } from '../../codec/primitive.js'
import { addCoupon, type RewardFn } from '../context.js'
import { rewardKind } from './kind.js'

/**
 * `{ "issueCoupon": { "template": "next-visit-5-off", "validForDays": 30 } }`: a checkout coupon,
 * previewed in `coupons` with `validUntil` = the basket's time + `validForDays` (in its offset).
 * It gets its code only at `close()`.
 */
export const issueCoupon =
  (spec: { readonly template: string; readonly validForDays: number }): RewardFn =>
  (_ctx, _state, effects) => {
    addCoupon(effects, { template: spec.template, validForDays: spec.validForDays })
  }

/** The `issueCoupon` kind: a checkout coupon, not a discount. */
export const issueCouponKind = rewardKind({
  key: 'issueCoupon',
  codec: () => strictObject('IssueCoupon', { template: NonEmptyString, validForDays: PositiveCount }),
  compile: issueCoupon,
  keys: () => undefined,
  selectors: () => [],
  consumes: () => [],
  givesDiscount: () => false,
  monotone: () => true,
  givesZero: () => false,
})

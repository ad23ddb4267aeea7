import { addCoupon, type RewardFn } from '../context.js'

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

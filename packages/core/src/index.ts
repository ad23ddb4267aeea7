/**
 * `@tessera/core`: the pure core of Tessera. No I/O, no clock, no randomness: those come in through
 * the ports.
 * @packageDocumentation
 */
export * from './analytics/index.js'
export * from './basket/index.js'
export * from './catalog/index.js'
// The checkout's public surface; its planners (planClose, planReturn…) are internals of the
// service and its stores, reachable from `@tessera/core/checkout` (src/checkout/index.ts).
export * from './checkout/checkout.codec.js'
export * from './checkout/errors.js'
export { CHECKED_CUSTOMER_FIELDS, type Identity, identityOf, maskCard } from './checkout/identity.js'
export * from './checkout/model.js'
export { type CouponPolicy, DEFAULT_COUPON_POLICY } from './checkout/plan.js'
export * from './checkout/pool.codec.js'
export * from './checkout/pricer.js'
export {
  type Checkout,
  type CheckoutConfig,
  type CheckoutSession,
  type CodeJudgement,
  createCheckout,
  normaliseCode,
  type Priced,
  type PriceRequest,
  type SessionState,
} from './checkout/session.js'
export { bucketOf, customerKeyOf } from './checkout/usage.js'
export * from './codec/index.js'
export * from './coupons/index.js'
export * from './customer/index.js'
export * from './documents.js'
export * from './errors/index.js'
export * from './host/index.js'
export * from './ledger/index.js'
export * from './money/index.js'
export * from './ports/index.js'
export * from './referral/index.js'
export * from './rewards/index.js'
export * from './rules/index.js'
export * from './tiers/index.js'
export * from './time/index.js'

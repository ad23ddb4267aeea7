import type { AnalyticsError } from '../analytics/errors.js'
import type { CheckoutError } from '../checkout/errors.js'
import type { DecodeError } from '../codec/decode.js'
import type { CodeFormatError, CodePatternError } from '../coupons/codes.js'
import type { Gs1Error } from '../coupons/gs1.js'
import type { CodeRejected } from '../coupons/judge.js'
import type { CouponRejected, CouponSignError } from '../coupons/signature.js'
import type { CardNumberError } from '../customer/card.js'
import type { LedgerError } from '../ledger/errors.js'
import type { MoneyParseError } from '../money/parse.js'
import type { PercentError } from '../money/percent.js'
import type { ReferralError } from '../referral/reward.js'
import type { RewardError } from '../rewards/redeem.js'
import type { TierError } from '../tiers/tier.js'

/**
 * Every expected failure of Tessera, as a tagged union. Functions return these in an `Either`;
 * they never throw them. The concepts that come later (ledger, coupons, checkout) add their own
 * members to this union.
 * @category errors
 */
export type TesseraError =
  | DecodeError
  | MoneyParseError
  | PercentError
  | LedgerError
  | CardNumberError
  | CodePatternError
  | CodeFormatError
  | CodeRejected
  | CouponRejected
  | CouponSignError
  | Gs1Error
  | AnalyticsError
  | TierError
  | RewardError
  | ReferralError
  | CheckoutError

/**
 * A one-line, human explanation of an error, for a CLI's stderr or an HTTP body.
 * @category errors
 */
export const describeError = (error: { readonly _tag: string; readonly message?: string }): string =>
  error.message ?? error._tag

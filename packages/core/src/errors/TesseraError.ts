import type { DecodeError } from '../codec/decode.js'
import type { MoneyParseError } from '../money/parse.js'
import type { PercentError } from '../money/percent.js'

/**
 * Every expected failure of Tessera, as a tagged union. Functions return these in an `Either`;
 * they never throw them. The concepts that come later (ledger, coupons, checkout) add their own
 * members to this union.
 * @category errors
 */
export type TesseraError = DecodeError | MoneyParseError | PercentError

/**
 * A one-line, human explanation of an error, for a CLI's stderr or an HTTP body.
 * @category errors
 */
export const describeError = (error: { readonly _tag: string; readonly message?: string }): string =>
  error.message ?? error._tag

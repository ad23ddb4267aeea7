import type { Either } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type DecodeError, decodeWith } from '../codec/decode.js'
import { strictObject } from '../codec/object.js'
import { Count } from '../codec/primitive.js'
import { MinorUnitsCodec, PointsCodec } from '../money/money.codec.js'
import type { UsageSnapshot } from './evaluate.js'

/**
 * One campaign's usage as a store reports it: redemptions in all, this customer's in the current
 * period, the discount and points spent of its budgets. Unknown fields are refused.
 * @category codecs
 */
export const CampaignUsageCodec = strictObject(
  'CampaignUsage',
  {},
  { redemptions: Count, customerRedemptions: Count, discountSpent: MinorUnitsCodec, pointsSpent: PointsCodec },
)

/** The usage snapshot `evaluate` judges limits and budgets with: usage by campaign id. @category codecs */
export const UsageSnapshotCodec = strictObject(
  'UsageSnapshot',
  {},
  { campaigns: t.record(t.string, CampaignUsageCodec) },
)

/**
 * Decodes a usage snapshot (for `tessera evaluate --usage` and any caller that keeps usage itself).
 * @category rules
 */
export const decodeUsage = (u: unknown): Either<DecodeError, UsageSnapshot> =>
  decodeWith(UsageSnapshotCodec, 'usage')(u) as Either<DecodeError, UsageSnapshot>

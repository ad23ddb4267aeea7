import type { PointsReward } from '../campaign.codec.js'
import { addPoints, type RewardFn } from '../context.js'

/**
 * `{ "points": { "fixed": 100 } }`, `{ "points": { "perAmount": { "points": 1, "per": 100, "of": sel } } }`
 * or `{ "points": { "multiplier": 2, "of": sel } }`. Points are counted after every discount, on net
 * amounts, by the evaluator's points step; this only records the campaign's claim.
 */
export const points =
  (spec: PointsReward): RewardFn =>
  (_ctx, _state, effects) => {
    addPoints(effects, spec)
  }

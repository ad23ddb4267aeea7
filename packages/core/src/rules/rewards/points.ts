import type * as t from 'io-ts'
import { fieldError, strictObject } from '../../codec/object.js'
import { PositiveCount } from '../../codec/primitive.js'
import { PointsCodec } from '../../money/money.codec.js'
import { addPoints, type RewardFn } from '../context.js'
import { MultiplierCodec, type Selector, SelectorCodec } from '../selector.codec.js'
import { type Plain, rewardKind } from './kind.js'

const pointsCheck = (p: Record<string, unknown>, c: t.Context): t.Errors => {
  const kinds = ['fixed', 'perAmount', 'multiplier'].filter((k) => p[k] !== undefined)
  if (kinds.length !== 1) {
    return [
      fieldError(
        c,
        [],
        p,
        `points need exactly one of "fixed", "perAmount" or "multiplier", got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
      ),
    ]
  }
  if (p.of !== undefined && p.multiplier === undefined) {
    return [fieldError(c, ['of'], p.of, '"of" goes with "multiplier"; "perAmount" has its own "of"')]
  }
  if (typeof p.multiplier === 'number' && p.multiplier < 1) {
    return [fieldError(c, ['multiplier'], p.multiplier, 'a campaign multiplier must be ≥ 1')]
  }
  return []
}

const PointsRewardCodec = strictObject(
  'PointsReward',
  {},
  {
    fixed: PointsCodec,
    perAmount: strictObject('PointsPerAmount', { points: PositiveCount, per: PositiveCount }, { of: SelectorCodec }),
    multiplier: MultiplierCodec,
    of: SelectorCodec,
  },
  { check: pointsCheck },
)

/** Points a campaign gives, as the wire contract spells them. */
export type PointsSpec = Plain<t.TypeOf<typeof PointsRewardCodec>>

/**
 * `{ "points": { "fixed": 100 } }`, `{ "points": { "perAmount": { "points": 1, "per": 100, "of": sel } } }`
 * or `{ "points": { "multiplier": 2, "of": sel } }`. Points are counted after every discount, on net
 * amounts, by the evaluator's points step; this only records the campaign's claim.
 */
export const points =
  (spec: PointsSpec): RewardFn =>
  (_ctx, _state, effects) => {
    addPoints(effects, spec)
  }

/** The `points` kind: points, not a discount. */
export const pointsKind = rewardKind({
  key: 'points',
  codec: () => PointsRewardCodec,
  compile: points,
  keys: () => undefined,
  selectors: (spec) => [spec.of, spec.perAmount?.of].filter((s): s is Selector => s !== undefined),
  consumes: () => [],
  givesDiscount: () => false,
  monotone: () => true,
  givesZero: (spec) => spec.fixed === 0,
})

import * as t from 'io-ts'
import { selectorKeys } from '../../catalog/selector.js'
import { fieldError, strictObject } from '../../codec/object.js'
import { MinorUnitsCodec, PercentCodec } from '../../money/money.codec.js'
import { discountOver, percentage, type RewardFn } from '../context.js'
import { SelectorCodec } from '../selector.codec.js'
import { rewardable, rewardableLines } from './eligible.js'
import { noUnits, type Plain, rewardKind } from './kind.js'

const tiersCheck = (r: Record<string, unknown>, c: t.Context): t.Errors => {
  const tiers = r.tiers as readonly { readonly atLeast: number }[]
  const errors: t.Errors = []
  if (tiers.length === 0) errors.push(fieldError(c, ['tiers'], tiers, 'needs at least one tier'))
  for (let i = 1; i < tiers.length; i++) {
    if ((tiers[i] as { readonly atLeast: number }).atLeast <= (tiers[i - 1] as { readonly atLeast: number }).atLeast) {
      errors.push(
        fieldError(c, ['tiers', i, 'atLeast'], tiers[i]?.atLeast, 'tiers must be in increasing order of "atLeast"'),
      )
    }
  }
  return errors
}

const TieredPercentOffCodec = strictObject(
  'TieredPercentOff',
  {
    of: SelectorCodec,
    tiers: t.readonlyArray(strictObject('PercentTier', { atLeast: MinorUnitsCodec, percent: PercentCodec })),
  },
  {},
  { check: tiersCheck },
)

/** A tiered percentage, as the wire contract spells it. */
export type TieredPercentOffSpec = Plain<t.TypeOf<typeof TieredPercentOffCodec>>

/**
 * `{ "tieredPercentOff": { "of": sel, "tiers": [{ "atLeast": 2000, "percent": 5 }, …] } }`: the
 * highest tier whose threshold the remaining amount of the selected lines reaches gives its
 * percentage, on that amount (half-up, then allocated like `percentOff`).
 */
export const tieredPercentOff = (spec: TieredPercentOffSpec): RewardFn => {
  const pick = rewardable(spec.of)
  const pcts = spec.tiers.map((t) => percentage(t.percent))
  return (ctx, state, effects) => {
    const { lines, weights, total } = rewardableLines(ctx, state, pick)
    let tier = -1
    for (let k = 0; k < spec.tiers.length; k++)
      if (total >= (spec.tiers[k] as TieredPercentOffSpec['tiers'][number]).atLeast) tier = k
    if (tier === -1) {
      const first = spec.tiers[0] as TieredPercentOffSpec['tiers'][number]
      effects.failure = { code: 'MIN_SPEND', required: first.atLeast, actual: total }
      effects.unitsMissing = undefined
      return
    }
    discountOver(state, effects, lines, weights, (pcts[tier] as (amount: number) => number)(total))
  }
}

/** The `tieredPercentOff` kind. */
export const tieredPercentOffKind = rewardKind({
  key: 'tieredPercentOff',
  codec: () => TieredPercentOffCodec,
  compile: tieredPercentOff,
  keys: (spec) => selectorKeys(spec.of),
  selectors: (spec) => [spec.of],
  ...noUnits,
  givesZero: (spec) => spec.tiers.every((x) => x.percent === 0),
})

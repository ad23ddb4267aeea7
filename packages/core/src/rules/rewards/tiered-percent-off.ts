import type { PercentTier, Selector } from '../campaign.codec.js'
import { discountOver, percentage, type RewardFn } from '../context.js'
import { rewardable, rewardableLines } from './eligible.js'

/**
 * `{ "tieredPercentOff": { "of": sel, "tiers": [{ "atLeast": 2000, "percent": 5 }, …] } }`: the
 * highest tier whose threshold the remaining amount of the selected lines reaches gives its
 * percentage, on that amount (half-up, then allocated like `percentOff`).
 */
export const tieredPercentOff = (spec: { readonly of: Selector; readonly tiers: readonly PercentTier[] }): RewardFn => {
  const pick = rewardable(spec.of)
  const pcts = spec.tiers.map((t) => percentage(t.percent))
  return (ctx, state, effects) => {
    const { lines, weights, total } = rewardableLines(ctx, state, pick)
    let tier = -1
    for (let k = 0; k < spec.tiers.length; k++) if (total >= (spec.tiers[k] as PercentTier).atLeast) tier = k
    if (tier === -1) {
      const first = spec.tiers[0] as PercentTier
      effects.failure = { code: 'MIN_SPEND', required: first.atLeast, actual: total }
      effects.unitsMissing = undefined
      return
    }
    discountOver(state, effects, lines, weights, (pcts[tier] as (amount: number) => number)(total))
  }
}

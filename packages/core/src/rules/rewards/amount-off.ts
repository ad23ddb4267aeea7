import type { Selector } from '../campaign.codec.js'
import { discountOver, type RewardFn } from '../context.js'
import { rewardable, rewardableLines } from './eligible.js'

/**
 * `{ "amountOff": { "of": sel | "basket", "amount": 500 } }`: a fixed amount, prorated over the
 * selected lines by what remains of each (largest remainder), never more than what remains.
 */
export const amountOff = (spec: { readonly of: Selector | 'basket'; readonly amount: number }): RewardFn => {
  const pick = rewardable(spec.of)
  return (ctx, state, effects) => {
    const { lines, weights, total } = rewardableLines(ctx, state, pick)
    if (total === 0) {
      effects.failure = { code: 'NOTHING_DISCOUNTABLE' }
      return
    }
    discountOver(state, effects, lines, weights, Math.min(spec.amount, total))
  }
}

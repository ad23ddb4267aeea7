import { selectorKeys } from '../../catalog/selector.js'
import { strictObject } from '../../codec/object.js'
import { MinorUnitsCodec } from '../../money/money.codec.js'
import { discountOver, type RewardFn } from '../context.js'
import { type Selector, SelectorOrBasketCodec } from '../selector.codec.js'
import { rewardable, rewardableLines } from './eligible.js'
import { noUnits, rewardKind } from './kind.js'

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

/** The `amountOff` kind. */
export const amountOffKind = rewardKind({
  key: 'amountOff',
  codec: () => strictObject('AmountOff', { of: SelectorOrBasketCodec, amount: MinorUnitsCodec }),
  compile: amountOff,
  keys: (spec) => (spec.of === 'basket' ? undefined : selectorKeys(spec.of)),
  selectors: (spec) => (spec.of === 'basket' ? [] : [spec.of]),
  ...noUnits,
  givesZero: (spec) => spec.amount === 0,
})

import { compileSelector, selectorKeys } from '../../catalog/selector.js'
import { strictObject } from '../../codec/object.js'
import { PositiveCount } from '../../codec/primitive.js'
import { MinorUnitsCodec } from '../../money/money.codec.js'
import { consume, discountUnits, freeUnits, type RewardFn, type UnitRef } from '../context.js'
import { type Selector, SelectorCodec } from '../selector.codec.js'
import { rewardKind } from './kind.js'

/**
 * `{ "fixedPrice": { "of": sel, "quantity": 3, "price": 1000 } }`: "3 for 10 €", repeated as often
 * as the units allow (and `limits.perBasket`). Free units are sorted highest value first and cut
 * into consecutive groups of `quantity`; each group costs `price`, its saving allocated over its
 * units. A group that would cost more at the fixed price is not taken (nor any cheaper one after).
 */
export const fixedPrice = (spec: {
  readonly of: Selector
  readonly quantity: number
  readonly price: number
}): RewardFn => {
  const match = compileSelector(spec.of)
  return (ctx, state, effects, perBasket) => {
    const units = freeUnits(ctx, state, (i) => ctx.discountable[i] === true && match(ctx.lines[i]!))
    let groups = 0
    let at = 0
    const taken: UnitRef[][] = []
    while (groups < perBasket && at + spec.quantity <= units.length) {
      const group = units.slice(at, at + spec.quantity)
      const sum = group.reduce((s, u) => s + u.value, 0)
      if (sum <= spec.price) break
      taken.push(group)
      at += spec.quantity
      groups++
    }
    for (const group of taken) {
      consume(state, group)
      discountUnits(state, effects, group, group.reduce((s, u) => s + u.value, 0) - spec.price)
    }
    const left = units.length - at
    if (groups < perBasket && left === spec.quantity - 1) effects.unitsMissing = 1
    if (groups === 0) {
      effects.failure =
        units.length < spec.quantity
          ? { code: 'NOT_ENOUGH_UNITS', required: spec.quantity, actual: units.length }
          : { code: 'NO_SAVING', required: spec.price, message: 'the units cost less than the fixed price' }
    }
  }
}

/** The `fixedPrice` kind. */
export const fixedPriceKind = rewardKind({
  key: 'fixedPrice',
  codec: () => strictObject('FixedPrice', { of: SelectorCodec, quantity: PositiveCount, price: MinorUnitsCodec }),
  compile: fixedPrice,
  keys: (spec) => selectorKeys(spec.of),
  selectors: (spec) => [spec.of],
  consumes: (spec) => [spec.of],
  givesDiscount: () => true,
  monotone: () => false,
  givesZero: () => false,
})

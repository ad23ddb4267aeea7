import { selectorKeys } from '../../catalog/selector.js'
import { strictObject } from '../../codec/object.js'
import { oneOf } from '../../codec/primitive.js'
import { PercentCodec } from '../../money/money.codec.js'
import { byUnitValue, discountUnits, linesOf, percentage, type RewardFn, type UnitRef, unitValues } from '../context.js'
import { SelectorCodec } from '../selector.codec.js'
import { rewardable } from './eligible.js'
import { type Plain, rewardKind } from './kind.js'

const PercentOffItemCodec = strictObject('PercentOffItem', {
  of: SelectorCodec,
  percent: PercentCodec,
  pick: oneOf('ItemPick', ['cheapest', 'mostExpensive'] as const),
})

/** `{ "percentOffItem": { "of": sel, "percent": 50, "pick": "cheapest" | "mostExpensive" } }`, as the wire contract spells it. */
export type PercentOffItemSpec = Plain<typeof PercentOffItemCodec._A>

/**
 * `{ "percentOffItem": { "of": sel, "percent": 50, "pick": "cheapest" } }`: `percent` off one item,
 * the cheapest (or the most expensive) discountable unit of the selected lines, valued at what
 * remains of it after earlier discounts (a measured line is one item). Ties in value go to the
 * first SKU, then line id, never to scan order. Half-up, on that one unit; it consumes nothing.
 */
export const percentOffItem = (spec: PercentOffItemSpec): RewardFn => {
  const pick = rewardable(spec.of)
  const pct = percentage(spec.percent)
  return (ctx, state, effects) => {
    let chosen: UnitRef | undefined
    const order = byUnitValue(ctx)
    for (const i of linesOf(ctx, pick)) {
      if (ctx.discountable[i] !== true || state.remaining[i] === 0) continue
      const values = ctx.units[i] === 0 ? [state.remaining[i] as number] : unitValues(ctx, state, i)
      for (const value of values) {
        if (value === 0) continue
        const unit = { line: i, value }
        // The dearest (or cheapest) value; among equal values, the first by SKU, then line id.
        if (
          chosen === undefined ||
          (spec.pick === 'mostExpensive' ? value > chosen.value : value < chosen.value) ||
          (value === chosen.value && order(unit, chosen) < 0)
        ) {
          chosen = unit
        }
      }
    }
    if (chosen === undefined) {
      effects.failure = { code: 'NOTHING_DISCOUNTABLE' }
      return
    }
    discountUnits(state, effects, [chosen], pct(chosen.value))
  }
}

/** The `percentOffItem` kind. A cheaper item added can lower it, so only "most expensive" is monotone. */
export const percentOffItemKind = rewardKind({
  key: 'percentOffItem',
  codec: () => PercentOffItemCodec,
  compile: percentOffItem,
  keys: (spec) => selectorKeys(spec.of),
  selectors: (spec) => [spec.of],
  consumes: () => [],
  givesDiscount: () => true,
  monotone: (spec) => spec.pick === 'mostExpensive',
  givesZero: (spec) => spec.percent === 0,
})

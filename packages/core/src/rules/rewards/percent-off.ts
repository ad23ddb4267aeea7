import { selectorKeys } from '../../catalog/selector.js'
import { strictObject } from '../../codec/object.js'
import { PositiveCount } from '../../codec/primitive.js'
import { MinorUnitsCodec, PercentCodec } from '../../money/money.codec.js'
import {
  byUnitValue,
  discountOver,
  discountUnits,
  linesOf,
  percentage,
  type RewardFn,
  type UnitRef,
  unitValues,
} from '../context.js'
import { type Selector, SelectorCodec } from '../selector.codec.js'
import { rewardable, rewardableLines } from './eligible.js'
import { noUnits, rewardKind } from './kind.js'

/**
 * `{ "percentOff": { "of": sel, "percent": 20, "maxUnits": 4, "cap": 1000 } }`.
 *
 * The percentage is taken once, on the total remaining amount of the selected lines, rounded
 * half-up, then capped, then allocated over the lines by largest remainder weighted by what
 * remains of each line. With `maxUnits`, only the most valuable units count (a measured line is one
 * unit).
 */
export const percentOff = (spec: {
  readonly of: Selector
  readonly percent: number
  readonly maxUnits?: number
  readonly cap?: number
}): RewardFn => {
  const pick = rewardable(spec.of)
  const pct = percentage(spec.percent)
  return (ctx, state, effects) => {
    if (spec.maxUnits === undefined) {
      const { lines, weights, total } = rewardableLines(ctx, state, pick)
      if (total === 0) {
        effects.failure = { code: 'NOTHING_DISCOUNTABLE' }
        return
      }
      const amount = Math.min(pct(total), spec.cap ?? Number.MAX_SAFE_INTEGER)
      discountOver(state, effects, lines, weights, amount)
      return
    }
    const units: UnitRef[] = []
    for (const i of linesOf(ctx, pick)) {
      if (ctx.discountable[i] !== true || state.remaining[i] === 0) continue
      if (ctx.units[i] === 0) units.push({ line: i, value: state.remaining[i] as number })
      else for (const value of unitValues(ctx, state, i)) units.push({ line: i, value })
    }
    if (units.length === 0) {
      effects.failure = { code: 'NOTHING_DISCOUNTABLE' }
      return
    }
    units.sort(byUnitValue(ctx))
    const chosen = units.slice(0, spec.maxUnits)
    const base = chosen.reduce((s, u) => s + u.value, 0)
    discountUnits(state, effects, chosen, Math.min(pct(base), spec.cap ?? Number.MAX_SAFE_INTEGER))
  }
}

/** The `percentOff` kind. */
export const percentOffKind = rewardKind({
  key: 'percentOff',
  codec: () =>
    strictObject(
      'PercentOff',
      { of: SelectorCodec, percent: PercentCodec },
      { maxUnits: PositiveCount, cap: MinorUnitsCodec },
    ),
  compile: percentOff,
  keys: (spec) => selectorKeys(spec.of),
  selectors: (spec) => [spec.of],
  ...noUnits,
  givesZero: (spec) => spec.percent === 0 || spec.cap === 0,
})

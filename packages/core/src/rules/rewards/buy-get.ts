import { compileSelector, selectorKeys } from '../../catalog/selector.js'
import { strictObject } from '../../codec/object.js'
import { PositiveCount } from '../../codec/primitive.js'
import { PercentCodec } from '../../money/money.codec.js'
import type { UnitsOf } from '../campaign.codec.js'
import { consume, discountUnits, freeUnits, percentage, type RewardFn, type UnitRef } from '../context.js'
import { SelectorCodec, UnitsOfCodec } from '../selector.codec.js'
import { rewardKind } from './kind.js'

/**
 * `{ "buyGet": { "buy": { "of": sel, "quantity": 2 }, "get": { "of": sel, "quantity": 1, "percent": 100 } } }`.
 *
 * Free units that either side selects are sorted highest value first. Each group takes the first
 * `buy` units the buy side selects, then the next `get` units the get side selects (discountable
 * only); with the same selector on both sides (the usual "3 for 2") that is consecutive groups of
 * buy + get with the cheapest `get` rewarded, and an item can be both trigger and target. The
 * percentage (default 100) is taken once on all rewarded units, half-up, so rounding never
 * compounds with quantity. Every unit of a group is consumed.
 */
export const buyGet = (spec: {
  readonly buy: UnitsOf
  readonly get: UnitsOf & { readonly percent?: number }
}): RewardFn => {
  const buys = compileSelector(spec.buy.of)
  const gets = compileSelector(spec.get.of)
  const pct = percentage(spec.get.percent ?? 100)
  return (ctx, state, effects, perBasket) => {
    const isGet = (i: number) => ctx.discountable[i] === true && gets(ctx.lines[i]!)
    const units = freeUnits(ctx, state, (i) => buys(ctx.lines[i]!) || isGet(i))
    const used = new Uint8Array(units.length)
    const rewarded: UnitRef[] = []
    const consumed: UnitRef[] = []
    let groups = 0
    const isBuy = (i: number) => buys(ctx.lines[i]!)
    // Takes the first n free units `ok` accepts; among units of equal value, those the other side
    // cannot use first, so that they stay for it (the customer's better deal, whatever the scan order).
    const take = (n: number, ok: (line: number) => boolean, other: (line: number) => boolean): number[] | undefined => {
      const picked: number[] = []
      for (let k = 0; k < units.length && picked.length < n; k++) {
        if (used[k] !== 0 || !ok(units[k]!.line)) continue
        let pick = k
        if (other(units[k]!.line)) {
          const value = units[k]!.value
          for (let j = k + 1; j < units.length && units[j]!.value === value; j++) {
            if (used[j] === 0 && ok(units[j]!.line) && !other(units[j]!.line)) {
              pick = j
              break
            }
          }
        }
        used[pick] = 2
        picked.push(pick)
        if (pick !== k) k--
      }
      for (const k of picked) used[k] = 0
      return picked.length === n ? picked : undefined
    }
    while (groups < perBasket) {
      const b = take(spec.buy.quantity, isBuy, isGet)
      if (b === undefined) break
      for (const k of b) used[k] = 1
      const g = take(spec.get.quantity, isGet, isBuy)
      if (g === undefined) {
        for (const k of b) used[k] = 0
        break
      }
      for (const k of g) used[k] = 1
      for (const k of b) consumed.push(units[k]!)
      for (const k of g) {
        consumed.push(units[k]!)
        rewarded.push(units[k]!)
      }
      groups++
    }
    consume(state, consumed)
    const base = rewarded.reduce((s, u) => s + u.value, 0)
    discountUnits(state, effects, rewarded, pct(base))
    const size = spec.buy.quantity + spec.get.quantity
    const left = units.length - consumed.length
    if (groups < perBasket && left === size - 1) effects.unitsMissing = 1
    if (groups === 0) effects.failure = { code: 'NOT_ENOUGH_UNITS', required: size, actual: units.length }
  }
}

/** The `buyGet` kind. */
export const buyGetKind = rewardKind({
  key: 'buyGet',
  codec: () =>
    strictObject('BuyGet', {
      buy: UnitsOfCodec,
      get: strictObject('GetUnits', { of: SelectorCodec, quantity: PositiveCount }, { percent: PercentCodec }),
    }),
  compile: buyGet,
  keys: (spec) => selectorKeys(spec.get.of),
  selectors: (spec) => [spec.buy.of, spec.get.of],
  consumes: (spec) => [spec.buy.of, spec.get.of],
  givesDiscount: () => true,
  monotone: () => false,
  givesZero: (spec) => spec.get.percent === 0,
})

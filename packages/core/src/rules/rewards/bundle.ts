import * as t from 'io-ts'
import { compileSelector, selectorKeys } from '../../catalog/selector.js'
import { fieldError, strictObject } from '../../codec/object.js'
import { MinorUnitsCodec } from '../../money/money.codec.js'
import type { UnitsOf } from '../campaign.codec.js'
import { consume, discountUnits, freeUnits, type RewardFn, type UnitRef } from '../context.js'
import { UnitsOfCodec } from '../selector.codec.js'
import { narrowestKeys, rewardKind } from './kind.js'

/**
 * `{ "bundle": { "items": [{ "of": sel, "quantity": 1 }, …], "price": 500 } }`: a meal deal. Each
 * bundle fills its items in order from the most valuable free discountable units; it costs `price`
 * and its saving is allocated over its units. Repeated while the units allow (and `perBasket`).
 */
export const bundle = (spec: { readonly items: readonly UnitsOf[]; readonly price: number }): RewardFn => {
  const items = spec.items.map((item) => ({ match: compileSelector(item.of), quantity: item.quantity }))
  return (ctx, state, effects, perBasket) => {
    const units = freeUnits(
      ctx,
      state,
      (i) => ctx.discountable[i] === true && items.some((it) => it.match(ctx.lines[i]!)),
    )
    // Which items each unit can fill, matched once per line, not once per unit and bundle.
    const fits = items.map(() => new Uint8Array(units.length))
    for (let k = 0, line = -1; k < units.length; k++) {
      if (units[k]!.line === line) {
        for (const f of fits) f[k] = f[k - 1]!
        continue
      }
      line = units[k]!.line
      for (let j = 0; j < items.length; j++) fits[j]![k] = items[j]!.match(ctx.lines[line]!) ? 1 : 0
    }
    // 0 free, 1 in an earlier bundle, 2 picked for the bundle being filled.
    const used = new Uint8Array(units.length)
    // Per item, where its search resumes: every unit before it is used or does not fit the item,
    // so filling bundle after bundle is one pass over the units, not one pass per bundle.
    const from = items.map(() => 0)
    const bundles: UnitRef[][] = []
    let shortOf = 0
    while (bundles.length < perBasket) {
      const picked: number[] = []
      let complete = true
      for (let j = 0; j < items.length; j++) {
        const item = items[j]!
        const fit = fits[j]!
        let n = 0
        let k = from[j]!
        for (; k < units.length && n < item.quantity; k++) {
          if (used[k] === 0 && fit[k] === 1) {
            used[k] = 2
            picked.push(k)
            n++
          }
        }
        from[j] = k
        if (n < item.quantity) {
          complete = false
          shortOf += item.quantity - n
        }
      }
      if (!complete) break
      const group = picked.map((k) => units[k]!)
      if (group.reduce((s, u) => s + u.value, 0) <= spec.price) break
      for (const k of picked) used[k] = 1
      bundles.push(group)
    }
    for (const group of bundles) {
      consume(state, group)
      discountUnits(state, effects, group, group.reduce((s, u) => s + u.value, 0) - spec.price)
    }
    if (bundles.length < perBasket && shortOf === 1) effects.unitsMissing = 1
    if (bundles.length === 0) {
      const size = spec.items.reduce((s, i) => s + i.quantity, 0)
      effects.failure =
        shortOf > 0
          ? { code: 'NOT_ENOUGH_UNITS', required: size, actual: size - shortOf }
          : { code: 'NO_SAVING', required: spec.price, message: 'the items cost less than the bundle price' }
    }
  }
}

/** The `bundle` kind. */
export const bundleKind = rewardKind({
  key: 'bundle',
  codec: () =>
    strictObject(
      'Bundle',
      { items: t.readonlyArray(UnitsOfCodec), price: MinorUnitsCodec },
      {},
      {
        check: (b, c) =>
          (b.items as readonly unknown[]).length === 0
            ? [fieldError(c, ['items'], b.items, 'needs at least one item')]
            : [],
      },
    ),
  compile: bundle,
  keys: (spec) => narrowestKeys(spec.items.map((i) => selectorKeys(i.of))),
  selectors: (spec) => spec.items.map((i) => i.of),
  consumes: (spec) => spec.items.map((i) => i.of),
  givesDiscount: () => true,
  monotone: () => false,
  givesZero: () => false,
})

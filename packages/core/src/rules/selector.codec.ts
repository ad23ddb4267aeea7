import * as t from 'io-ts'
import { strictObject } from '../codec/object.js'
import { NonEmptyString, PositiveCount, primitive } from '../codec/primitive.js'
import { hasAtMostTwoDecimals } from '../money/percent.js'
import { type KeyedUnionCodec, keyedUnion } from './keyed.js'

// The codecs every condition and reward kind shares: selectors, multipliers, units of a selection.
// Apart from campaign.codec.ts so that the kinds' own files can build their codecs from them.

const Strings = t.readonlyArray(NonEmptyString)

/**
 * Which lines a condition or reward concerns. `"*"` is every line; `category` matches the category
 * or any category under it (`grocery` matches `grocery/spreads`).
 * @category rules
 */
export type Selector =
  | '*'
  | { readonly sku: readonly string[] }
  | { readonly category: readonly string[] }
  | { readonly brand: readonly string[] }
  | { readonly tag: readonly string[] }
  | { readonly all: readonly Selector[] }
  | { readonly any: readonly Selector[] }
  | { readonly not: Selector }

/** The selector codec. @category codecs */
export const SelectorCodec: t.Type<Selector, Selector, unknown> = keyedUnion<Selector>(
  'Selector',
  'selector',
  () => ({
    sku: Strings,
    category: Strings,
    brand: Strings,
    tag: Strings,
    all: t.readonlyArray(SelectorCodec),
    any: t.readonlyArray(SelectorCodec),
    not: SelectorCodec,
  }),
  ['*'],
  'Which lines: {"sku"|"category"|"brand"|"tag": [..]}, {"all"|"any": [selector..]}, {"not": selector} or "*".',
)

/** A selector, or `"basket"` for the whole basket. @category codecs */
export const SelectorOrBasketCodec = keyedUnion<Selector | 'basket'>(
  'SelectorOrBasket',
  'selector',
  () => (SelectorCodec as KeyedUnionCodec<Selector>).cases(),
  ['*', 'basket'],
  'A selector, or "basket" for the whole basket.',
)

/** A multiplier > 0 with at most 2 decimals (1.5 means ×1.5), computed exactly. @category codecs */
export const MultiplierCodec = primitive<number>(
  'Multiplier',
  (u) =>
    typeof u === 'number' && Number.isFinite(u) && u > 0 && u <= 100 && hasAtMostTwoDecimals(u)
      ? undefined
      : 'must be a multiplier > 0 and ≤ 100 with at most 2 decimals (e.g. 1.5)',
  { type: 'number', exclusiveMinimum: 0, maximum: 100, multipleOf: 0.01 },
)

/** Some units of the lines a selector picks. @category codecs */
export const UnitsOfCodec = strictObject('UnitsOf', { of: SelectorCodec, quantity: PositiveCount })

import type * as t from 'io-ts'
import type { SelectorKeys } from '../../catalog/selector.js'
import type { RewardFn } from '../context.js'
import type { Selector } from '../selector.codec.js'

// What one kind of reward is, all in its own file: the registry (./index.ts) builds the reward
// codec, the compiler's tables and the lint from these.

/**
 * Everything about one kind of reward. `S` is its spec as decoded (`t.TypeOf` of its codec).
 * @category rules
 */
export interface RewardKind<K extends string = string, S = never> {
  /** The DSL key: `{ "<key>": spec }`. */
  readonly key: K
  /** The codec of the spec (a thunk, so kinds may refer to the reward codec itself). */
  readonly codec: () => t.Type<S, unknown, unknown>
  /** Compiles a spec into the reward function the evaluator runs. */
  readonly compile: (spec: S) => RewardFn
  /** Keys a basket line must carry for the reward to give anything (undefined: no line needed). */
  readonly keys: (spec: S) => SelectorKeys | undefined
  /** Every selector of the spec (lint: unsatisfiable ones). */
  readonly selectors: (spec: S) => readonly Selector[]
  /** The selectors of the units it consumes (buy X get Y, fixed price, bundle): where it competes for units. */
  readonly consumes: (spec: S) => readonly Selector[]
  /** Whether it gives a discount (then it stacks and takes part in the best deal). */
  readonly givesDiscount: (spec: S) => boolean
  /** Whether it never gives less when the basket gains a line (nudges towards it are cheap to check). */
  readonly monotone: (spec: S) => boolean
  /** Whether it gives nothing whatever the basket (lint: ZERO_REWARD). */
  readonly givesZero: (spec: S) => boolean
}

/** A reward kind whose spec type is its codec's. @category rules */
export const rewardKind = <K extends string, C extends t.Any>(
  kind: { readonly key: K; readonly codec: () => C } & Omit<RewardKind<K, t.TypeOf<C>>, 'key' | 'codec'>,
): RewardKind<K, t.TypeOf<C>> => kind as RewardKind<K, t.TypeOf<C>>

/** The defaults of a kind that gives a discount on lines and consumes no units. */
export const noUnits = { consumes: () => [] as readonly Selector[], givesDiscount: () => true, monotone: () => true }

/** A spec as the wire contract spells it: branded numbers (minor units, points) as plain numbers. */
export type Plain<T> = T extends Selector
  ? T
  : T extends number
    ? number
    : T extends string
      ? T
      : T extends readonly (infer U)[]
        ? readonly Plain<U>[]
        : T extends object
          ? { readonly [P in keyof T]: Plain<T[P]> }
          : T

/** The narrowest of several key sets (the fewest keys): enough for an index, as every part must match. */
export const narrowestKeys = (sets: readonly (SelectorKeys | undefined)[]): SelectorKeys | undefined => {
  let best: SelectorKeys | undefined
  const size = (k: SelectorKeys) => k.sku.length + k.category.length + k.brand.length + k.tag.length
  for (const k of sets) if (k !== undefined && (best === undefined || size(k) < size(best))) best = k
  return best
}

import * as t from 'io-ts'
import { type SelectorKeys, unionKeys } from '../../catalog/selector.js'
import type { RewardFn } from '../context.js'
import { type KeyedUnionCodec, keyedUnion } from '../keyed.js'
import type { Selector } from '../selector.codec.js'
import { amountOffKind } from './amount-off.js'
import { bundleKind } from './bundle.js'
import { buyGetKind } from './buy-get.js'
import { fixedPriceKind } from './fixed-price.js'
import { freeItemKind } from './free-item.js'
import { issueCouponKind } from './issue-coupon.js'
import type { Plain, RewardKind } from './kind.js'
import { percentOffKind } from './percent-off.js'
import { percentOffItemKind } from './percent-off-item.js'
import { pointsKind } from './points.js'
import { tieredPercentOffKind } from './tiered-percent-off.js'

// The registry of rewards: one small file each (./<kind>.ts exports everything about its kind).
// The reward codec, the compiler's tables and the lint are built from this list; adding a kind is
// its file, its test, the docs, and its line here.

/** Every reward kind but `all`, in the order the docs list them. @category rules */
export const REWARD_KINDS = [
  percentOffKind,
  amountOffKind,
  fixedPriceKind,
  buyGetKind,
  bundleKind,
  tieredPercentOffKind,
  freeItemKind,
  pointsKind,
  issueCouponKind,
  percentOffItemKind,
] as const

type Kinds = (typeof REWARD_KINDS)[number]

/** The spec of a reward kind, as the wire contract spells it. */
type SpecOf<K> = K extends RewardKind<string, infer S> ? Plain<S> : never

/**
 * What a campaign gives: one of the registry's kinds (`{ "<key>": spec }`), or several in order
 * (`{ "all": [reward, …] }`).
 * @category rules
 */
export type Reward =
  | { [K in Kinds as K['key']]: { readonly [P in K['key']]: SpecOf<K> } }[Kinds['key']]
  | { readonly all: readonly Reward[] }

/** The spec of one kind of reward by its key. @category rules */
export type RewardSpec<K extends Kinds['key']> = SpecOf<Extract<Kinds, { readonly key: K }>>

const BY_KEY: ReadonlyMap<string, RewardKind<string, unknown>> = new Map(
  REWARD_KINDS.map((k) => [k.key, k as unknown as RewardKind<string, unknown>]),
)

/** The reward codec, built from the registry. @category codecs */
export const RewardCodec: KeyedUnionCodec<Reward> = keyedUnion<Reward>(
  'Reward',
  'reward',
  () => {
    const cases: Record<string, t.Any> = {}
    for (const k of REWARD_KINDS) cases[k.key] = k.codec()
    cases.all = ALL_CODEC()
    return cases
  },
  [],
  'What a campaign gives.',
)

// `all` refers to the reward codec itself, so it is made on first use.
let allCodec: t.Any | undefined
const ALL_CODEC = (): t.Any => {
  allCodec ??= t.readonlyArray(RewardCodec)
  return allCodec
}

/** What one reward is, whichever its kind (or `all`): a kind and its spec. */
const dispatch = <A>(
  reward: Reward,
  onKind: (kind: RewardKind<string, unknown>, spec: unknown) => A,
  onAll: (parts: readonly Reward[]) => A,
): A => {
  if ('all' in reward) return onAll(reward.all)
  const key = Object.keys(reward)[0] as string
  return onKind(BY_KEY.get(key) as RewardKind<string, unknown>, (reward as Record<string, unknown>)[key])
}

/** Compiles a reward. `{ "all": [...] }` runs its parts in order; it fails only when every part gave nothing. */
export function compileReward(reward: Reward): RewardFn {
  return dispatch(
    reward,
    (kind, spec) => kind.compile(spec),
    (parts) => {
      const fns = parts.map(compileReward)
      return (ctx, state, effects, perBasket) => {
        let failure: typeof effects.failure
        let gave = false
        for (const fn of fns) {
          const before = effects.discount + effects.gifts.length + effects.coupons.length + effects.points.length
          effects.failure = undefined
          fn(ctx, state, effects, perBasket)
          if (effects.discount + effects.gifts.length + effects.coupons.length + effects.points.length > before)
            gave = true
          failure ??= effects.failure
        }
        effects.failure = gave ? undefined : failure
      }
    },
  )
}

/** Whether a reward gives a discount (points, gifts and coupons alone do not). */
export const givesDiscount = (reward: Reward): boolean =>
  dispatch(
    reward,
    (k, s) => k.givesDiscount(s),
    (parts) => parts.some(givesDiscount),
  )

/** The selectors of the units a reward consumes (buy X get Y, fixed price, bundle): where it can compete with another. */
export const consumedSelectors = (reward: Reward): Selector[] =>
  dispatch(
    reward,
    (k, s) => [...k.consumes(s)],
    (parts) => parts.flatMap(consumedSelectors),
  )

/** Whether a reward never gives less when the basket gains a line. */
export const isMonotone = (reward: Reward): boolean =>
  dispatch(
    reward,
    (k, s) => k.monotone(s),
    (parts) => parts.every(isMonotone),
  )

/** Keys a line must carry for a reward to give anything, or undefined (basket-wide, points, gifts…). */
export const rewardKeys = (reward: Reward): SelectorKeys | undefined =>
  dispatch(
    reward,
    (k, s) => k.keys(s),
    (parts) => {
      const sets = parts.map(rewardKeys)
      return sets.length === 0 || sets.some((x) => x === undefined) ? undefined : unionKeys(sets as SelectorKeys[])
    },
  )

/** Every selector of a reward (for the lint). */
export const rewardSelectors = (reward: Reward): Selector[] =>
  dispatch(
    reward,
    (k, s) => [...k.selectors(s)],
    (parts) => parts.flatMap(rewardSelectors),
  )

/** Whether a reward gives nothing whatever the basket (0 %, 0 amount, 0 points). */
export const givesZero = (reward: Reward): boolean =>
  dispatch(
    reward,
    (k, s) => k.givesZero(s),
    (parts) => parts.every(givesZero),
  )

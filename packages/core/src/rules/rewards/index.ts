import type { Reward, Selector } from '../campaign.codec.js'
import type { RewardFn } from '../context.js'
import { amountOff } from './amount-off.js'
import { bundle } from './bundle.js'
import { buyGet } from './buy-get.js'
import { fixedPrice } from './fixed-price.js'
import { freeItem } from './free-item.js'
import { issueCoupon } from './issue-coupon.js'
import { percentOff } from './percent-off.js'
import { points } from './points.js'
import { tieredPercentOff } from './tiered-percent-off.js'

/** The registry of rewards, keyed by their DSL name: one small file each. */
export const REWARDS: Readonly<Record<string, (spec: never) => RewardFn>> = {
  percentOff,
  amountOff,
  fixedPrice,
  buyGet,
  bundle,
  tieredPercentOff,
  freeItem,
  points,
  issueCoupon,
  /** `{ "all": [reward, …] }`: several rewards, in order; it fails only when every part gave nothing. */
  all: (parts: readonly Reward[]): RewardFn => {
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
}

/** Compiles a reward. */
export function compileReward(reward: Reward): RewardFn {
  const key = Object.keys(reward)[0] as string
  return (REWARDS[key] as (spec: unknown) => RewardFn)((reward as Record<string, unknown>)[key])
}

/** The discount-giving rewards: those that take part in stacking and the best-deal choice. */
export const DISCOUNT_REWARDS: ReadonlySet<string> = new Set([
  'percentOff',
  'amountOff',
  'fixedPrice',
  'buyGet',
  'bundle',
  'tieredPercentOff',
])

/** Whether a reward gives a discount (points, gifts and coupons alone do not). */
export const givesDiscount = (reward: Reward): boolean =>
  'all' in reward ? reward.all.some(givesDiscount) : DISCOUNT_REWARDS.has(Object.keys(reward)[0] as string)

/** The selectors of the units a reward consumes (buy X get Y, fixed price, bundle): where it can compete with another. */
export const consumedSelectors = (reward: Reward): Selector[] => {
  if ('all' in reward) return reward.all.flatMap(consumedSelectors)
  if ('buyGet' in reward) return [reward.buyGet.buy.of, reward.buyGet.get.of]
  if ('fixedPrice' in reward) return [reward.fixedPrice.of]
  if ('bundle' in reward) return reward.bundle.items.map((i) => i.of)
  return []
}

/**
 * Rewards that never give less when the basket gains a line (percentages and amounts off, points,
 * gifts, coupons): a nudge towards one is true when it gives something now.
 */
const MONOTONE: ReadonlySet<string> = new Set([
  'percentOff',
  'amountOff',
  'tieredPercentOff',
  'points',
  'freeItem',
  'issueCoupon',
])

/** Whether a reward never gives less when the basket gains a line (see `MONOTONE`). */
export const isMonotone = (reward: Reward): boolean =>
  'all' in reward ? reward.all.every(isMonotone) : MONOTONE.has(Object.keys(reward)[0] as string)

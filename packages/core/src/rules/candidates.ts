import type { Basket } from '../basket/basket.codec.js'
import { categoryAncestors as lookupCategories } from '../catalog/selector.js'
import type { BasketContext, Check, CustomerFn, State } from './context.js'
import type { Engine, Entry, Scratch } from './engine.js'
import type { Reason } from './evaluation.codec.js'
import { inHoldout } from './holdout.js'
import type { NudgeContext } from './nudges.js'
import { checkValidity, type LocalTime, localTime } from './validity.js'

// The campaigns that concern a basket, and what does not depend on other campaigns: time, card,
// customer, code, limits, budget.

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * What a store knows of one campaign's usage, so limits and budgets are judged without a store.
 * `customerRedemptions` counts this customer's redemptions in the current period of the campaign's
 * `perCustomer` limit (the caller picks the period's window).
 * @category rules
 */
export interface CampaignUsage {
  readonly redemptions?: number
  readonly customerRedemptions?: number
  readonly discountSpent?: number
  readonly pointsSpent?: number
}

/** Usage of campaigns by id, as of the evaluation. @category rules */
export interface UsageSnapshot {
  readonly campaigns?: Readonly<Record<string, CampaignUsage>>
}

// ---------------------------------------------------------------------------------------------
// candidates and static checks
// ---------------------------------------------------------------------------------------------

/** Marks the ranks of a list in the scratch bit sets; returns how many were not marked yet. */
const mark = (s: Scratch, list: readonly number[] | undefined): number => {
  if (list === undefined) return 0
  const { bits, summary } = s
  let added = 0
  for (let k = 0; k < list.length; k++) {
    const rank = list[k] as number
    const word = rank >>> 5
    const bit = 1 << (rank & 31)
    const w = bits[word] as number
    if ((w & bit) === 0) {
      if (w === 0) summary[word >>> 5] = (summary[word >>> 5] as number) | (1 << (word & 31))
      bits[word] = w | bit
      added++
    }
  }
  return added
}

/**
 * The campaigns that concern the basket, as ranks in application order (ascending) in the first
 * slots of `s.ranks` (the count is returned), found through
 * the indexes. The work is proportional to the basket and its candidates (plus a step per 1,024
 * campaigns), never to the number of campaigns: ranks are marked in a bit set and read back in
 * order through its summary of non-zero words, which also clears it. Each candidate's position is
 * recorded in `s.position`.
 */
export const candidatesOf = (engine: Engine, basket: Basket, s: Scratch): number => {
  let count = mark(s, engine.always)
  if (basket.codes !== undefined) {
    for (const code of basket.codes) {
      count += mark(s, engine.byPool.get(code))
      const dash = code.indexOf('-')
      if (dash > 0) count += mark(s, engine.byPool.get(code.slice(0, dash)))
    }
  }
  for (const line of basket.lines) {
    count += mark(s, engine.bySku.get(line.sku))
    if (line.brand !== undefined) count += mark(s, engine.byBrand.get(line.brand))
    if (line.tags !== undefined) for (const tag of line.tags) count += mark(s, engine.byTag.get(tag))
    for (const category of line.categories) {
      if (category.indexOf('/') === -1) count += mark(s, engine.byCategory.get(category))
      else for (const c of lookupCategories(category)) count += mark(s, engine.byCategory.get(c))
    }
  }
  const { bits, summary, position, ranks } = s
  let k = 0
  for (let si = 0; si < summary.length && k < count; si++) {
    let sw = summary[si] as number
    if (sw === 0) continue
    summary[si] = 0
    while (sw !== 0) {
      const low = sw & -sw
      sw ^= low
      const word = (si << 5) | (31 - Math.clz32(low))
      let w = bits[word] as number
      bits[word] = 0
      while (w !== 0) {
        const bit = w & -w
        w ^= bit
        const rank = (word << 5) | (31 - Math.clz32(bit))
        position[rank] = k
        ranks[k++] = rank
      }
    }
  }
  return count
}

export interface Judge {
  readonly ctx: BasketContext
  readonly customerKey: string | undefined
  readonly usage: UsageSnapshot | undefined
  readonly localTimes: Map<string, LocalTime>
  /** Verdicts of shared customer conditions, judged once per evaluation. */
  readonly customerVerdicts: Map<CustomerFn, { readonly zone: string | undefined; readonly check: Check }>
  /** The reason of customer conditions when the basket has no customer, made on first use. */
  noCustomer: Reason | undefined
  /** The last customer verdict asked for. */
  lastVerdict: { readonly fn: CustomerFn; readonly zone: string | undefined; readonly check: Check } | undefined
  /** The discounts per line of the fixed amounts applied so far, in order (they would not grow with the basket). */
  readonly fixed: (readonly number[])[]
  /** The discount campaigns that ran so far in the sequence, in order. */
  readonly ran: Entry[]
  /**
   * The evaluation's state (set when the sequence starts; final once it ends), and what each reward
   * that ran in the sequence did to it, in order: its discount per line, and for a reward that
   * consumes units, the units consumed before it. A nudge offered at step `s` is checked on the state
   * as it was then, rebuilt from the final state and the steps from `s` on (see `stateAt`), so an
   * offer copies nothing.
   */
  state: State | undefined
  readonly steps: {
    readonly perLine: readonly number[] | undefined
    readonly consumedBefore: readonly number[] | undefined
  }[]
  /** The states rebuilt so far, by step (nudge checks of one step share one); made by the first check. */
  states: Map<number, State> | undefined
  /** Set when the best deal weighed conflicting campaigns: confirms a nudge on the grown basket. */
  confirm: NudgeContext['confirm']
  /** The campaigns an added item would bring in (see {@link NudgeContext.newcomers}). */
  newcomers: NudgeContext['newcomers']
  /** The campaigns that may read an added item (see {@link NudgeContext.readers}). */
  readers: NudgeContext['readers']
}

const localFor = (judge: Judge, zone: string | undefined): LocalTime => {
  const key = zone ?? ''
  let local = judge.localTimes.get(key)
  if (local === undefined) {
    local = localTime(judge.ctx.basket.at, zone)
    judge.localTimes.set(key, local)
  }
  return local
}

/** Everything that does not depend on other campaigns: time, card, customer, code, limits, budget. */
export const staticCheck = (judge: Judge, entry: Entry): Reason | undefined => {
  const { ctx } = judge
  const v = entry.validity
  // Inside the window, without days or hours, there is nothing more to ask (the usual case).
  const now = ctx.nowMs
  if (now < entry.fromMs || now >= entry.untilMs || entry.needsLocalTime) {
    const timeReason = checkValidity(v, now, entry.needsLocalTime ? localFor(judge, v.timeZone) : undefined)
    if (timeReason !== undefined) return timeReason
  }
  if (entry.cardRequired && judge.customerKey === undefined) {
    return {
      code: 'CARD_REQUIRED',
      ...(entry.limits?.perCustomer !== undefined && entry.campaign.eligibility?.cardRequired !== true
        ? { message: 'a per-customer limit needs an identified customer' }
        : {}),
    }
  }
  if (entry.customer !== undefined) {
    // One reason per evaluation, shared like the verdicts below (200 campaigns may ask).
    if (ctx.customer === undefined) {
      judge.noCustomer ??= { code: 'CUSTOMER_CONDITION', message: 'no identified customer' }
      return judge.noCustomer
    }
    // Shared conditions are judged once per zone (the zone matters to birthdays only); the last
    // verdict is kept at hand, as campaigns sharing a condition often come in a row.
    const last = judge.lastVerdict
    let r: Check
    if (last !== undefined && last.fn === entry.customer && last.zone === v.timeZone) r = last.check
    else {
      const memo = judge.customerVerdicts.get(entry.customer)
      if (memo !== undefined && memo.zone === v.timeZone) r = memo.check
      else {
        r = entry.customer(ctx.customer, ctx, localFor(judge, v.timeZone))
        judge.customerVerdicts.set(entry.customer, { zone: v.timeZone, check: r })
      }
      judge.lastVerdict = { fn: entry.customer, zone: v.timeZone, check: r }
    }
    if (!r.ok) return r.reason
  }
  if (entry.codePool !== undefined) {
    const pool = entry.codePool
    if (!ctx.codes.some((c) => c === pool || (c.startsWith(pool) && c[pool.length] === '-'))) {
      return { code: 'CODE_REQUIRED', required: pool, actual: [...ctx.codes] }
    }
  }
  const limits = entry.limits
  if (limits !== undefined) {
    const used = judge.usage?.campaigns?.[entry.id]
    if (limits.total !== undefined && (used?.redemptions ?? 0) >= limits.total) {
      return { code: 'LIMIT_REACHED', by: 'total', required: limits.total, actual: used?.redemptions ?? 0 }
    }
    if (limits.perCustomer !== undefined && (used?.customerRedemptions ?? 0) >= limits.perCustomer.count) {
      return {
        code: 'LIMIT_REACHED',
        by: 'perCustomer',
        required: limits.perCustomer.count,
        actual: used?.customerRedemptions ?? 0,
        message: `per ${limits.perCustomer.period}`,
      }
    }
    const b = limits.budget
    if (b?.discount !== undefined && entry.givesDiscount && (used?.discountSpent ?? 0) >= b.discount) {
      return { code: 'BUDGET_EXHAUSTED', by: 'discount', required: b.discount, actual: used?.discountSpent ?? 0 }
    }
    if (b?.points !== undefined && !entry.givesDiscount && (used?.pointsSpent ?? 0) >= b.points) {
      return { code: 'BUDGET_EXHAUSTED', by: 'points', required: b.points, actual: used?.pointsSpent ?? 0 }
    }
  }
  return undefined
}

/** Whether the customer is in the campaign's control group. */
export const heldOut = (entry: Entry, customerKey: string | undefined): boolean => {
  const share = entry.holdoutShare
  return share !== undefined && customerKey !== undefined && inHoldout(entry.id, customerKey, share)
}

import { categoryAncestors, isSatisfiable, type SelectorKeys, selectorKeys, unionKeys } from '../catalog/selector.js'
import { epochMs } from '../time/time.codec.js'
import { isKnownTimeZone } from '../time/zone.js'
import type { Campaign, Condition, CustomerCondition, Reward, Selector } from './campaign.codec.js'
import { compileCustomerCondition } from './conditions/customer.js'
import { compileCondition } from './conditions/index.js'
import { type ConditionFn, type CustomerFn, selection } from './context.js'
import { type CompiledEngine, type Engine, type Entry, newScratch } from './engine.js'
import {
  compileReward,
  consumedSelectors,
  givesDiscount,
  givesZero,
  isMonotone,
  rewardKeys,
  rewardSelectors,
} from './rewards/index.js'
import { compileValidity, needsLocalTime } from './validity.js'

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * Static problems `compile` finds in a campaign list, for `tessera lint`:
 * @category rules
 */
export const LINT_CODES = {
  DUPLICATE_ID: 'two campaigns share an id; the later one is ignored',
  ENDED: 'the campaign ended before `options.now` (only checked when `now` is given)',
  NOT_ACTIVE: 'the campaign is not `active` (draft, paused or ended) and will not evaluate',
  UNSATISFIABLE_REWARD_SELECTOR:
    'a reward selector can match no line (empty list, `not "*"`, an `all` of different SKUs or brands)',
  UNSATISFIABLE_TRIGGER_SELECTOR: 'a trigger selector can match no line, so the campaign never triggers',
  SHADOWED_BY_EXCLUSIVE:
    'an unconditional exclusive percentage off every line is at least as good, and no other campaign can stack with this one, so it can never win the best deal',
  MAY_BE_SHADOWED_BY_EXCLUSIVE:
    'an unconditional exclusive percentage off every line beats this campaign alone; it applies only where it stacks with others into a bigger discount (a hint)',
  ZERO_REWARD: 'the reward gives nothing (0 %, 0 amount, 0 points)',
  UNKNOWN_TIME_ZONE: 'the store time zone given to compile is not an IANA zone; basket offsets are used instead',
  INVALID_MAX_NUDGES: '`maxNudges` given to compile is not a whole number ≥ 0 nor `Infinity`; the default (5) is used',
} as const

/** A lint code. @category rules */
export type LintCode = keyof typeof LINT_CODES

/** A static problem of one campaign. @category rules */
export interface LintProblem {
  readonly campaignId: string
  readonly code: LintCode
  readonly message: string
}

/** Options of {@link compile}. @category rules */
export interface CompileOptions {
  /** The store's IANA time zone: the default zone of validity windows. Without it, the basket's offset. */
  readonly storeTimeZone?: string
  /** An instant to lint against (`ENDED`); evaluation never uses it (it takes `now` from the basket). */
  readonly now?: string
  /**
   * At most this many nudges per evaluation, the smallest missing steps first (ties: higher
   * priority, then id); only those get a formatted message. A whole number ≥ 0, or `Infinity` for
   * every nudge. Default {@link DEFAULT_MAX_NUDGES}.
   */
  readonly maxNudges?: number
}

/** The default of `CompileOptions.maxNudges`: nudges per evaluation. @category rules */
export const DEFAULT_MAX_NUDGES = 5

export type { CompiledEngine } from './engine.js'

/**
 * Campaigns compiled once for many evaluations: only `active` campaigns, in application order
 * (priority descending, then id), indexed by SKU, category (with its parents), brand and tag.
 * @category rules
 */
export interface Compiled {
  /** The active campaigns, in application order. */
  readonly campaigns: readonly Campaign[]
  /** Static problems found while compiling. */
  readonly problems: readonly LintProblem[]
  /** The indexes and compiled conditions and rewards. */
  readonly engine: CompiledEngine
  /** Whether a campaign judges the customer's lifecycle stage (evaluate then derives a missing one). */
  readonly readsLifecycle: boolean
}

const mentionsLifecycle = (c: CustomerCondition): boolean =>
  'lifecycle' in c ||
  ('all' in c && c.all.some(mentionsLifecycle)) ||
  ('any' in c && c.any.some(mentionsLifecycle)) ||
  ('not' in c && mentionsLifecycle(c.not))

// ---------------------------------------------------------------------------------------------
// index keys
// ---------------------------------------------------------------------------------------------

const narrowest = (sets: readonly (SelectorKeys | undefined)[]): SelectorKeys | undefined => {
  let best: SelectorKeys | undefined
  const size = (k: SelectorKeys) => k.sku.length + k.category.length + k.brand.length + k.tag.length
  for (const k of sets) if (k !== undefined && (best === undefined || size(k) < size(best))) best = k
  return best
}

const unionOrNone = (sets: readonly (SelectorKeys | undefined)[]): SelectorKeys | undefined =>
  sets.length === 0 || sets.some((k) => k === undefined) ? undefined : unionKeys(sets as SelectorKeys[])

/** Keys a line must carry for a condition to pass, or undefined when the condition does not need one. */
const conditionKeys = (c: Condition): SelectorKeys | undefined => {
  if ('all' in c) return narrowest(c.all.map(conditionKeys))
  if ('any' in c) return unionOrNone(c.any.map(conditionKeys))
  if ('quantity' in c) return selectorKeys(c.quantity.of)
  if ('measure' in c) return selectorKeys(c.measure.of)
  if ('distinct' in c) return selectorKeys(c.distinct.of)
  if ('contains' in c) return selectorKeys(c.contains)
  if ('spend' in c) return c.spend.of === undefined || c.spend.atLeast === 0 ? undefined : selectorKeys(c.spend.of)
  return undefined
}

/** Keys of the lines a condition may read: null when it reads none, undefined when it may read any. */
const readKeys = (c: Condition): SelectorKeys | null | undefined => {
  if ('all' in c || 'any' in c || 'not' in c) {
    const parts = 'all' in c ? c.all : 'any' in c ? c.any : [c.not]
    let out: SelectorKeys | null = null
    for (const part of parts) {
      const k = readKeys(part)
      if (k === undefined) return undefined
      if (k !== null) out = out === null ? k : unionKeys([out, k])
    }
    return out
  }
  if ('spend' in c && c.spend.of === undefined) return undefined
  return conditionKeys(c) ?? ('channel' in c || 'store' in c || 'code' in c ? null : undefined)
}

/** Keys of the lines a campaign's trigger or reward may read (see `Engine.readers`). */
const readsOf = (c: Campaign): SelectorKeys | undefined => {
  const t = c.trigger === undefined ? null : readKeys(c.trigger)
  if (t === undefined || rewardKeys(c.reward) === undefined) return undefined
  const sets = rewardSelectors(c.reward).map(selectorKeys)
  if (t !== null) sets.push(t)
  return sets.some((k) => k === undefined) ? undefined : unionKeys(sets as SelectorKeys[])
}

const conditionPools = (c: Condition): string[] => {
  if ('all' in c) return c.all.flatMap(conditionPools)
  if ('any' in c) return c.any.flatMap(conditionPools)
  if ('not' in c) return []
  return 'code' in c ? [c.code] : []
}

/** The code pools a campaign asks for (its `code` block and `code` conditions). */
const pools = (c: Campaign): string[] => [
  ...(c.code === undefined ? [] : [c.code.pool]),
  ...(c.trigger === undefined ? [] : conditionPools(c.trigger)),
]

// ---------------------------------------------------------------------------------------------
// lint
// ---------------------------------------------------------------------------------------------

const triggerSelectors = (c: Condition): Selector[] => {
  if ('all' in c) return c.all.flatMap(triggerSelectors)
  if ('any' in c) return [] // one unsatisfiable branch of an `any` is harmless
  if ('quantity' in c) return [c.quantity.of]
  if ('measure' in c) return [c.measure.of]
  if ('distinct' in c) return [c.distinct.of]
  if ('contains' in c) return [c.contains]
  if ('spend' in c) return c.spend.of === undefined ? [] : [c.spend.of]
  return []
}

const unconditional = (c: Campaign) =>
  c.trigger === undefined &&
  c.eligibility === undefined &&
  (c.code === undefined || c.code.required === false) &&
  c.validity?.daysOfWeek === undefined &&
  c.validity?.hours === undefined &&
  c.limits === undefined &&
  c.holdout === undefined

/** The percent of an exclusive, unconditional, uncapped percentOff of every line, if the campaign is one. */
const blanketPercent = (c: Campaign): number | undefined =>
  c.stacking?.exclusive === true &&
  unconditional(c) &&
  'percentOff' in c.reward &&
  c.reward.percentOff.of === '*' &&
  c.reward.percentOff.cap === undefined &&
  c.reward.percentOff.maxUnits === undefined
    ? c.reward.percentOff.percent
    : undefined

const covers = (outer: Campaign, inner: Campaign) =>
  (outer.validity?.from === undefined ||
    (inner.validity?.from !== undefined && epochMs(outer.validity.from) <= epochMs(inner.validity.from))) &&
  (outer.validity?.until === undefined ||
    (inner.validity?.until !== undefined && epochMs(outer.validity.until) >= epochMs(inner.validity.until)))

const isValidZone = (zone: string) => isKnownTimeZone(zone)

// ---------------------------------------------------------------------------------------------
// compile
// ---------------------------------------------------------------------------------------------

/** Application order: priority descending, then id ascending (code-unit order, locale-free). */
export const byApplicationOrder = (a: Campaign, b: Campaign): number =>
  (b.stacking?.priority ?? 0) - (a.stacking?.priority ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const consuming = (reward: Reward) => {
  const selectors = consumedSelectors(reward)
  return selectors.length === 0 ? undefined : selectors.map(selection)
}

const push = (map: Map<string, number[]>, key: string, index: number) => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [index])
  else if (list[list.length - 1] !== index) list.push(index)
}

/**
 * Compiles campaigns once for many evaluations: keeps the `active` ones, sorts them in application
 * order, compiles their selectors, conditions and rewards, and indexes them by the SKU, category,
 * brand or tag a basket line must carry for them to concern it (campaigns that need none, such as
 * basket-wide spend, go in an "always" list). Also lints the list (`problems`). Pure; the input is
 * not mutated, and its order does not matter.
 * @category rules
 */
export const compile = (campaigns: readonly Campaign[], options: CompileOptions = {}): Compiled => {
  const problems: LintProblem[] = []
  const problem = (campaignId: string, code: LintCode, message: string) => problems.push({ campaignId, code, message })
  let zone = options.storeTimeZone
  if (zone !== undefined && !isValidZone(zone)) {
    problem('*', 'UNKNOWN_TIME_ZONE', `store time zone "${zone}" is not an IANA zone`)
    zone = undefined
  }
  let maxNudges = options.maxNudges ?? DEFAULT_MAX_NUDGES
  if (!(Number.isSafeInteger(maxNudges) && maxNudges >= 0) && maxNudges !== Number.POSITIVE_INFINITY) {
    problem('*', 'INVALID_MAX_NUDGES', `maxNudges ${maxNudges} is not a whole number ≥ 0 nor Infinity`)
    maxNudges = DEFAULT_MAX_NUDGES
  }
  const seen = new Set<string>()
  const kept: Campaign[] = []
  for (const c of [...campaigns].sort(byApplicationOrder)) {
    if (seen.has(c.id)) {
      problem(c.id, 'DUPLICATE_ID', `campaign id "${c.id}" appears more than once; one is ignored`)
      continue
    }
    seen.add(c.id)
    if (c.status !== 'active') {
      problem(c.id, 'NOT_ACTIVE', `status is "${c.status}"`)
      continue
    }
    kept.push(c)
  }
  const nowMs = options.now === undefined ? undefined : epochMs(options.now)
  const blankets = kept.map((c) => [c, blanketPercent(c)] as const).filter(([, p]) => p !== undefined)
  // Non-exclusive discount campaigns by stacking group (no group: ''), to tell what may stack with one.
  const stacking = new Map<string, number>()
  let stackingTotal = 0
  for (const c of kept) {
    if (c.stacking?.exclusive === true || !givesDiscount(c.reward)) continue
    const g = c.stacking?.group ?? ''
    stacking.set(g, (stacking.get(g) ?? 0) + 1)
    stackingTotal++
  }
  /** How many other non-exclusive discount campaigns could apply together with `c` (not of its group). */
  const stackers = (c: Campaign): number => {
    if (!givesDiscount(c.reward)) return stackingTotal
    const group = c.stacking?.group
    return group === undefined ? stackingTotal - 1 : stackingTotal - (stacking.get(group) ?? 0)
  }
  for (const c of kept) {
    if (nowMs !== undefined && c.validity?.until !== undefined && epochMs(c.validity.until) <= nowMs) {
      problem(c.id, 'ENDED', `ended at ${c.validity.until}`)
    }
    for (const s of rewardSelectors(c.reward)) {
      if (!isSatisfiable(s))
        problem(c.id, 'UNSATISFIABLE_REWARD_SELECTOR', `reward selector ${JSON.stringify(s)} matches no line`)
    }
    for (const s of c.trigger === undefined ? [] : triggerSelectors(c.trigger)) {
      if (!isSatisfiable(s)) {
        problem(c.id, 'UNSATISFIABLE_TRIGGER_SELECTOR', `trigger selector ${JSON.stringify(s)} matches no line`)
      }
    }
    if (givesZero(c.reward)) problem(c.id, 'ZERO_REWARD', 'the reward gives nothing')
    if ('percentOff' in c.reward && c.reward.percentOff.maxUnits === undefined) {
      const mine = c.reward.percentOff.percent
      const shadow = blankets.find(([b, p]) => b.id !== c.id && (p as number) >= mine && covers(b, c))
      if (shadow !== undefined) {
        // Alone, this campaign gives at most its percentage of part of the basket: never more than
        // the blanket (which also wins ties). Certain only when nothing can stack with it: any
        // other non-exclusive discount outside its group could add up to more than the blanket.
        const stackable = c.stacking?.exclusive !== true && stackers(c) > 0
        problem(
          c.id,
          stackable ? 'MAY_BE_SHADOWED_BY_EXCLUSIVE' : 'SHADOWED_BY_EXCLUSIVE',
          stackable
            ? `exclusive campaign "${shadow[0].id}" gives ${shadow[1]} % off every line whenever this one applies; this one wins only stacked with others`
            : `exclusive campaign "${shadow[0].id}" gives ${shadow[1]} % off every line whenever this one applies`,
        )
      }
    }
  }

  // Campaigns with the same customer condition share one compiled condition, so an evaluation judges
  // it once (200 "gold tier" campaigns ask one question).
  const customerConditions = new Map<string, CustomerFn>()
  const customerCondition = (c: CustomerCondition): CustomerFn => {
    const key = JSON.stringify(c)
    let fn = customerConditions.get(key)
    if (fn === undefined) {
      fn = compileCustomerCondition(c)
      customerConditions.set(key, fn)
    }
    return fn
  }
  // Campaigns with the same trigger share its function (a nudge checks it once for all of them).
  const triggers = new Map<string, ConditionFn>()
  const triggerOf = (c: Condition): ConditionFn => {
    const key = JSON.stringify(c)
    let fn = triggers.get(key)
    if (fn === undefined) {
      fn = compileCondition(c)
      triggers.set(key, fn)
    }
    return fn
  }
  const entries: Entry[] = []
  const always: number[] = []
  const bySku = new Map<string, number[]>()
  const byCategory = new Map<string, number[]>()
  const byBrand = new Map<string, number[]>()
  const byTag = new Map<string, number[]>()
  const byPool = new Map<string, number[]>()
  const readers = new Map<string, number[]>()
  for (const [rank, c] of kept.entries()) {
    const validity = compileValidity(c.validity, zone)
    entries.push({
      campaign: c,
      id: c.id,
      rank,
      label: c.labels?.receipt ?? c.name ?? c.id,
      exclusive: c.stacking?.exclusive === true,
      group: c.stacking?.group,
      validity,
      fromMs: validity.fromMs ?? Number.NEGATIVE_INFINITY,
      untilMs: validity.untilMs ?? Number.POSITIVE_INFINITY,
      needsLocalTime: needsLocalTime(validity),
      cardRequired: c.eligibility?.cardRequired === true || c.limits?.perCustomer !== undefined,
      customer: c.eligibility?.customer === undefined ? undefined : customerCondition(c.eligibility.customer),
      codePool: c.code !== undefined && c.code.required !== false ? c.code.pool : undefined,
      trigger: c.trigger === undefined ? undefined : triggerOf(c.trigger),
      threshold: c.trigger !== undefined && ('spend' in c.trigger || 'quantity' in c.trigger),
      reward: compileReward(c.reward),
      givesDiscount: givesDiscount(c.reward),
      consumes: consuming(c.reward),
      monotone: isMonotone(c.reward),
      fixedAmount: 'amountOff' in c.reward ? c.reward.amountOff.amount : undefined,
      perBasket: c.limits?.perBasket ?? Number.MAX_SAFE_INTEGER,
      limits: c.limits,
      holdoutShare: c.holdout?.share,
      nudgeLabel: c.labels?.nudge,
    })
    for (const pool of pools(c)) push(byPool, pool, rank)
    const reads = readsOf(c)
    if (reads === undefined) push(readers, '*', rank)
    else {
      for (const k of reads.sku) push(readers, `s:${k}`, rank)
      for (const k of reads.category) push(readers, `c:${k}`, rank)
      for (const k of reads.brand) push(readers, `b:${k}`, rank)
      for (const k of reads.tag) push(readers, `t:${k}`, rank)
    }
    const keys = (c.trigger === undefined ? undefined : conditionKeys(c.trigger)) ?? rewardKeys(c.reward)
    if (keys === undefined) {
      always.push(rank)
      continue
    }
    for (const k of keys.sku) push(bySku, k, rank)
    for (const k of keys.category) push(byCategory, k, rank)
    for (const k of keys.brand) push(byBrand, k, rank)
    for (const k of keys.tag) push(byTag, k, rank)
  }
  const engine: Engine = {
    size: entries.length,
    entries,
    always,
    bySku,
    byCategory,
    byBrand,
    byTag,
    readers,
    byPool,
    plain:
      kept.every((c) => c.stacking?.exclusive !== true && c.stacking?.group === undefined) &&
      entries.filter((e) => e.consumes !== undefined && e.givesDiscount).length <= 1,
    maxNudges,
    scratch: newScratch(entries.length),
  }
  const readsLifecycle = kept.some(
    (c) => c.eligibility?.customer !== undefined && mentionsLifecycle(c.eligibility.customer),
  )
  return { campaigns: kept, problems, engine, readsLifecycle }
}

/** The categories to look up in the index for a line category (itself and its parents). */
export const lookupCategories = categoryAncestors

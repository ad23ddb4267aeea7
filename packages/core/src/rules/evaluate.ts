import { DEFAULT_LIFECYCLE_RULES, lifecycleOf } from '../analytics/lifecycle.js'
import type { Basket } from '../basket/basket.codec.js'
import { compileSelector, type LineMatcher } from '../catalog/selector.js'
import type { Customer } from '../customer/customer.codec.js'
import { allocate } from '../money/allocate.js'
import type { MinorUnits, Points } from '../money/Money.js'
import { toHundredths } from '../money/percent.js'
import { epochMs, type IsoDateTime, offsetMinutesOf } from '../time/time.codec.js'
import type { PointsReward, Program } from './campaign.codec.js'
import type { Compiled } from './compile.js'
import { lookupCategories } from './compile.js'
import {
  type BasketContext,
  type Check,
  type CustomerFn,
  type Effects,
  linesOf,
  type Missing,
  newGeneration,
  noEffects,
  OK,
  type Selection,
  type State,
} from './context.js'
import { type Engine, type Entry, newScratch, type Scratch } from './engine.js'
import type { Discount, Evaluation, Explanation, Reason } from './evaluation.codec.js'
import { inHoldout } from './holdout.js'
import { type NudgeContext, Nudges, type RunReward, snapshot, trueNudge, trueUnitNudge } from './nudges.js'
import { checkValidity, type LocalTime, localTime } from './validity.js'

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

/**
 * Past this many conflicting candidates (exclusive campaigns plus members of contested groups),
 * the best-deal search stops being exhaustive and becomes bounded: one pass of improvement per
 * group from the highest-priority members, and the first `BEST_DEAL_EXACT_LIMIT` exclusives alone.
 * @category rules
 */
export const BEST_DEAL_EXACT_LIMIT = 12

const DAY_MS = 86_400_000

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const addDays = (at: string, days: number): IsoDateTime => {
  const offset = offsetMinutesOf(at)
  const shifted = new Date(epochMs(at) + days * DAY_MS + offset * 60_000).toISOString().slice(0, 19)
  if (/Z$/.test(at)) return `${shifted}Z` as IsoDateTime
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}` as IsoDateTime
}

/** Converts big weights to safe integers, keeping their proportions as closely as integers allow. */
const safeWeights = (weights: readonly bigint[]): number[] => {
  let max = 0n
  for (const w of weights) if (w > max) max = w
  const limit = BigInt(Number.MAX_SAFE_INTEGER) / BigInt(Math.max(weights.length, 1))
  const divisor = max > limit ? max / limit + 1n : 1n
  return weights.map((w) => Number(w / divisor))
}

const lineAllocations = (ctx: BasketContext, shares: readonly number[]) => {
  const out: { lineId: string; points: Points }[] = []
  for (let i = 0; i < shares.length; i++) {
    if (shares[i] !== 0) out.push({ lineId: ctx.lines[i]!.id, points: shares[i] as Points })
  }
  return out
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
const candidatesOf = (engine: Engine, basket: Basket, s: Scratch): number => {
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

interface Judge {
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
  /** The discounts applied so far that would grow with the basket (percentages, units, a fixed amount that took all), per line. */
  readonly discounted: { readonly perLine: readonly number[]; readonly proportional: boolean }[]
  /** The discount campaigns run so far that gave nothing. */
  readonly gaveNothing: Entry[]
  /** The discount campaigns that ran so far in the sequence, in order. */
  readonly ran: Entry[]
  /** Set when the best deal weighed conflicting campaigns: confirms a nudge on the grown basket. */
  confirm: NudgeContext['confirm']
  /** The campaigns an added item would bring in (see {@link NudgeContext.newcomers}). */
  newcomers: NudgeContext['newcomers']
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
const staticCheck = (judge: Judge, entry: Entry): Reason | undefined => {
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

// ---------------------------------------------------------------------------------------------
// applying campaigns in order
// ---------------------------------------------------------------------------------------------

const freshState = (ctx: BasketContext): State => {
  const n = ctx.lines.length
  const remaining = new Array<number>(n)
  for (let i = 0; i < n; i++) remaining[i] = (ctx.lines[i] as Basket['lines'][number]).amount
  return { remaining, consumed: new Array<number>(n).fill(0), total: ctx.gross }
}

/** Cuts a campaign's discount to what is left of its budget, giving the difference back to the lines. */
const cutToBudget = (state: State, effects: Effects, left: number): void => {
  const perLine = effects.perLine as number[]
  const lines: number[] = []
  const weights: number[] = []
  for (let i = 0; i < perLine.length; i++) {
    if (perLine[i] !== undefined && perLine[i] !== 0) {
      lines.push(i)
      weights.push(perLine[i] as number)
    }
  }
  const shares = allocate(left, weights)
  for (let k = 0; k < lines.length; k++) {
    const i = lines[k] as number
    const back = (perLine[i] as number) - (shares[k] as number)
    state.remaining[i] = (state.remaining[i] as number) + back
    state.total += back
    perLine[i] = shares[k] as number
  }
  effects.discount = left
}

/**
 * Runs the reward of a campaign whose trigger passed: its effects, cut to what is left of its
 * discount budget (`budgetCut`), or with a failure when it gave nothing.
 */
const rewardOf = (judge: Judge, state: State, entry: Entry, ctx: BasketContext = judge.ctx): Effects => {
  const effects = noEffects()
  entry.reward(ctx, state, effects, entry.perBasket)
  const budget = entry.limits?.budget?.discount
  if (budget !== undefined && effects.discount > 0) {
    const left = budget - (judge.usage?.campaigns?.[entry.id]?.discountSpent ?? 0)
    if (effects.discount > left) {
      const asked = effects.discount
      cutToBudget(state, effects, Math.max(0, left))
      effects.budgetCut = asked
    }
  }
  if (
    effects.discount === 0 &&
    effects.gifts.length === 0 &&
    effects.coupons.length === 0 &&
    effects.points.length === 0 &&
    effects.failure === undefined
  ) {
    effects.failure = { code: 'NOTHING_DISCOUNTABLE' }
  }
  return effects
}

/**
 * Why a discount campaign left out of the best deal could not have applied alone (its trigger or
 * its reward on the basket without any other campaign), offering its nudge; undefined when it
 * would have applied alone. Only asked of the campaigns left out, so it costs nothing otherwise.
 */
const aloneReason = (judge: Judge, entry: Entry, pending: Nudges): Reason | undefined => {
  const alone = freshState(judge.ctx)
  const check = entry.trigger === undefined ? OK : entry.trigger(judge.ctx, alone)
  if (!check.ok) {
    offerNudge(judge, aloneNudges(judge), pending, alone, entry, check.missing)
    return check.reason ?? { code: 'CONDITION_NOT_MET' }
  }
  const fx = rewardOf(judge, alone, entry)
  if (fx.discount > 0) return undefined
  if (fx.unitsMissing !== undefined)
    offerUnitNudge(judge, aloneNudges(judge), pending, freshState(judge.ctx), entry, fx)
  return fx.failure ?? { code: 'NOTHING_DISCOUNTABLE' }
}

/** The evaluator's reward runner for nudge probes (with budgets, on any context). */
const runnerOf =
  (judge: Judge): RunReward =>
  (ctx, state, entry) =>
    rewardOf(judge, state, entry, ctx)

/**
 * Nudges checked against the evaluation so far (its state): the share of each line the
 * proportional discounts left (walking back from what remains, through every discount applied),
 * and the campaigns that gave nothing.
 */
const sequenceNudges = (judge: Judge, state: State): NudgeContext => {
  const { discounted } = judge
  let margin = 0
  for (const d of discounted) if (d.proportional) margin++
  return {
    run: runnerOf(judge),
    kept: (line) => {
      let r = BigInt(state.remaining[line] as number)
      let kept = 1n
      let whole = 1n
      for (let k = discounted.length - 1; k >= 0; k--) {
        const d = discounted[k] as (typeof discounted)[number]
        const before = r + BigInt(d.perLine[line] as number)
        if (d.proportional && before > 0n && before !== r) {
          kept *= r
          whole *= before
        }
        r = before
      }
      return [kept, whole]
    },
    margin,
    earlier: judge.gaveNothing,
    ran: judge.ran,
    confirm: judge.confirm,
    newcomers: judge.newcomers,
  }
}

/** Nudges of a campaign judged alone (no other campaign before it). */
const aloneNudges = (judge: Judge): NudgeContext => ({
  run: runnerOf(judge),
  kept: () => ONE,
  margin: 0,
  earlier: [],
  ran: [],
  confirm: judge.confirm,
  newcomers: judge.newcomers,
})

/** Offers a trigger's nudge, if it would be kept, once made true (see `trueNudge`). */
const offerNudge = (
  judge: Judge,
  nc: NudgeContext,
  pending: Nudges,
  state: State,
  entry: Entry,
  missing: Missing | undefined,
): void => {
  if (missing === undefined || !pending.wants(missing)) return
  const m = trueNudge(nc, judge.ctx, state, entry, missing)
  if (m !== undefined) pending.offer(entry, m)
}

/** Offers the nudge of a consuming reward one unit short of another group, if true (see `trueUnitNudge`). */
const offerUnitNudge = (
  judge: Judge,
  nc: NudgeContext,
  pending: Nudges,
  before: State,
  entry: Entry,
  fx: Effects,
): void => {
  if (!pending.wants(ONE_UNIT)) return
  const m = trueUnitNudge(nc, judge.ctx, before, entry, fx.discount)
  if (m !== undefined) pending.offer(entry, m)
}

const ONE: readonly [bigint, bigint] = [1n, 1n]

const ONE_UNIT: Missing = { kind: 'quantity', value: 1 }

/**
 * The total discount a set of discount campaigns gives when applied in order, and the ranks of the
 * members that gave something (ascending): the tie-break key of the choice.
 */
const simulate = (judge: Judge, members: readonly Entry[]): { total: number; key: number[] } => {
  const state = freshState(judge.ctx)
  let total = 0
  const key: number[] = []
  for (const entry of members) {
    if (entry.trigger === undefined || entry.trigger(judge.ctx, state).ok) {
      const given = rewardOf(judge, state, entry).discount
      if (given > 0) {
        total += given
        key.push(entry.rank)
      }
    }
  }
  return { total, key }
}

// ---------------------------------------------------------------------------------------------
// best deal
// ---------------------------------------------------------------------------------------------

interface Choice {
  readonly members: readonly Entry[]
  /** Ranks of the chosen campaigns that give a discount, ascending: the tie-break (higher priority, then lower id). */
  readonly key: readonly number[]
  readonly exclusive: Entry | undefined
  /** The consuming campaigns that compete for the same units, and with which. */
  readonly rivals: ReadonlyMap<Entry, readonly Entry[]>
  /** Whether conflicting campaigns were weighed (more than one feasible choice). */
  readonly contested?: boolean
}

/**
 * Whether choice `a` wins a tie against `b`: the highest-priority campaign (lowest rank) where
 * they differ is in `a` (so a choice that also gives a campaign the other lacks wins).
 */
const betterKey = (a: readonly number[], b: readonly number[]): boolean => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number)
  return a.length > b.length
}

const merge = (free: readonly Entry[], picks: readonly Entry[]): Entry[] =>
  [...free, ...picks].sort((a, b) => a.rank - b.rank)

/**
 * The consuming campaigns among `consumers` that compete for the same units: for each, the others
 * whose rewards may take units of one of its lines (`each` lines only: measured lines are never
 * consumed).
 */
const unitRivals = (ctx: BasketContext, consumers: readonly Entry[]): Map<Entry, Entry[]> => {
  const rivals = new Map<Entry, Entry[]>()
  if (consumers.length < 2) return rivals
  const linesOfEntry = consumers.map((e) => {
    const lines = new Set<number>()
    for (const sel of e.consumes as readonly Selection[]) {
      for (const i of linesOf(ctx, sel)) if ((ctx.units[i] as number) > 0) lines.add(i)
    }
    return lines
  })
  for (let a = 0; a < consumers.length; a++) {
    for (let b = a + 1; b < consumers.length; b++) {
      const la = linesOfEntry[a] as Set<number>
      const lb = linesOfEntry[b] as Set<number>
      let shared = false
      for (const i of la) if (lb.has(i)) shared = true
      if (!shared) continue
      const ea = consumers[a] as Entry
      const eb = consumers[b] as Entry
      rivals.set(ea, [...(rivals.get(ea) ?? []), eb])
      rivals.set(eb, [...(rivals.get(eb) ?? []), ea])
    }
  }
  return rivals
}

/**
 * Chooses which discount campaigns apply: every campaign that conflicts with none, plus the best of
 * (one per contested group, and each campaign that competes with another for the same units in or
 * out) or (one exclusive alone), by total discount; ties to the higher priority, then the lower id.
 * Exact up to {@link BEST_DEAL_EXACT_LIMIT} conflicting candidates.
 */
const chooseBestDeal = (judge: Judge, discounts: readonly Entry[]): Choice => {
  // The usual case: no exclusive campaign, no stacking group and at most one campaign consuming
  // units, so nothing conflicts.
  let plain = true
  let consumers = 0
  for (let k = 0; k < discounts.length; k++) {
    const e = discounts[k] as Entry
    if (e.exclusive || e.group !== undefined) plain = false
    if (e.consumes !== undefined) consumers++
  }
  if (plain && consumers < 2) return { members: discounts, key: [], exclusive: undefined, rivals: NO_RIVALS }
  const exclusives = discounts.filter((e) => e.exclusive)
  const rivals =
    consumers < 2
      ? NO_RIVALS
      : unitRivals(
          judge.ctx,
          discounts.filter((e) => !e.exclusive && e.consumes !== undefined),
        )
  const groups = new Map<string, Entry[]>()
  for (const e of discounts) {
    if (e.exclusive || e.group === undefined) continue
    const g = groups.get(e.group)
    if (g === undefined) groups.set(e.group, [e])
    else g.push(e)
  }
  const contested = [...groups.values()].filter((g) => g.length > 1)
  const contestedIds = new Set(contested.flat().map((e) => e.id))
  // A group with a member that competes for units may also give nothing (`undefined`); a campaign
  // that competes for units outside a contested group is in or out.
  const options: (Entry | undefined)[][] = contested.map((g) => (g.some((e) => rivals.has(e)) ? [...g, undefined] : g))
  const loose = discounts.filter((e) => rivals.has(e) && !contestedIds.has(e.id))
  const free = discounts.filter((e) => !e.exclusive && !contestedIds.has(e.id) && !rivals.has(e))
  const conflicting = exclusives.length + contestedIds.size + loose.length
  if (conflicting === 0) return { members: free, key: [], exclusive: undefined, rivals }

  let best: (Choice & { total: number }) | undefined
  const consider = (picks: readonly (Entry | undefined)[], ins: readonly Entry[], exclusive: Entry | undefined) => {
    const members =
      exclusive === undefined
        ? merge(free, [...(picks.filter((e) => e !== undefined) as Entry[]), ...ins])
        : [exclusive]
    const { total, key } = simulate(judge, members)
    if (best === undefined || total > best.total || (total === best.total && betterKey(key, best.key))) {
      best = { members, key, exclusive, total, rivals, contested: true }
    }
  }
  if (conflicting <= BEST_DEAL_EXACT_LIMIT) {
    const ins: Entry[] = []
    const subsetsOfLoose = (l: number, picks: readonly (Entry | undefined)[]) => {
      if (l === loose.length) {
        consider(picks, ins, undefined)
        return
      }
      ins.push(loose[l] as Entry)
      subsetsOfLoose(l + 1, picks)
      ins.pop()
      subsetsOfLoose(l + 1, picks)
    }
    const walk = (g: number, picks: (Entry | undefined)[]) => {
      if (g === options.length) {
        subsetsOfLoose(0, picks)
        return
      }
      for (const e of options[g] as (Entry | undefined)[]) walk(g + 1, [...picks, e])
    }
    walk(0, [])
    for (const e of exclusives) consider([], [], e)
  } else {
    // Bounded: start from the highest-priority member of each group and every campaign in, improve
    // one group at a time, then try leaving out each campaign that competes for units.
    const picks: (Entry | undefined)[] = options.map((g) => g[0] as Entry)
    let ins = [...loose]
    consider(picks, ins, undefined)
    for (let g = 0; g < options.length; g++) {
      for (const e of (options[g] as (Entry | undefined)[]).slice(1)) {
        const trial = [...picks]
        trial[g] = e
        const before = best
        consider(trial, ins, undefined)
        if (best !== before) picks[g] = e
      }
    }
    for (const e of loose) {
      const trial = ins.filter((x) => x !== e)
      const before = best
      consider(picks, trial, undefined)
      if (best !== before) ins = trial
    }
    for (const e of exclusives.slice(0, BEST_DEAL_EXACT_LIMIT)) consider([], [], e)
  }
  return best as Choice
}

const NO_RIVALS: ReadonlyMap<Entry, readonly Entry[]> = new Map()

// ---------------------------------------------------------------------------------------------
// points
// ---------------------------------------------------------------------------------------------

interface PointsClaim {
  readonly entry: Entry
  readonly spec: PointsReward
}

type Breakdown = Evaluation['points']['breakdown'][number]

/**
 * The reasons of one evaluation's candidates, by position. A class, not a closure: the evaluator
 * makes one per evaluation, and a method costs nothing to create.
 */
class Explainer {
  readonly lists: (Reason[] | undefined)[]
  constructor(
    private readonly position: Int32Array,
    count: number,
  ) {
    this.lists = new Array<Reason[] | undefined>(count)
  }

  /** Adds a reason to a candidate's explanation. */
  add(entry: Entry, reason: Reason): void {
    const k = this.position[entry.rank] as number
    const list = this.lists[k]
    if (list === undefined) this.lists[k] = [reason]
    else list.push(reason)
  }
}

const computePoints = (
  ctx: BasketContext,
  state: State,
  program: Program | undefined,
  claims: readonly PointsClaim[],
  usage: UsageSnapshot | undefined,
  why: Explainer,
): Breakdown[] => {
  const n = ctx.lines.length
  const breakdown: Breakdown[] = []
  if (n === 0 || (program === undefined && claims.length === 0)) return breakdown
  const excluded: LineMatcher | undefined =
    program?.earn?.exclude === undefined ? undefined : compileSelector(program.earn.exclude)
  const earnable = ctx.lines.map((l) => excluded === undefined || !excluded(l))
  const net = state.remaining
  const budgetLeft = (entry: Entry) => {
    const b = entry.limits?.budget?.points
    return b === undefined ? Number.MAX_SAFE_INTEGER : b - (usage?.campaigns?.[entry.id]?.pointsSpent ?? 0)
  }
  const push = (source: string, total: number, shares: number[]) => {
    breakdown.push({ source, points: total as Points, allocations: lineAllocations(ctx, shares) })
  }
  const capped = (entry: Entry, total: number, weights: number[]) => {
    const left = budgetLeft(entry)
    if (total > left) {
      why.add(entry, { code: 'BUDGET_PARTIAL', by: 'points', required: total, actual: left })
      total = Math.max(0, left)
    }
    push(entry.id, total, allocate(total, weights))
  }

  // Program earn, with the tier multiplier and campaign multipliers before the floor.
  const earn = program?.earn
  const multipliers = claims.filter((c) => c.spec.multiplier !== undefined)
  if (earn !== undefined && program !== undefined) {
    const tier = program.tiers?.find((t) => t.id === ctx.customer?.tier)
    const tierH = BigInt(tier === undefined ? 100 : (toHundredths(tier.multiplier) as { right: number }).right)
    const base = ctx.lines.map((l, i) =>
      earnable[i] ? BigInt(earn.basis === 'gross' ? l.amount : (net[i] as number)) : 0n,
    )
    let weights = base.map((b) => b * tierH)
    let denominator = BigInt(earn.per) * 100n
    const pts = BigInt(earn.points)
    const floorOf = (ws: readonly bigint[]) => Number((ws.reduce((s, w) => s + w, 0n) * pts) / denominator)
    const programPoints = floorOf(weights)
    push(program.id, programPoints, allocate(programPoints, safeWeights(weights)))
    let earned = programPoints
    for (const claim of multipliers) {
      const m = BigInt((toHundredths(claim.spec.multiplier as number) as { right: number }).right)
      const match = claim.spec.of === undefined ? undefined : compileSelector(claim.spec.of)
      const next = weights.map((w, i) => w * (match === undefined || match(ctx.lines[i]!) ? m : 100n))
      const delta = next.map((w, i) => w - (weights[i] as bigint) * 100n)
      weights = next
      denominator *= 100n
      const total = floorOf(weights)
      capped(claim.entry, total - earned, safeWeights(delta))
      earned = total
    }
  }
  for (const claim of claims) {
    const spec = claim.spec
    if (spec.fixed !== undefined) {
      capped(
        claim.entry,
        spec.fixed,
        net.map((v, i) => (earnable[i] ? v : 0)),
      )
    } else if (spec.perAmount !== undefined) {
      const per = spec.perAmount
      const match = per.of === undefined ? undefined : compileSelector(per.of)
      const weights = net.map((v, i) => (earnable[i] && (match === undefined || match(ctx.lines[i]!)) ? v : 0))
      const total = Number((BigInt(weights.reduce((s, w) => s + w, 0)) * BigInt(per.points)) / BigInt(per.per))
      capped(claim.entry, total, weights)
    } else if (earn === undefined) {
      why.add(claim.entry, { code: 'NOTHING_DISCOUNTABLE', message: 'a points multiplier needs a program that earns' })
    }
  }
  return breakdown
}

// ---------------------------------------------------------------------------------------------
// evaluate
// ---------------------------------------------------------------------------------------------

/**
 * Evaluates a basket against compiled campaigns: discounts per line, points, gifts, checkout
 * coupons, nudges, and an explanation for every active campaign that concerns the basket.
 *
 * Pure and deterministic: `now` is the basket's `at` (never the system clock), the inputs are not
 * mutated, and the order campaigns were given in does not matter. Semantics: DESIGN §4 and
 * `docs/rules.md`.
 * @category rules
 */
export const evaluate = (
  compiled: Compiled,
  basket: Basket,
  customerDocument?: Customer,
  program?: Program,
  usage?: UsageSnapshot,
): Evaluation => {
  const engine = compiled.engine as Engine
  // The engine's buffers. Busy means an evaluation on this engine is under way (this one started
  // inside it) or ended by throwing: either way, fresh buffers, which become the engine's. (No
  // try/finally: around the call it costs about 5 % of an evaluation.)
  let scratch = engine.scratch
  if (scratch.busy) {
    scratch = newScratch(engine.size)
    engine.scratch = scratch
  }
  scratch.busy = true
  const out = evaluateWith(
    engine,
    scratch,
    basket,
    customerWithLifecycle(compiled, basket, customerDocument, program),
    program,
    usage,
  )
  scratch.busy = false
  return out
}

/** A discount's non-zero amounts per line, in line order. */
const allocationsOf = (
  lines: Basket['lines'],
  perLine: readonly number[] | undefined,
): { lineId: string; amount: MinorUnits }[] => {
  if (perLine === undefined) return []
  let count = 0
  for (let i = 0; i < perLine.length; i++) if (perLine[i] !== 0) count++
  const out = new Array<{ lineId: string; amount: MinorUnits }>(count)
  let k = 0
  for (let i = 0; i < perLine.length; i++) {
    const amount = perLine[i] as number
    if (amount !== 0) out[k++] = { lineId: (lines[i] as Basket['lines'][number]).id, amount: amount as MinorUnits }
  }
  return out
}

/**
 * A customer document without a lifecycle stage gets the one analytics computes from its stats, as
 * of the basket's time, so `lifecycle` conditions work on raw CRM data too; only when a campaign
 * reads it, as this is the hot path.
 */
const customerWithLifecycle = (
  compiled: Compiled,
  basket: Basket,
  customer: Customer | undefined,
  program: Program | undefined,
) =>
  !compiled.readsLifecycle || customer === undefined || customer.lifecycle !== undefined || customer.stats === undefined
    ? customer
    : {
        ...customer,
        lifecycle: lifecycleOf(
          customer,
          basket.at,
          program?.lifecycle === undefined ? {} : { rules: { ...DEFAULT_LIFECYCLE_RULES, ...program.lifecycle } },
        ),
      }

/** Whether the customer is in the campaign's control group. */
const heldOut = (entry: Entry, customerKey: string | undefined): boolean => {
  const share = entry.holdoutShare
  return share !== undefined && customerKey !== undefined && inHoldout(entry.id, customerKey, share)
}

const STACKING_REASONS: ReadonlySet<string> = new Set(['EXCLUDED_BY_EXCLUSIVE', 'LOST_BEST_DEAL', 'LOST_IN_GROUP'])

// Per-candidate flags of one evaluation.
const HELD_OUT = 1
const CHOSEN = 2
const APPLIED = 4
const POINTS_ONLY = 8

const evaluateWith = (
  engine: Engine,
  scratch: Scratch,
  basket: Basket,
  customer: Customer | undefined,
  program: Program | undefined,
  usage: UsageSnapshot | undefined,
  maxNudges: number = engine.maxNudges,
): Evaluation => {
  const lines = basket.lines
  const n = lines.length
  const units = new Array<number>(n)
  const discountable = new Array<boolean>(n)
  let gross = 0
  for (let i = 0; i < n; i++) {
    const l = lines[i] as Basket['lines'][number]
    units[i] = (l.unit ?? 'each') === 'each' ? l.quantity : 0
    discountable[i] = l.discountable !== false
    gross += l.amount
  }
  const ctx: BasketContext = {
    basket,
    lines,
    units,
    discountable,
    customer,
    codes: basket.codes ?? [],
    nowMs: epochMs(basket.at),
    gross,
    generation: newGeneration(),
    categories: undefined,
  }
  const customerKey = customer?.memberId ?? customer?.card ?? basket.card
  const judge: Judge = {
    ctx,
    customerKey,
    usage,
    localTimes: new Map(),
    customerVerdicts: new Map(),
    noCustomer: undefined,
    lastVerdict: undefined,
    discounted: [],
    gaveNothing: [],
    ran: [],
    confirm: undefined,
    newcomers: () => [],
  }

  // The candidates, by position (application order); per position, flags and reasons.
  const count = candidatesOf(engine, basket, scratch)
  const candidates = scratch.ranks
  const position = scratch.position
  const flags = scratch.flags.fill(0, 0, count)
  const why = new Explainer(position, count)
  const reasons = why.lists
  const at = new Array<Entry>(count)

  // 1. What does not depend on other campaigns, and 2. the best deal among the discount campaigns.
  // When no campaign of the list is exclusive or grouped, nothing conflicts: every campaign that
  // passes applies in order, so both steps happen in the loop of step 3 (one pass).
  const plain = engine.plain
  const passed: Entry[] = []
  let choice: Choice | undefined
  if (!plain) {
    const discountCandidates: Entry[] = []
    for (let k = 0; k < count; k++) {
      const entry = engine.entries[candidates[k] as number] as Entry
      at[k] = entry
      const reason = staticCheck(judge, entry)
      if (reason !== undefined) {
        why.add(entry, reason)
        continue
      }
      if (heldOut(entry, customerKey)) flags[k] = HELD_OUT
      else if (entry.givesDiscount) discountCandidates.push(entry)
      passed.push(entry)
    }
    choice = chooseBestDeal(judge, discountCandidates)
    for (const e of choice.members) {
      const k = position[e.rank] as number
      flags[k] = (flags[k] as number) | CHOSEN
    }
  }

  // 3. Apply, in order: the chosen discounts, and every points, gift, coupon or held-out campaign.
  const state = freshState(ctx)
  const discounts: Discount[] = []
  const gifts: Evaluation['gifts'][number][] = []
  const coupons: Evaluation['coupons'][number][] = []
  const pending = new Nudges(maxNudges)
  let concerned: Set<number> | undefined
  judge.newcomers = (probes, before) => {
    concerned ??= new Set(Array.from(candidates.subarray(0, count)))
    const found = new Set<number>()
    const add = (list: readonly number[] | undefined) => {
      if (list !== undefined) for (const rank of list) if (rank < before && !concerned?.has(rank)) found.add(rank)
    }
    for (const p of probes) {
      add(engine.bySku.get(p.sku))
      if (p.brand !== undefined) add(engine.byBrand.get(p.brand))
      for (const tag of p.tags ?? []) add(engine.byTag.get(tag))
      for (const category of p.categories) for (const c of lookupCategories(category)) add(engine.byCategory.get(c))
    }
    return [...found].sort((a, b) => a - b).map((rank) => engine.entries[rank] as Entry)
  }
  if (choice?.contested === true) {
    // The best deal weighed conflicting campaigns: adding an item may change what it picks, so a
    // nudge is confirmed on the grown basket (evaluated without nudges) before it is said.
    judge.confirm = (probes, target) => {
      const grown = { ...basket, lines: [...lines, ...probes.map((p, k) => ({ ...p, id: `\u0000nudge-${k}` }))] }
      const e = evaluateWith(engine, newScratch(engine.size), grown, customer, program, usage, 0)
      const x = e.explanations.find((y) => y.campaignId === target.id)
      return x !== undefined && (x.applied || x.reasons.some((r) => STACKING_REASONS.has(r.code)))
    }
  }
  const holdouts: string[] = []
  const claims: PointsClaim[] = []
  const losers: Entry[] = []
  const steps = plain ? count : passed.length
  for (let j = 0; j < steps; j++) {
    let entry: Entry
    let k: number
    let held: boolean
    if (plain) {
      k = j
      entry = engine.entries[candidates[k] as number] as Entry
      at[k] = entry
      const reason = staticCheck(judge, entry)
      if (reason !== undefined) {
        why.add(entry, reason)
        continue
      }
      held = heldOut(entry, customerKey)
    } else {
      entry = passed[j] as Entry
      k = position[entry.rank] as number
      held = ((flags[k] as number) & HELD_OUT) !== 0
      if (entry.givesDiscount && !held && ((flags[k] as number) & CHOSEN) === 0) {
        // Not chosen: its own reason if it could not have applied alone, else a stacking reason (below).
        const own = aloneReason(judge, entry, pending)
        if (own === undefined) losers.push(entry)
        else why.add(entry, own)
        continue
      }
    }
    const check = entry.trigger === undefined ? OK : entry.trigger(ctx, state)
    if (!check.ok) {
      why.add(entry, check.reason ?? { code: 'CONDITION_NOT_MET' })
      if (check.missing !== undefined)
        offerNudge(judge, sequenceNudges(judge, state), pending, state, entry, check.missing)
      if (entry.givesDiscount) {
        judge.gaveNothing.push(entry)
        judge.ran.push(entry)
      }
      continue
    }
    if (held) {
      why.add(entry, { code: 'HELD_OUT' })
      holdouts.push(entry.id)
      continue
    }
    const before = entry.consumes === undefined ? undefined : snapshot(state)
    const fx = rewardOf(judge, state, entry)
    if (fx.unitsMissing !== undefined && before !== undefined)
      offerUnitNudge(judge, sequenceNudges(judge, state), pending, before, entry, fx)
    if (entry.givesDiscount) judge.ran.push(entry)
    const gave = fx.discount > 0 || fx.gifts.length > 0 || fx.coupons.length > 0 || fx.points.length > 0
    if (!gave) {
      if (entry.givesDiscount) judge.gaveNothing.push(entry)
      why.add(entry, fx.failure ?? { code: 'NOTHING_DISCOUNTABLE' })
      continue
    }
    flags[k] = (flags[k] as number) | APPLIED
    if (fx.discount === 0 && fx.gifts.length === 0 && fx.coupons.length === 0)
      flags[k] = (flags[k] as number) | POINTS_ONLY
    if (fx.budgetCut !== undefined) {
      // As for points: what the campaign would have given, and what its budget had left.
      why.add(entry, { code: 'BUDGET_PARTIAL', by: 'discount', required: fx.budgetCut, actual: fx.discount })
    }
    if (fx.discount > 0) {
      judge.discounted.push({
        perLine: fx.perLine as number[],
        proportional: entry.fixedAmount === undefined || fx.discount < entry.fixedAmount,
      })
      discounts.push({
        campaignId: entry.id,
        label: entry.label,
        amount: fx.discount as MinorUnits,
        allocations: allocationsOf(lines, fx.perLine),
      })
    }
    for (const g of fx.gifts) {
      gifts.push({ campaignId: entry.id, sku: g.sku, quantity: g.quantity, label: entry.label })
    }
    for (const c of fx.coupons) {
      coupons.push({
        campaignId: entry.id,
        template: c.template,
        label: entry.label,
        validUntil: addDays(basket.at, c.validForDays),
      })
    }
    for (const spec of fx.points) claims.push({ entry, spec })
  }

  // The campaigns that would have applied alone but lost the best deal, and to whom (only "by" a
  // campaign that applied).
  if (losers.length > 0) {
    const { exclusive, members, rivals } = choice as Choice
    const applied = (e: Entry) => ((flags[position[e.rank] as number] as number) & APPLIED) !== 0
    for (const e of losers) {
      if (exclusive !== undefined) {
        why.add(
          e,
          applied(exclusive) ? { code: 'EXCLUDED_BY_EXCLUSIVE', by: exclusive.id } : { code: 'LOST_BEST_DEAL' },
        )
        continue
      }
      const winner = e.exclusive || e.group === undefined ? undefined : members.find((m) => m.group === e.group)
      if (winner !== undefined && applied(winner)) {
        why.add(e, { code: 'LOST_IN_GROUP', by: winner.id })
        continue
      }
      const rival = rivals.get(e)?.find(applied)
      why.add(
        e,
        rival === undefined
          ? { code: 'LOST_BEST_DEAL' }
          : { code: 'LOST_BEST_DEAL', by: rival.id, message: 'another campaign makes more of the same units' },
      )
    }
  }

  // 4. Points, on net amounts, once every discount is known. Anonymous baskets earn none.
  const identified = customerKey !== undefined
  const breakdown = identified ? computePoints(ctx, state, program, claims, usage, why) : []
  if (!identified) for (const c of claims) why.add(c.entry, { code: 'CARD_REQUIRED', message: 'points need a card' })
  // A campaign that only gives points, and earned none (no card, no program that earns…), did not apply.
  if (claims.length > 0) {
    const earnedBy = new Set<string>()
    for (const b of breakdown) if (b.points > 0) earnedBy.add(b.source)
    for (const c of claims) {
      const k = position[c.entry.rank] as number
      if ((flags[k] as number) & POINTS_ONLY && !earnedBy.has(c.entry.id)) {
        flags[k] = (flags[k] as number) & ~APPLIED
        if (reasons[k] === undefined) why.add(c.entry, { code: 'NOTHING_DISCOUNTABLE', message: 'earned no points' })
      }
    }
  }

  // 5. The answer: the nudges with the smallest steps (only those get a message), every line, and
  // an explanation for every candidate.
  const nudges = pending.write(basket.currency)
  let subtotal = 0
  let discountTotal = 0
  const outLines = new Array<Evaluation['lines'][number]>(n)
  for (let i = 0; i < n; i++) {
    const line = lines[i] as Basket['lines'][number]
    const netAmount = state.remaining[i] as number
    subtotal += line.amount
    discountTotal += line.amount - netAmount
    outLines[i] = {
      id: line.id,
      amount: line.amount,
      discount: (line.amount - netAmount) as MinorUnits,
      net: netAmount as MinorUnits,
    }
  }
  const explanations = new Array<Explanation>(count)
  for (let k = 0; k < count; k++) {
    explanations[k] = {
      campaignId: (at[k] as Entry).id,
      applied: ((flags[k] as number) & APPLIED) !== 0,
      reasons: reasons[k] ?? [],
    }
  }
  let earned = 0
  for (const b of breakdown) earned += b.points
  return {
    basketId: basket.id,
    subtotal: subtotal as MinorUnits,
    discountTotal: discountTotal as MinorUnits,
    total: (subtotal - discountTotal) as MinorUnits,
    lines: outLines,
    discounts,
    points: { earned: earned as Points, breakdown },
    gifts,
    coupons,
    nudges,
    explanations,
    holdouts,
  }
}

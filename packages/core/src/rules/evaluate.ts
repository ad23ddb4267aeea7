import { lifecycleOf } from '../analytics/lifecycle.js'
import type { Basket } from '../basket/basket.codec.js'
import { compileSelector, type LineMatcher } from '../catalog/selector.js'
import type { Customer } from '../customer/customer.codec.js'
import { allocate } from '../money/allocate.js'
import { formatMoney } from '../money/format.js'
import { type MinorUnits, minor, type Points } from '../money/Money.js'
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
  type Missing,
  noEffects,
  type State,
} from './context.js'
import type { Engine, Entry } from './engine.js'
import type { Discount, Evaluation, Explanation, Nudge, Reason } from './evaluation.codec.js'
import { inHoldout } from './holdout.js'
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

const nudgeMessage = (
  nudge: string | undefined,
  label: string,
  missing: Missing,
  currency: Basket['currency'],
): string => {
  if (nudge !== undefined) return nudge
  switch (missing.kind) {
    case 'amount':
      return `Spend ${formatMoney({ amount: minor(missing.value), currency })} more: ${label}`
    case 'quantity':
      return `Add ${missing.value} more item${missing.value === 1 ? '' : 's'}: ${label}`
    case 'distinct':
      return `Add ${missing.value} more different product${missing.value === 1 ? '' : 's'}: ${label}`
    case 'measure':
      return `Add ${Number(missing.value.toFixed(3))} ${missing.unit} more: ${label}`
  }
}

// ---------------------------------------------------------------------------------------------
// candidates and static checks
// ---------------------------------------------------------------------------------------------

const candidatesOf = (engine: Engine, basket: Basket): number[] => {
  const marked = new Uint8Array(engine.entries.length)
  let count = 0
  const add = (list: readonly number[] | undefined) => {
    if (list === undefined) return
    for (let k = 0; k < list.length; k++) {
      const i = list[k] as number
      if (marked[i] === 0) {
        marked[i] = 1
        count++
      }
    }
  }
  add(engine.always)
  if (basket.codes !== undefined) {
    for (const code of basket.codes) {
      add(engine.byPool.get(code))
      const dash = code.indexOf('-')
      if (dash > 0) add(engine.byPool.get(code.slice(0, dash)))
    }
  }
  for (const line of basket.lines) {
    add(engine.bySku.get(line.sku))
    if (line.brand !== undefined) add(engine.byBrand.get(line.brand))
    if (line.tags !== undefined) for (const tag of line.tags) add(engine.byTag.get(tag))
    for (const category of line.categories) {
      if (category.indexOf('/') === -1) add(engine.byCategory.get(category))
      else for (const c of lookupCategories(category)) add(engine.byCategory.get(c))
    }
  }
  // In application order: a scan of the marks (no sort; linear in the number of campaigns, a few µs at 10k).
  const out = new Array<number>(count)
  let k = 0
  for (let i = 0; k < count; i++) if (marked[i] === 1) out[k++] = i
  return out
}

interface Judge {
  readonly ctx: BasketContext
  readonly customerKey: string | undefined
  readonly usage: UsageSnapshot | undefined
  readonly localTimes: Map<string, LocalTime>
  /** Verdicts of shared customer conditions, judged once per evaluation. */
  readonly customerVerdicts: Map<CustomerFn, { readonly zone: string | undefined; readonly check: Check }>
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
  const timeReason = checkValidity(v, ctx.nowMs, entry.needsLocalTime ? localFor(judge, v.timeZone) : undefined)
  if (timeReason !== undefined) return timeReason
  if (entry.cardRequired && judge.customerKey === undefined) {
    return {
      code: 'CARD_REQUIRED',
      ...(entry.limits?.perCustomer !== undefined && entry.campaign.eligibility?.cardRequired !== true
        ? { message: 'a per-customer limit needs an identified customer' }
        : {}),
    }
  }
  if (entry.customer !== undefined) {
    if (ctx.customer === undefined) return { code: 'CUSTOMER_CONDITION', message: 'no identified customer' }
    // Shared conditions are judged once per zone (the zone matters to birthdays only).
    const memo = judge.customerVerdicts.get(entry.customer)
    let r: Check
    if (memo !== undefined && memo.zone === v.timeZone) r = memo.check
    else {
      r = entry.customer(ctx.customer, ctx, localFor(judge, v.timeZone))
      judge.customerVerdicts.set(entry.customer, { zone: v.timeZone, check: r })
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

interface Outcome {
  readonly entry: Entry
  readonly check: Check
  readonly effects: Effects | undefined
  readonly heldOut: boolean
  readonly budgetCut: boolean
}

const freshState = (ctx: BasketContext): State => ({
  remaining: ctx.lines.map((l) => l.amount as number),
  consumed: ctx.lines.map(() => 0),
  total: ctx.gross,
})

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

const applyEntry = (judge: Judge, state: State, entry: Entry, heldOut: boolean): Outcome => {
  const check = entry.trigger === undefined ? { ok: true } : entry.trigger(judge.ctx, state)
  if (!check.ok || heldOut) return { entry, check, effects: undefined, heldOut, budgetCut: false }
  const effects = noEffects()
  entry.reward(judge.ctx, state, effects, entry.perBasket)
  let budgetCut = false
  const budget = entry.limits?.budget?.discount
  if (budget !== undefined && effects.discount > 0) {
    const left = budget - (judge.usage?.campaigns?.[entry.id]?.discountSpent ?? 0)
    if (effects.discount > left) {
      cutToBudget(state, effects, Math.max(0, left))
      budgetCut = true
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
  return { entry, check, effects, heldOut, budgetCut }
}

/** The total discount a set of discount campaigns gives when applied in order. */
const simulate = (judge: Judge, members: readonly Entry[]): number => {
  const state = freshState(judge.ctx)
  let total = 0
  for (const entry of members) total += applyEntry(judge, state, entry, false).effects?.discount ?? 0
  return total
}

// ---------------------------------------------------------------------------------------------
// best deal
// ---------------------------------------------------------------------------------------------

interface Choice {
  readonly members: readonly Entry[]
  /** Ranks of the conflicting campaigns chosen, ascending: the tie-break (higher priority, then lower id). */
  readonly key: readonly number[]
  readonly exclusive: Entry | undefined
}

const betterKey = (a: readonly number[], b: readonly number[]): boolean => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number)
  return a.length > b.length
}

const merge = (free: readonly Entry[], picks: readonly Entry[]): Entry[] =>
  [...free, ...picks].sort((a, b) => a.rank - b.rank)

/**
 * Chooses which discount campaigns apply: every campaign that conflicts with none, plus the best of
 * (one per contested group) or (one exclusive alone), by total discount; ties to the higher
 * priority, then the lower id. Exact up to {@link BEST_DEAL_EXACT_LIMIT} conflicting candidates.
 */
const chooseBestDeal = (judge: Judge, discounts: readonly Entry[]): Choice => {
  const exclusives = discounts.filter((e) => e.exclusive)
  const groups = new Map<string, Entry[]>()
  for (const e of discounts) {
    if (e.exclusive || e.group === undefined) continue
    const g = groups.get(e.group)
    if (g === undefined) groups.set(e.group, [e])
    else g.push(e)
  }
  const contested = [...groups.values()].filter((g) => g.length > 1)
  const contestedIds = new Set(contested.flat().map((e) => e.id))
  const free = discounts.filter((e) => !e.exclusive && !contestedIds.has(e.id))
  const conflicting = exclusives.length + contestedIds.size
  if (conflicting === 0) return { members: free, key: [], exclusive: undefined }

  let best: (Choice & { total: number }) | undefined
  const consider = (picks: readonly Entry[], exclusive: Entry | undefined) => {
    const members = exclusive === undefined ? merge(free, picks) : [exclusive]
    const total = simulate(judge, members)
    const key = (exclusive === undefined ? picks.map((e) => e.rank) : [exclusive.rank]).sort((a, b) => a - b)
    if (best === undefined || total > best.total || (total === best.total && betterKey(key, best.key))) {
      best = { members, key, exclusive, total }
    }
  }
  if (conflicting <= BEST_DEAL_EXACT_LIMIT) {
    const walk = (g: number, picks: Entry[]) => {
      if (g === contested.length) {
        consider(picks, undefined)
        return
      }
      for (const e of contested[g] as Entry[]) walk(g + 1, [...picks, e])
    }
    walk(0, [])
    for (const e of exclusives) consider([], e)
  } else {
    // Bounded: start from the highest-priority member of each group, improve one group at a time.
    const picks = contested.map((g) => g[0] as Entry)
    consider(picks, undefined)
    for (let g = 0; g < contested.length; g++) {
      for (const e of (contested[g] as Entry[]).slice(1)) {
        const trial = [...picks]
        trial[g] = e
        const before = best
        consider(trial, undefined)
        if (best !== before) picks[g] = e
      }
    }
    for (const e of exclusives.slice(0, BEST_DEAL_EXACT_LIMIT)) consider([], e)
  }
  return best as Choice
}

// ---------------------------------------------------------------------------------------------
// points
// ---------------------------------------------------------------------------------------------

interface PointsClaim {
  readonly entry: Entry
  readonly spec: PointsReward
}

type Breakdown = Evaluation['points']['breakdown'][number]

const computePoints = (
  ctx: BasketContext,
  state: State,
  program: Program | undefined,
  claims: readonly PointsClaim[],
  usage: UsageSnapshot | undefined,
  explain: (entry: Entry, reason: Reason) => void,
): Breakdown[] => {
  const n = ctx.lines.length
  const breakdown: Breakdown[] = []
  if (n === 0) return breakdown
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
      explain(entry, { code: 'BUDGET_PARTIAL', by: 'points', required: total, actual: left })
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
      explain(claim.entry, { code: 'NOTHING_DISCOUNTABLE', message: 'a points multiplier needs a program that earns' })
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
  // A customer document without a lifecycle stage gets the one analytics computes from its stats,
  // as of the basket's time, so `lifecycle` conditions work on raw CRM data too.
  const customer =
    customerDocument === undefined || customerDocument.lifecycle !== undefined || customerDocument.stats === undefined
      ? customerDocument
      : { ...customerDocument, lifecycle: lifecycleOf(customerDocument, basket.at) }
  const engine = compiled.engine as Engine
  const ctx: BasketContext = {
    basket,
    lines: basket.lines,
    units: basket.lines.map((l) => ((l.unit ?? 'each') === 'each' ? l.quantity : 0)),
    discountable: basket.lines.map((l) => l.discountable !== false),
    customer,
    codes: basket.codes ?? [],
    nowMs: epochMs(basket.at),
    gross: basket.lines.reduce((s, l) => s + l.amount, 0),
    selected: new Map(),
    selectedById: [],
  }
  const customerKey = customer?.memberId ?? customer?.card ?? basket.card
  const judge: Judge = { ctx, customerKey, usage, localTimes: new Map(), customerVerdicts: new Map() }

  const candidates = candidatesOf(engine, basket)
  // Per campaign, by rank (its index in the compiled list).
  const reasons: (Reason[] | undefined)[] = []
  const applied = new Uint8Array(engine.entries.length)
  const explain = (entry: Entry, reason: Reason) => {
    const list = reasons[entry.rank]
    if (list === undefined) reasons[entry.rank] = [reason]
    else list.push(reason)
  }

  // 1. What does not depend on other campaigns.
  const passed: Entry[] = []
  const heldOut = new Uint8Array(engine.entries.length)
  for (const index of candidates) {
    const entry = engine.entries[index] as Entry
    const reason = staticCheck(judge, entry)
    if (reason !== undefined) {
      explain(entry, reason)
      continue
    }
    const share = entry.holdoutShare
    if (share !== undefined && customerKey !== undefined && inHoldout(entry.id, customerKey, share)) {
      heldOut[entry.rank] = 1
    }
    passed.push(entry)
  }

  // 2. The best deal among the discount campaigns.
  const discountCandidates = passed.filter((e) => e.givesDiscount && heldOut[e.rank] === 0)
  const choice = chooseBestDeal(judge, discountCandidates)
  const chosen = new Uint8Array(engine.entries.length)
  for (const e of choice.members) chosen[e.rank] = 1
  for (const e of discountCandidates) {
    if (chosen[e.rank] === 1) continue
    if (choice.exclusive !== undefined) {
      explain(e, { code: 'EXCLUDED_BY_EXCLUSIVE', by: choice.exclusive.id })
    } else if (e.exclusive) {
      explain(e, { code: 'LOST_BEST_DEAL' })
    } else {
      const winner = choice.members.find((m) => m.group === e.group)
      explain(e, winner === undefined ? { code: 'LOST_BEST_DEAL' } : { code: 'LOST_IN_GROUP', by: winner.id })
    }
  }

  // 3. Apply, in order: the chosen discounts, and every points, gift, coupon or held-out campaign.
  const state = freshState(ctx)
  const discounts: Discount[] = []
  const gifts: Evaluation['gifts'][number][] = []
  const coupons: Evaluation['coupons'][number][] = []
  const nudges: Nudge[] = []
  const holdouts: string[] = []
  const claims: PointsClaim[] = []
  for (const entry of passed) {
    const held = heldOut[entry.rank] === 1
    if (entry.givesDiscount && !held && chosen[entry.rank] === 0) continue
    const o = applyEntry(judge, state, entry, held)
    if (!o.check.ok) {
      explain(entry, o.check.reason ?? { code: 'CONDITION_NOT_MET' })
      if (o.check.missing !== undefined) {
        const m = o.check.missing
        nudges.push({
          campaignId: entry.id,
          message: nudgeMessage(entry.nudgeLabel, entry.label, m, basket.currency),
          missing:
            m.kind === 'amount'
              ? { amount: m.value as MinorUnits }
              : { quantity: m.value, ...(m.unit ? { unit: m.unit } : {}) },
        })
      }
      continue
    }
    if (o.heldOut) {
      explain(entry, { code: 'HELD_OUT' })
      holdouts.push(entry.id)
      continue
    }
    const fx = o.effects as Effects
    if (fx.unitsMissing !== undefined) {
      nudges.push({
        campaignId: entry.id,
        message: nudgeMessage(
          entry.nudgeLabel,
          entry.label,
          { kind: 'quantity', value: fx.unitsMissing },
          basket.currency,
        ),
        missing: { quantity: fx.unitsMissing },
      })
    }
    const gave = fx.discount > 0 || fx.gifts.length > 0 || fx.coupons.length > 0 || fx.points.length > 0
    if (!gave) {
      explain(entry, fx.failure ?? { code: 'NOTHING_DISCOUNTABLE' })
      continue
    }
    applied[entry.rank] = 1
    if (o.budgetCut) {
      const budget = entry.limits?.budget?.discount as number
      explain(entry, { code: 'BUDGET_PARTIAL', by: 'discount', required: budget, actual: fx.discount })
    }
    if (fx.discount > 0) {
      const allocations: { lineId: string; amount: MinorUnits }[] = []
      const perLine = fx.perLine ?? []
      for (let i = 0; i < perLine.length; i++) {
        if (perLine[i] !== undefined && perLine[i] !== 0) {
          allocations.push({ lineId: basket.lines[i]!.id, amount: perLine[i] as MinorUnits })
        }
      }
      discounts.push({ campaignId: entry.id, label: entry.label, amount: fx.discount as MinorUnits, allocations })
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

  // 4. Points, on net amounts, once every discount is known. Anonymous baskets earn none.
  const identified = customerKey !== undefined
  const breakdown = identified ? computePoints(ctx, state, program, claims, usage, explain) : []
  if (!identified) for (const c of claims) explain(c.entry, { code: 'CARD_REQUIRED', message: 'points need a card' })

  // 5. The answer.
  let subtotal = 0
  let discountTotal = 0
  const lines = basket.lines.map((line, i) => {
    const netAmount = state.remaining[i] as number
    subtotal += line.amount
    discountTotal += line.amount - netAmount
    return {
      id: line.id,
      amount: line.amount,
      discount: (line.amount - netAmount) as MinorUnits,
      net: netAmount as MinorUnits,
    }
  })
  const explanations: Explanation[] = candidates.map((index) => ({
    campaignId: (engine.entries[index] as Entry).id,
    applied: applied[index] === 1,
    reasons: reasons[index] ?? [],
  }))
  return {
    basketId: basket.id,
    subtotal: subtotal as MinorUnits,
    discountTotal: discountTotal as MinorUnits,
    total: (subtotal - discountTotal) as MinorUnits,
    lines,
    discounts,
    points: { earned: breakdown.reduce((s, b) => s + b.points, 0) as Points, breakdown },
    gifts,
    coupons,
    nudges,
    explanations,
    holdouts,
  }
}

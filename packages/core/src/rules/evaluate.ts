import { DEFAULT_LIFECYCLE_RULES, lifecycleOf } from '../analytics/lifecycle.js'
import type { Basket } from '../basket/basket.codec.js'
import { categoryAncestors as lookupCategories } from '../catalog/selector.js'
import type { Customer } from '../customer/customer.codec.js'
import type { MinorUnits, Points } from '../money/Money.js'
import { DAY_MS } from '../time/duration.js'
import { epochMs, type IsoDateTime, offsetMinutesOf } from '../time/time.codec.js'
import type { Program } from './campaign.codec.js'
import { candidatesOf, heldOut, type Judge, staticCheck, type UsageSnapshot } from './candidates.js'
import type { Compiled } from './compile.js'
import { type BasketContext, gave, type Missing, newGeneration, OK } from './context.js'
import { type Engine, type Entry, newScratch, type Scratch } from './engine.js'
import type { Discount, Evaluation, Explanation, Reason } from './evaluation.codec.js'
import { aloneReason, Explainer, explainLosers, STACKING_REASONS } from './explanations.js'
import { checkOffer, GAVE_NOTHING, Nudges, type Offer, offerNudge, offerUnitNudge, RAN, snapshot } from './nudges.js'
import { type Choice, chooseBestDeal, freshState, rewardOf } from './optimise.js'
import { computePoints, type PointsClaim } from './points.js'
import { hhmm } from './validity.js'

export type { CampaignUsage, UsageSnapshot } from './candidates.js'
export { BEST_DEAL_EXACT_LIMIT } from './optimise.js'

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const addDays = (at: string, days: number): IsoDateTime => {
  const offset = offsetMinutesOf(at)
  const shifted = new Date(epochMs(at) + days * DAY_MS + offset * 60_000).toISOString().slice(0, 19)
  if (/Z$/.test(at)) return `${shifted}Z` as IsoDateTime
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${shifted}${sign}${hhmm(abs)}` as IsoDateTime
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
    fixed: [],
    ran: [],
    state: undefined,
    steps: [],
    states: undefined,
    confirm: undefined,
    newcomers: () => [],
    readers: () => [],
  }

  // The candidates, by position (application order); per position, flags and reasons.
  const count = candidatesOf(engine, basket, scratch)
  const candidates = scratch.ranks
  const position = scratch.position
  const flags = scratch.flags.fill(0, 0, count)
  const why = new Explainer(position, count)
  const reasons = why.lists
  const view: CandidateView = {
    engine,
    count,
    ranks: candidates,
    position,
    flags,
    reasons,
    detached: undefined,
    wide: [undefined, undefined],
  }

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
  judge.state = state
  const discounts: Discount[] = []
  const gifts: Evaluation['gifts'][number][] = []
  const coupons: Evaluation['coupons'][number][] = []
  const pending = new Nudges(maxNudges, checkerOf(judge))
  judge.newcomers = newcomersOf(view)
  judge.readers = readersOf(view)
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
      if (check.missing !== undefined) offerNudge(judge, pending, state, entry, check.missing)
      if (entry.givesDiscount) {
        judge.ran.push(entry)
        flags[k] = (flags[k] as number) | RAN | GAVE_NOTHING
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
    judge.steps.push({ perLine: fx.perLine, consumedBefore: before?.consumed })
    if (fx.unitsMissing !== undefined && before !== undefined) offerUnitNudge(judge, pending, before, state, entry, fx)
    if (entry.givesDiscount) {
      judge.ran.push(entry)
      flags[k] = (flags[k] as number) | RAN
    }
    if (!gave(fx)) {
      if (entry.givesDiscount) flags[k] = (flags[k] as number) | GAVE_NOTHING
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
      if (entry.fixedAmount !== undefined && fx.discount >= entry.fixedAmount) {
        // A fixed amount, which would not grow with an item added (nudges gross amounts up by the rest).
        judge.fixed.push(fx.perLine as number[])
      }
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

  // The campaigns that would have applied alone but lost the best deal, and to whom.
  if (losers.length > 0) {
    explainLosers(why, losers, choice as Choice, (e) => ((flags[position[e.rank] as number] as number) & APPLIED) !== 0)
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

  // 5. The answer: every line, an explanation for every candidate, and the nudges with the smallest
  // steps (only those get a message), checked when first read (see `LAZY_NUDGES`).
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
      campaignId: (engine.entries[candidates[k] as number] as Entry).id,
      applied: ((flags[k] as number) & APPLIED) !== 0,
      reasons: reasons[k] ?? [],
    }
  }
  let earned = 0
  for (const b of breakdown) earned += b.points
  const evaluation = {
    basketId: basket.id,
    subtotal: subtotal as MinorUnits,
    discountTotal: discountTotal as MinorUnits,
    total: (subtotal - discountTotal) as MinorUnits,
    lines: outLines,
    discounts,
    points: { earned: earned as Points, breakdown },
    gifts,
    coupons,
  } as Record<string | symbol, unknown>
  // (Keys in the contract's order, in both cases: JSON is written in that order.)
  if (pending.offers.length === 0) evaluation.nudges = NO_NUDGES
  else {
    // The checks read this evaluation's candidates and flags after it returned: plain copies (small,
    // short-lived; a copy of the per-campaign positions would cost as much as the engine is large).
    const ranks = new Array<number>(count)
    const kept = new Array<number>(count)
    for (let k = 0; k < count; k++) {
      ranks[k] = candidates[k] as number
      kept[k] = flags[k] as number
    }
    view.detached = { ranks, flags: kept }
    Object.defineProperty(evaluation, PENDING, {
      value: { write: writerOf(pending, basket.currency), nudges: undefined },
    })
    Object.defineProperty(evaluation, 'nudges', LAZY_NUDGES)
  }
  evaluation.explanations = explanations
  evaluation.holdouts = holdouts
  return evaluation as unknown as Evaluation
}

// The nudges' checker and writer are made outside `evaluateWith`, so that a lazy evaluation keeps
// what they need (the judge, the offers) rather than the whole evaluation's scope, which makes
// V8 keep far more alive from one evaluation to the next (measured: a third of an evaluation).
const checkerOf =
  (judge: Judge) =>
  (offer: Offer): Missing | undefined =>
    checkOffer(judge, offer)

const writerOf = (pending: Nudges, currency: Basket['currency']) => (): Evaluation['nudges'] => pending.write(currency)

/**
 * An evaluation's candidates as the nudge checks read them: in the engine's buffers while the
 * evaluation runs, in plain copies (`detached`) once it returned (the checks run when the nudges
 * are first read, when the buffers may serve another evaluation).
 */
interface CandidateView {
  readonly engine: Engine
  readonly count: number
  readonly ranks: Int32Array
  readonly position: Int32Array
  readonly flags: Uint8Array
  readonly reasons: readonly (readonly Reason[] | undefined)[]
  detached: { readonly ranks: readonly number[]; readonly flags: readonly number[] } | undefined
  /** The candidates that may read any line and have the flag RAN, and GAVE_NOTHING, with their positions (made on first use). */
  readonly wide: [Wide | undefined, Wide | undefined]
}

interface Wide {
  readonly ranks: number[]
  readonly positions: number[]
}

/** Where a rank stands among the candidates, or -1 when it is not one. */
const positionOf = (v: CandidateView, rank: number): number => {
  if (v.detached !== undefined) return positionIn(v.detached.ranks, rank)
  // (positions of other ranks are left over from other baskets)
  const k = v.position[rank] as number
  return k < v.count && v.ranks[k] === rank ? k : -1
}

const flagsOf = (v: CandidateView, k: number): number => (v.detached?.flags[k] ?? v.flags[k]) as number

/** `NudgeContext.newcomers`: the campaigns before `before` that the items would bring in. */
const newcomersOf =
  (v: CandidateView): Judge['newcomers'] =>
  (probes, before) => {
    const { engine } = v
    const found = new Set<number>()
    const add = (list: readonly number[] | undefined) => {
      if (list === undefined) return
      for (const rank of list) if (rank < before && positionOf(v, rank) === -1) found.add(rank)
    }
    for (const p of probes) {
      add(engine.bySku.get(p.sku))
      if (p.brand !== undefined) add(engine.byBrand.get(p.brand))
      for (const tag of p.tags ?? []) add(engine.byTag.get(tag))
      for (const category of p.categories) for (const c of lookupCategories(category)) add(engine.byCategory.get(c))
    }
    return [...found].sort((a, b) => a - b).map((rank) => engine.entries[rank] as Entry)
  }

/** `NudgeContext.readers`: the candidates before `before` that may read the items and have a flag of `mask`. */
const readersOf =
  (v: CandidateView): Judge['readers'] =>
  (probes, before, mask) => {
    const { engine, reasons } = v
    const found: number[] = []
    let amount = 0
    let units = 0
    for (const p of probes) {
      amount += p.amount
      units += p.quantity
    }
    const take = (rank: number, k: number) => {
      // A lone threshold further off than all the items added could bring stays as it was.
      if (mask === GAVE_NOTHING && (engine.entries[rank] as Entry).threshold) {
        const r = reasons[k]?.[0]
        const short = r === undefined ? 0 : (r.required as number) - (r.actual as number)
        if (r?.code === 'MIN_SPEND' ? short > amount : r?.code === 'MIN_QUANTITY' && short > units) return
      }
      found.push(rank)
    }
    const add = (list: readonly number[] | undefined) => {
      if (list === undefined) return
      for (const rank of list) {
        if (rank >= before) return
        const k = positionOf(v, rank)
        if (k !== -1 && (flagsOf(v, k) & mask) !== 0) take(rank, k)
      }
    }
    const readers = engine.readers
    // The campaigns that may read any line, among the candidates with a flag of `mask`, found once
    // per mask (the flags are final when nudges are checked).
    const w = mask === RAN ? 0 : 1
    let wide = v.wide[w]
    if (wide === undefined) {
      wide = { ranks: [], positions: [] }
      for (const rank of readers.get('*') ?? []) {
        const k = positionOf(v, rank)
        if (k !== -1 && (flagsOf(v, k) & mask) !== 0) {
          wide.ranks.push(rank)
          wide.positions.push(k)
        }
      }
      v.wide[w] = wide
    }
    for (let j = 0; j < wide.ranks.length && (wide.ranks[j] as number) < before; j++)
      take(wide.ranks[j] as number, wide.positions[j] as number)
    for (const p of probes) {
      add(readers.get(`s:${p.sku}`))
      if (p.brand !== undefined) add(readers.get(`b:${p.brand}`))
      for (const tag of p.tags ?? []) add(readers.get(`t:${tag}`))
      for (const category of p.categories) for (const c of lookupCategories(category)) add(readers.get(`c:${c}`))
    }
    found.sort((a, b) => a - b)
    const out: Entry[] = []
    for (let i = 0; i < found.length; i++)
      if (found[i] !== found[i - 1]) out.push(engine.entries[found[i] as number] as Entry)
    return out
  }

/** The position of `rank` in ascending `ranks` (binary search), or -1. */
const positionIn = (ranks: readonly number[], rank: number): number => {
  let lo = 0
  let hi = ranks.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const r = ranks[mid] as number
    if (r === rank) return mid
    if (r < rank) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

const NO_NUDGES: Evaluation['nudges'] = Object.freeze([]) as Evaluation['nudges']

/** Where a lazy evaluation keeps its nudges: how to write them, then what was written (or assigned). */
const PENDING = Symbol('nudges')

interface PendingNudges {
  write: (() => Evaluation['nudges']) | undefined
  nudges: Evaluation['nudges'] | undefined
}

/**
 * `nudges`, computed when first read, then kept: checking a nudge runs campaigns again on the
 * basket with the item added, the dearest part of an evaluation, and a caller that never reads the
 * nudges (a close, a replay) need not pay for it. An enumerable accessor, so that `JSON.stringify`,
 * spreading, codecs, `structuredClone` and deep equality all see the list, which also takes an
 * assignment; deterministic, the list is the same whenever it is read. One descriptor, with the
 * same two functions, for every evaluation: the state is behind a non-enumerable symbol, so that
 * every lazy evaluation has the same shape (a closure per object would give each its own hidden
 * class, kept in old space with everything the closure holds).
 */
const LAZY_NUDGES: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { [PENDING]: PendingNudges }) {
    const p = this[PENDING]
    if (p.nudges === undefined) {
      p.nudges = (p.write as () => Evaluation['nudges'])()
      p.write = undefined
    }
    return p.nudges
  },
  set(this: { [PENDING]: PendingNudges }, value: Evaluation['nudges']) {
    const p = this[PENDING]
    p.nudges = value
    p.write = undefined
  },
}

import type { Basket, BasketLine, Sku } from '../basket/basket.codec.js'
import { convertMeasure, type MeasureUnit } from '../basket/units.js'
import { formatMoney } from '../money/format.js'
import { type MinorUnits, minor } from '../money/Money.js'
import type { Selector } from './campaign.codec.js'
import type { Judge } from './candidates.js'
import { compareMissing } from './conditions/logic.js'
import {
  type BasketContext,
  type Effects,
  gave,
  linesOf,
  type Missing,
  newGeneration,
  type Selection,
  type State,
} from './context.js'
import type { Entry } from './engine.js'
import type { Nudge } from './evaluation.codec.js'
import { rewardOf } from './optimise.js'

// Nudges: what a basket misses for a campaign, checked before it is said, then kept (the smallest
// steps first) and written. A nudge is true: adding what it says (`missing.of`, `missing.sku`, how
// many or how much) makes its campaign apply and give something.

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** Runs a campaign's reward on a basket and a state (the evaluator's, with budgets). */
export type RunReward = (ctx: BasketContext, state: State, entry: Entry) => Effects

/** What a nudge is checked against: the evaluation so far. */
export interface NudgeContext {
  readonly run: RunReward
  /**
   * The share of a line the proportional discounts applied so far left (kept, whole): an item like
   * it would keep as much. `[1, 1]` when none took any.
   */
  readonly kept: (line: number) => readonly [number, number]
  /** Cents a grossed-up amount adds for the rounding of those discounts (one each). */
  readonly margin: number
  /**
   * The campaigns before `rank` that may read one of the lines (see `Engine.readers`) and ran
   * ({@link RAN}) or gave nothing ({@link GAVE_NOTHING}), in application order: only those can do
   * anything else once the items are added.
   */
  readonly readers: (lines: readonly BasketLine[], rank: number, mask: number) => readonly Entry[]
  /** The discount campaigns that ran so far, in order (applied or not): run again on a grown basket. */
  readonly ran: readonly Entry[]
  /**
   * When set, the final word: whether the campaign applies (or loses only the best deal) once the
   * items are added, the basket evaluated again (where adding an item may change the best deal).
   */
  readonly confirm: ((probes: readonly BasketLine[], entry: Entry) => boolean) | undefined
  /** The campaigns before `rank` that the items added would bring in (they did not concern the basket). */
  readonly newcomers: (probes: readonly BasketLine[], rank: number) => readonly Entry[]
}

/** The price a nudge assumes for an item it names only by a selector (no such line in the basket). */
export const NUDGE_ITEM_PRICE = 100

const PROBE_ID = '\u0000nudge'

/** A spend nudge is checked by running again at most this many campaigns before it. */
const EXACT_RERUN = 32

/** Cents a discount may take of an item added beyond its share (rounding, allocation), in a spend nudge not checked exactly. */
const SLACK_PER_DISCOUNT = 4

/** At most this many of the basket's products are tried as the thing to add. */
const PRODUCTS_TRIED = 3

// ---------------------------------------------------------------------------------------------
// probing: the basket with what the nudge says added
// ---------------------------------------------------------------------------------------------

const cloneState = (state: State): State => ({
  remaining: state.remaining.slice(),
  consumed: state.consumed.slice(),
  total: state.total,
})

/**
 * Whether adding `probes` makes the campaign apply and give more than `baseline`: {@link PAYS}, or
 * the money its trigger still misses, or {@link NO}. `exact`: the
 * campaigns before it (those that ran, and those the items would bring in) run again on the grown
 * basket, then it. Otherwise (a reward known to give, a trigger that counts items) the probes keep
 * what remains of them after earlier discounts (`remaining`), and the earlier campaigns that gave
 * nothing, or that the items would bring in, apply first if they now would. Works on a context of its own, so
 * nothing of the evaluation changes.
 */
const pays = (
  nc: NudgeContext,
  ctx: BasketContext,
  state: State,
  entry: Entry,
  probes: readonly BasketLine[],
  remaining: readonly number[],
  baseline: number,
  exact: boolean,
): number => {
  let gross = ctx.gross
  const units = ctx.units.slice()
  const discountable = ctx.discountable.slice()
  for (const p of probes) {
    gross += p.amount
    units.push((p.unit ?? 'each') === 'each' ? p.quantity : 0)
    discountable.push(p.discountable !== false)
  }
  const lines = [...ctx.lines, ...probes]
  const grown: BasketContext = {
    ...ctx,
    basket: { ...ctx.basket, lines },
    lines,
    units,
    discountable,
    gross,
    generation: newGeneration(),
    categories: undefined,
  }
  const newcomers = nc.newcomers(probes, entry.rank)
  let after: State
  if (exact && (newcomers.length > 0 || nc.readers(probes, entry.rank, RAN).length > 0)) {
    after = { remaining: lines.map((l) => l.amount), consumed: lines.map(() => 0), total: gross }
    const before = newcomers.length === 0 ? nc.ran : [...nc.ran, ...newcomers].sort((x, y) => x.rank - y.rank)
    for (const e of before) if (e.trigger === undefined || e.trigger(grown, after).ok) nc.run(grown, after, e)
  } else {
    // No campaign before it reads the items (exact: they keep their whole amount), or they keep
    // what the discounts so far leave of them.
    const left = exact ? probes.map((p) => p.amount as number) : remaining
    after = {
      remaining: [...state.remaining, ...left],
      consumed: [...state.consumed, ...probes.map(() => 0)],
      total: state.total + left.reduce((s, r) => s + r, 0),
    }
    // An earlier campaign that gave nothing, or that the items would bring in, and now gives takes
    // its share first: then the reward is asked again, exactly.
    if (!exact) {
      const earlier = nc.readers(probes, entry.rank, GAVE_NOTHING)
      // (A trigger shared with the campaign before, which failed, fails again: nothing changed since.)
      let failed: Entry['trigger']
      for (const e of newcomers.length === 0 ? earlier : [...earlier, ...newcomers].sort((x, y) => x.rank - y.rank)) {
        if (!e.givesDiscount || (e.trigger !== undefined && e.trigger === failed)) continue
        if (e.trigger !== undefined && !e.trigger(grown, after).ok) failed = e.trigger
        else if (gave(nc.run(grown, after, e))) {
          exact = true
          failed = undefined
        }
      }
    }
  }
  if (entry.trigger !== undefined) {
    const check = entry.trigger(grown, after)
    if (!check.ok) return check.missing?.kind === 'amount' ? check.missing.value : NO
  }
  const fx = nc.run(grown, after, entry)
  if (!(fx.discount > baseline || (baseline === 0 && gave(fx)))) return NO
  return nc.confirm === undefined || nc.confirm(probes, entry) ? PAYS : NO
}

/** Flags of a campaign in an evaluation (see `NudgeContext.readers`): it ran in the sequence. */
export const RAN = 16
/** It ran in the sequence and gave nothing. */
export const GAVE_NOTHING = 32

/** {@link pays}: the nudge is true. */
const PAYS = 0
/** {@link pays}: the nudge is not true (a positive answer is the money still missing). */
const NO = -1

/** What proportional discounts leave of an item like line `i` (kept, whole); without a line, like the most discounted line. */
const keptOf = (ctx: BasketContext, nc: NudgeContext, i: number | undefined): readonly [number, number] => {
  if (i !== undefined) return nc.kept(i)
  let worst: readonly [number, number] = ONE
  for (let k = 0; k < ctx.lines.length; k++) {
    if (ctx.discountable[k] !== true || (ctx.lines[k] as BasketLine).amount <= 0) continue
    const kept = nc.kept(k)
    if (kept[0] / kept[1] < worst[0] / worst[1]) worst = kept
  }
  return worst
}

/** What is left of `amount` once the share `kept` is applied (rounded down). */
const leftOf = (amount: number, kept: readonly [number, number]): number =>
  kept[0] === kept[1] ? amount : Number((BigInt(amount) * BigInt(kept[0])) / BigInt(kept[1]))

/**
 * The basket's products a selection picks, one line per SKU (`each` or measured), discountable
 * first, then the dearest, then by SKU: the products a nudge may name.
 */
const productsOf = (ctx: BasketContext, sel: Selection | undefined, measured: boolean): number[] => {
  const seen = new Set<string>()
  const out: number[] = []
  const pick = (i: number) => {
    const l = ctx.lines[i] as BasketLine
    if (((l.unit ?? 'each') !== 'each') !== measured || seen.has(l.sku)) return
    seen.add(l.sku)
    out.push(i)
  }
  if (sel === undefined) for (let i = 0; i < ctx.lines.length; i++) pick(i)
  else for (const i of linesOf(ctx, sel)) pick(i)
  out.sort((a, b) => {
    const la = ctx.lines[a] as BasketLine
    const lb = ctx.lines[b] as BasketLine
    return (
      Number(ctx.discountable[b]) - Number(ctx.discountable[a]) ||
      lb.unitPrice - la.unitPrice ||
      (la.sku < lb.sku ? -1 : la.sku > lb.sku ? 1 : 0)
    )
  })
  return out.slice(0, PRODUCTS_TRIED)
}

/** A copy of a basket line as the item to add. */
const more = (line: BasketLine, quantity: number, amount: number): BasketLine => ({
  ...line,
  id: PROBE_ID,
  quantity,
  amount: minor(amount),
})

type LineParts = { sku?: string; categories?: string[]; brand?: string; tags?: string[] }

/** The simplest line a selector picks (`undefined` when it cannot say: `not`, contradictions). */
const partsOf = (s: Selector): LineParts | undefined => {
  if (s === '*') return {}
  if ('sku' in s) return s.sku.length === 0 ? undefined : { sku: s.sku[0] as string }
  if ('category' in s) return s.category.length === 0 ? undefined : { categories: [s.category[0] as string] }
  if ('brand' in s) return s.brand.length === 0 ? undefined : { brand: s.brand[0] as string }
  if ('tag' in s) return s.tag.length === 0 ? undefined : { tags: [s.tag[0] as string] }
  if ('any' in s) {
    for (const part of s.any) {
      const p = partsOf(part)
      if (p !== undefined) return p
    }
    return undefined
  }
  if ('all' in s) {
    const out: LineParts = {}
    for (const part of s.all) {
      const p = partsOf(part)
      if (p === undefined || (p.sku !== undefined && out.sku !== undefined && p.sku !== out.sku)) return undefined
      if (p.brand !== undefined && out.brand !== undefined && p.brand !== out.brand) return undefined
      if (p.sku !== undefined) out.sku = p.sku
      if (p.brand !== undefined) out.brand = p.brand
      if (p.categories !== undefined) out.categories = [...(out.categories ?? []), ...p.categories]
      if (p.tags !== undefined) out.tags = [...(out.tags ?? []), ...p.tags]
    }
    return out
  }
  return undefined
}

/** A new line the selection picks, when the basket has none to copy; undefined when none can be said. */
const newLine = (
  sel: Selection | undefined,
  sku: string | undefined,
  quantity: number,
  unit: string | undefined,
  amount: number,
): BasketLine | undefined => {
  const parts = partsOf(sel?.selector ?? '*')
  if (parts === undefined) return undefined
  const line = {
    id: PROBE_ID,
    sku: (sku ?? parts.sku ?? 'nudge-item') as Sku,
    quantity,
    ...(unit === undefined ? {} : { unit }),
    unitPrice: minor(NUDGE_ITEM_PRICE),
    amount: minor(amount),
    categories: parts.categories ?? [],
    ...(parts.brand === undefined ? {} : { brand: parts.brand }),
    ...(parts.tags === undefined ? {} : { tags: parts.tags }),
  } as BasketLine
  return sel?.match === undefined || sel.match(line) ? line : undefined
}

// ---------------------------------------------------------------------------------------------
// true nudges
// ---------------------------------------------------------------------------------------------

/**
 * The nudge towards a campaign whose trigger misses `missing`, made true, or undefined when none
 * would be. It names the product to add when that matters (`sku`: one of the basket's), and for
 * money grosses the amount up by what earlier discounts would take off the item added. A nudge is
 * kept only when adding what it says makes the trigger pass and the reward give something, and
 * brings in no earlier campaign that would take its share first.
 */
export const trueNudge = (
  nc: NudgeContext,
  ctx: BasketContext,
  state: State,
  entry: Entry,
  missing: Missing,
): Missing | undefined => {
  const of = missing.of
  // A reward that never gives less with more in the basket, and gives now: only the trigger (and
  // the earlier campaigns) are asked, and adding what the trigger counts answers it.
  const cheap = entry.monotone
  switch (missing.kind) {
    case 'quantity':
    case 'measure': {
      // What the trigger counts may be fewer units than the reward needs ("3 for 2" triggered from
      // 2 items): when that many does not pay, one or two units more are tried, smallest first.
      const tries = missing.kind === 'quantity' ? QUANTITY_TRIES : 1
      for (let extra = 0; extra < tries; extra++) {
        const asked = extra === 0 ? missing : { ...missing, value: missing.value + extra }
        const found = quantityNudge(nc, ctx, state, entry, asked, of, !cheap)
        if (found !== undefined) return found
      }
      return undefined
    }
    case 'distinct': {
      const inBasket = new Set<string>(ctx.lines.map((l) => l.sku))
      const listed = of !== undefined && typeof of.selector === 'object' && 'sku' in of.selector ? of.selector.sku : []
      const fresh = listed.filter((s) => !inBasket.has(s))
      // A list of SKUs with too few left to add: no nudge can meet it.
      if (listed.length > 0 && fresh.length < missing.value) return undefined
      const added: BasketLine[] = []
      for (let k = 0; k < missing.value; k++) {
        const line = newLine(of, listed.length > 0 ? fresh[k] : `nudge-item-${k + 1}`, 1, undefined, NUDGE_ITEM_PRICE)
        if (line === undefined) return undefined
        added.push({ ...line, id: `${PROBE_ID}${k}` })
      }
      const kept = keptOf(ctx, nc, undefined)
      const left = added.map((l) => leftOf(l.amount, kept))
      return pays(nc, ctx, state, entry, added, left, 0, !cheap) === PAYS ? missing : undefined
    }
    case 'amount': {
      // An item like the line of the selection that earlier proportional discounts took the
      // smallest share of (it is named): the amount to spend is grossed up by that share, plus a
      // cent for rounding. Without such a line in the basket, a new item, grossed up by the largest
      // share any line lost.
      const selected = of === undefined ? undefined : linesOf(ctx, of)
      let best = -1
      let bestKept: readonly [number, number] = [0, 1]
      if (selected !== undefined) {
        for (const i of selected) {
          if (ctx.discountable[i] !== true || (ctx.lines[i] as BasketLine).amount <= 0) continue
          const k = nc.kept(i)
          if (best === -1 || k[0] / k[1] > bestKept[0] / bestKept[1]) {
            best = i
            bestKept = k
          }
        }
      }
      const [kept, whole] = keptOf(ctx, nc, best === -1 ? undefined : best)
      // No share to gross up by: a new item will do, and no product is named.
      const copied = best === -1 || kept === whole ? undefined : (ctx.lines[best] as BasketLine)
      if (kept <= 0) return undefined
      const item = (value: number) =>
        copied !== undefined
          ? { ...more(copied, 1, value), unitPrice: minor(value) }
          : newLine(of, undefined, 1, undefined, value)
      const first = item(missing.value)
      if (first === undefined) return undefined
      // Checked exactly (the campaigns before it run again on the grown basket) unless many ran
      // before it and some of them read the item: then each of those may take up to
      // SLACK_PER_DISCOUNT cents more or less of the item than its share, and the amount asks that
      // much more (the estimate is kept as it is, only the trigger and the reward are asked).
      const reading = nc.readers([first], entry.rank, RAN).length
      const exact = !entry.monotone || nc.ran.length <= EXACT_RERUN
      const slack = exact ? 0 : SLACK_PER_DISCOUNT * reading
      const estimate =
        kept === whole && slack === 0
          ? missing.value
          : Number((BigInt(missing.value + nc.margin + slack) * BigInt(whole) + BigInt(kept) - 1n) / BigInt(kept))
      // The estimate, checked on the grown basket; if it falls short (rounding, another threshold
      // the item also crosses), what is still missing, twice at most.
      let value = estimate
      for (let attempt = 0; attempt < 3; attempt++) {
        const added = item(value)
        if (added === undefined) return undefined
        const answer = pays(nc, ctx, state, entry, [added], [leftOf(value, [kept, whole])], 0, exact)
        if (answer === PAYS) return { ...missing, value, ...(copied === undefined ? {} : { sku: copied.sku }) }
        if (answer === NO) return undefined
        value += answer
      }
      return undefined
    }
  }
}

/** How many quantities a quantity nudge tries: what the trigger asks, then one and two more units. */
const QUANTITY_TRIES = 3

/**
 * A quantity or measure nudge checked: first a new item the selection picks (then the nudge names
 * no product: any will do), then more of one of the basket's products (then it names it).
 */
const quantityNudge = (
  nc: NudgeContext,
  ctx: BasketContext,
  state: State,
  entry: Entry,
  missing: Missing,
  of: Missing['of'],
  exact: boolean,
): Missing | undefined => {
  // First a new item the selection picks (then the nudge names no product: any will do), then
  // more of one of the basket's products (then it names it).
  const measured = missing.kind === 'measure'
  const amount = Math.ceil(NUDGE_ITEM_PRICE * missing.value)
  const added = newLine(of, undefined, missing.value, measured ? missing.unit : undefined, amount)
  const kept = keptOf(ctx, nc, undefined)
  if (added !== undefined && pays(nc, ctx, state, entry, [added], [leftOf(added.amount, kept)], 0, exact) === PAYS) {
    return missing
  }
  for (const i of productsOf(ctx, of, measured)) {
    const line = ctx.lines[i] as BasketLine
    let quantity = missing.value
    if (measured) {
      const q = convertMeasure(missing.value, missing.unit as MeasureUnit, (line.unit ?? 'kg') as MeasureUnit)
      if (q === undefined) continue
      quantity = Math.ceil(q * 1000) / 1000
    }
    const cost = Math.ceil(line.unitPrice * quantity)
    if (
      pays(nc, ctx, state, entry, [more(line, quantity, cost)], [leftOf(cost, keptOf(ctx, nc, i))], 0, exact) === PAYS
    ) {
      return { ...missing, sku: line.sku }
    }
  }
  return undefined
}

/**
 * The nudge of a consuming reward one unit short of another group, made true: the product of the
 * basket whose one more unit makes the campaign give more than `given` (tried on the state before
 * the campaign ran), or undefined.
 */
export const trueUnitNudge = (
  nc: NudgeContext,
  ctx: BasketContext,
  before: State,
  entry: Entry,
  given: number,
): Missing | undefined => {
  for (const of of entry.consumes ?? []) {
    for (const i of productsOf(ctx, of, false)) {
      const line = ctx.lines[i] as BasketLine
      if (ctx.discountable[i] !== true) continue
      const left = leftOf(line.unitPrice, keptOf(ctx, nc, i))
      if (pays(nc, ctx, before, entry, [more(line, 1, line.unitPrice)], [left], given, true) === PAYS) {
        return { kind: 'quantity', value: 1, of, sku: line.sku }
      }
    }
  }
  return undefined
}

/** A copy of a state, for a reward that may be asked for a nudge afterwards. */
export const snapshot = cloneState

// ---------------------------------------------------------------------------------------------
// offering, in the evaluation
// ---------------------------------------------------------------------------------------------

/** The evaluator's reward runner for nudge probes (with budgets, on any context). */
const runnerOf =
  (judge: Judge): RunReward =>
  (ctx, state, entry) =>
    rewardOf(judge, state, entry, ctx)

/**
 * Nudges checked against the evaluation as it stood when the campaign was judged: the state then
 * (a copy), what the first `fixed` fixed amounts took of each line, and the first `r` campaigns that
 * ran (both lists only grow).
 */
const sequenceNudges = (judge: Judge, state: State, fixed: number, r: number): NudgeContext => ({
  run: runnerOf(judge),
  // What remains of the line, plus what fixed amounts took (they would not grow with the item):
  // plain integers, whatever the number of discounts (an estimate; amounts are checked exactly).
  kept: (line) => {
    const amount = (judge.ctx.lines[line] as BasketLine).amount
    let took = 0
    for (let j = 0; j < fixed; j++) took += ((judge.fixed[j] as readonly number[])[line] as number | undefined) ?? 0
    return [Math.min(amount, (state.remaining[line] as number) + took), amount]
  },
  margin: 1,
  readers: judge.readers,
  ran: judge.ran.slice(0, r),
  confirm: judge.confirm,
  newcomers: judge.newcomers,
})

/** Nudges of a campaign judged alone (no other campaign before it). */
const aloneNudges = (judge: Judge): NudgeContext => ({
  run: runnerOf(judge),
  kept: () => ONE,
  margin: 0,
  readers: () => [],
  ran: [],
  confirm: judge.confirm,
  newcomers: judge.newcomers,
})

/**
 * A nudge offered, to be made true when written: what the check needs, as data (an evaluation
 * offers dozens and checks a few, so an offer allocates one small record and copies nothing).
 */
export interface Offer {
  readonly entry: Entry
  readonly missing: Missing
  /** Judged alone, on this fresh state (no other campaign before it); undefined: in the sequence. */
  readonly alone: State | undefined
  /** In the sequence: how many rewards had run (`Judge.steps`), fixed amounts had applied (`Judge.fixed`), and discount campaigns had run (`Judge.ran`). */
  readonly step: number
  readonly fixed: number
  readonly ran: number
  /** A consuming reward's nudge (one unit short of another group): the state before it ran, and what it gave. */
  readonly before: State | undefined
  readonly given: number
}

/**
 * The evaluation's state at a step of the sequence: the final state with the discounts of the
 * rewards that ran from that step on given back, and the units consumed as they were then.
 */
const stateAt = (judge: Judge, step: number): State => {
  judge.states ??= new Map()
  let state = judge.states.get(step)
  if (state !== undefined) return state
  const final = judge.state as State
  const remaining = final.remaining.slice()
  let consumed: readonly number[] | undefined
  for (let j = step; j < judge.steps.length; j++) {
    const { perLine, consumedBefore } = judge.steps[j] as Judge['steps'][number]
    if (perLine !== undefined) {
      for (let i = 0; i < perLine.length; i++) remaining[i] = (remaining[i] as number) + (perLine[i] as number)
    }
    consumed ??= consumedBefore
  }
  let total = 0
  for (let i = 0; i < remaining.length; i++) total += remaining[i] as number
  state = { remaining, consumed: (consumed ?? final.consumed).slice(), total }
  judge.states.set(step, state)
  return state
}

/** Makes an offer true, or drops it (undefined). */
export const checkOffer = (judge: Judge, o: Offer): Missing | undefined => {
  const state = o.alone ?? stateAt(judge, o.step)
  const nc = o.alone !== undefined ? aloneNudges(judge) : sequenceNudges(judge, state, o.fixed, o.ran)
  return o.before === undefined
    ? trueNudge(nc, judge.ctx, state, o.entry, o.missing)
    : trueUnitNudge(nc, judge.ctx, o.before, o.entry, o.given)
}

/** Records an offer at the current step of the sequence (or judged alone, on `alone`). */
const offer = (
  judge: Judge,
  pending: Nudges,
  entry: Entry,
  missing: Missing,
  alone: State | undefined,
  before: State | undefined,
  given: number,
): void =>
  pending.offer({
    entry,
    missing,
    alone,
    step: judge.steps.length,
    fixed: judge.fixed.length,
    ran: judge.ran.length,
    before,
    given,
  })

/** Offers a trigger's nudge, if it may be kept, to be made true when written (see `trueNudge`). */
export const offerNudge = (
  judge: Judge,
  pending: Nudges,
  state: State,
  entry: Entry,
  missing: Missing | undefined,
  alone = false,
): void => {
  if (missing !== undefined && pending.wants(missing))
    offer(judge, pending, entry, missing, alone ? state : undefined, undefined, 0)
}

/** Offers the nudge of a consuming reward one unit short of another group, to be made true when written (see `trueUnitNudge`). */
export const offerUnitNudge = (
  judge: Judge,
  pending: Nudges,
  before: State,
  state: State,
  entry: Entry,
  fx: Effects,
  alone = false,
): void => {
  if (pending.wants(ONE_UNIT)) offer(judge, pending, entry, ONE_UNIT, alone ? state : undefined, before, fx.discount)
}

const ONE: readonly [number, number] = [1, 1]

const ONE_UNIT: Missing = { kind: 'quantity', value: 1 }

// ---------------------------------------------------------------------------------------------
// keeping and writing
// ---------------------------------------------------------------------------------------------

/** Past the nudges that may be said, this many more are kept unchecked, in case some are not true. */
const SPARE = 3

/**
 * Nudges not yet written: the campaign, what its trigger says is missing, and the check that makes
 * it true (or drops it). Only the first `max` true nudges in nudge order (the smallest step first,
 * see `compareMissing`, then application order) are written. It keeps `max + SPARE` candidates
 * (all of them when `max` is Infinity) sorted as campaigns come (an insertion that never moves a
 * later campaign before an equal earlier one: campaigns come in application order), and only those
 * are ever checked, smallest first, until `max` are true: the checks, which run campaigns again on
 * the grown basket, are the dear part of a nudge.
 */
export class Nudges {
  /** The offers kept, in nudge order. */
  readonly offers: Offer[] = []
  private readonly cap: number
  constructor(
    private readonly max: number,
    private readonly check: (offer: Offer) => Missing | undefined,
  ) {
    this.cap = max === 0 ? 0 : max + SPARE
  }

  /** Whether a nudge of this size would be kept now (so that only those are offered). */
  wants(missing: Missing): boolean {
    const { cap, offers } = this
    return cap > 0 && (offers.length < cap || compareMissing(missing, (offers[cap - 1] as Offer).missing) < 0)
  }

  /** Offers the nudge of a campaign (campaigns come in application order), if `wants` said so. */
  offer(offer: Offer): void {
    const { cap, offers } = this
    // After every kept offer of a step no larger (binary search): equal steps stay in application order.
    let lo = 0
    let hi = offers.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareMissing(offer.missing, (offers[mid] as Offer).missing) < 0) hi = mid
      else lo = mid + 1
    }
    offers.splice(lo, 0, offer)
    if (offers.length > cap) offers.pop()
  }

  /**
   * The true nudges, in nudge order, with their messages. Candidates are checked smallest first; a
   * checked step is never smaller than the one offered (amounts grow by what earlier discounts
   * take), so once `max` are true, a candidate that cannot come before the last of them is not checked.
   */
  write(currency: Basket['currency']): Nudge[] {
    const { offers, max, check } = this
    const before = (e: Entry, m: Missing, f: Entry, n: Missing) => (compareMissing(m, n) || e.rank - f.rank) < 0
    const keptEntries: Entry[] = []
    const kept: Missing[] = []
    for (const offer of offers) {
      const { entry } = offer
      const last = kept.length - 1
      if (kept.length >= max && !before(entry, offer.missing, keptEntries[last] as Entry, kept[last] as Missing)) break
      const m = check(offer)
      if (m === undefined) continue
      let k = kept.length
      while (k > 0 && before(entry, m, keptEntries[k - 1] as Entry, kept[k - 1] as Missing)) k--
      keptEntries.splice(k, 0, entry)
      kept.splice(k, 0, m)
      if (kept.length > max) {
        keptEntries.pop()
        kept.pop()
      }
    }
    return kept.map((m, i) => writeNudge(keptEntries[i] as Entry, m, currency))
  }
}

/** Which lines, in words: `" from grocery/pasta"`, `" of Nutella"`, `""` for any line. */
const describe = (of: Selection | undefined): string => {
  const s = of?.selector
  if (s === undefined || s === '*') return ''
  if ('sku' in s) return ` of SKU ${s.sku.join(' or ')}`
  if ('category' in s) return ` from ${s.category.join(' or ')}`
  if ('brand' in s) return ` of ${s.brand.join(' or ')}`
  if ('tag' in s) return ` tagged ${s.tag.join(' or ')}`
  return ' of the selected products'
}

const nudgeMessage = (
  nudge: string | undefined,
  label: string,
  missing: Missing,
  currency: Basket['currency'],
): string => {
  if (nudge !== undefined) return nudge
  const what = describe(missing.of)
  switch (missing.kind) {
    case 'amount':
      return `Spend ${formatMoney({ amount: minor(missing.value), currency })} more${what === '' ? '' : ` on items${what}`}: ${label}`
    case 'quantity':
      return `Add ${missing.value} more item${missing.value === 1 ? '' : 's'}${what}: ${label}`
    case 'distinct':
      return `Add ${missing.value} more different product${missing.value === 1 ? '' : 's'}${what}: ${label}`
    case 'measure':
      return `Add ${Number(missing.value.toFixed(3))} ${missing.unit} more${what}: ${label}`
  }
}

const writeNudge = (entry: Entry, m: Missing, currency: Basket['currency']): Nudge => {
  const of = m.of === undefined || m.of.selector === '*' ? {} : { of: m.of.selector }
  const sku = m.sku === undefined || m.sku.startsWith('nudge-item') ? {} : { sku: m.sku }
  return {
    campaignId: entry.id,
    message: nudgeMessage(entry.nudgeLabel, entry.label, m, currency),
    missing:
      m.kind === 'amount'
        ? { amount: m.value as MinorUnits, ...of, ...sku }
        : { quantity: m.value, ...(m.unit ? { unit: m.unit } : {}), ...of, ...sku },
  }
}

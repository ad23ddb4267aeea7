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
   * it would keep as much. `[1n, 1n]` when none took any.
   */
  readonly kept: (line: number) => readonly [bigint, bigint]
  /** Cents a grossed-up amount adds for the rounding of those discounts (one each). */
  readonly margin: number
  /** The discount campaigns before this one that gave nothing: the item added must not make one of them give. */
  readonly earlier: readonly Entry[]
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

/** At most this many of the basket's products are tried as the thing to add. */
const PRODUCTS_TRIED = 3

// ---------------------------------------------------------------------------------------------
// probing: the basket with what the nudge says added
// ---------------------------------------------------------------------------------------------

const gave = (fx: Effects): boolean =>
  fx.discount > 0 || fx.gifts.length > 0 || fx.coupons.length > 0 || fx.points.length > 0

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
  if (exact) {
    after = { remaining: lines.map((l) => l.amount), consumed: lines.map(() => 0), total: gross }
    const before = newcomers.length === 0 ? nc.ran : [...nc.ran, ...newcomers].sort((x, y) => x.rank - y.rank)
    for (const e of before) if (e.trigger === undefined || e.trigger(grown, after).ok) nc.run(grown, after, e)
  } else {
    after = {
      remaining: [...state.remaining, ...remaining],
      consumed: [...state.consumed, ...probes.map(() => 0)],
      total: state.total + remaining.reduce((s, r) => s + r, 0),
    }
    // An earlier campaign the items would bring in takes its share first: then the reward is asked again.
    const more = newcomers.length === 0 ? nc.earlier : [...nc.earlier, ...newcomers].sort((x, y) => x.rank - y.rank)
    for (const e of more) {
      if (e.givesDiscount && (e.trigger === undefined || e.trigger(grown, after).ok) && gave(nc.run(grown, after, e))) {
        exact = true
      }
    }
  }
  if (entry.trigger !== undefined) {
    const check = entry.trigger(grown, after)
    if (!check.ok) return check.missing?.kind === 'amount' ? check.missing.value : NO
  }
  if (exact) {
    const fx = nc.run(grown, after, entry)
    if (!(fx.discount > baseline || (baseline === 0 && gave(fx)))) return NO
  }
  return nc.confirm === undefined || nc.confirm(probes, entry) ? PAYS : NO
}

/** {@link pays}: the nudge is true. */
const PAYS = 0
/** {@link pays}: the nudge is not true (a positive answer is the money still missing). */
const NO = -1

/** What proportional discounts leave of an item like line `i` (kept, whole); without a line, like the most discounted line. */
const keptOf = (ctx: BasketContext, nc: NudgeContext, i: number | undefined): readonly [bigint, bigint] => {
  if (i !== undefined) return nc.kept(i)
  let worst: readonly [bigint, bigint] = [1n, 1n]
  for (let k = 0; k < ctx.lines.length; k++) {
    if (ctx.discountable[k] !== true || (ctx.lines[k] as BasketLine).amount <= 0) continue
    const kept = nc.kept(k)
    if (kept[0] * worst[1] < worst[0] * kept[1]) worst = kept
  }
  return worst
}

/** What is left of `amount` once the share `kept` is applied (rounded down). */
const leftOf = (amount: number, kept: readonly [bigint, bigint]): number => Number((BigInt(amount) * kept[0]) / kept[1])

/** Whether the reward gives something now (on a copy of the state). */
const givesNow = (nc: NudgeContext, ctx: BasketContext, state: State, entry: Entry): boolean =>
  gave(nc.run(ctx, cloneState(state), entry))

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
  const cheap = entry.monotone && givesNow(nc, ctx, state, entry)
  switch (missing.kind) {
    case 'quantity':
    case 'measure': {
      // First a new item the selection picks (then the nudge names no product: any will do), then
      // more of one of the basket's products (then it names it).
      const measured = missing.kind === 'measure'
      const amount = Math.ceil(NUDGE_ITEM_PRICE * missing.value)
      const added = newLine(of, undefined, missing.value, measured ? missing.unit : undefined, amount)
      const kept = keptOf(ctx, nc, undefined)
      if (
        added !== undefined &&
        pays(nc, ctx, state, entry, [added], [leftOf(added.amount, kept)], 0, !cheap) === PAYS
      ) {
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
          pays(nc, ctx, state, entry, [more(line, quantity, cost)], [leftOf(cost, keptOf(ctx, nc, i))], 0, !cheap) ===
          PAYS
        ) {
          return { ...missing, sku: line.sku }
        }
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
      let bestKept: readonly [bigint, bigint] = [0n, 1n]
      if (selected !== undefined) {
        for (const i of selected) {
          if (ctx.discountable[i] !== true || (ctx.lines[i] as BasketLine).amount <= 0) continue
          const k = nc.kept(i)
          if (best === -1 || k[0] * bestKept[1] > bestKept[0] * k[1]) {
            best = i
            bestKept = k
          }
        }
      }
      const [kept, whole] = keptOf(ctx, nc, best === -1 ? undefined : best)
      // No share to gross up by: a new item will do, and no product is named.
      const copied = best === -1 || kept === whole ? undefined : (ctx.lines[best] as BasketLine)
      if (kept <= 0n) return undefined
      const estimate =
        kept === whole ? missing.value : Number((BigInt(missing.value + nc.margin) * whole + kept - 1n) / kept)
      // The estimate, checked by running the campaigns again on the grown basket; if it falls
      // short (rounding, another threshold the item also crosses), what is still missing, twice at most.
      let value = estimate
      for (let attempt = 0; attempt < 3; attempt++) {
        const added =
          copied !== undefined
            ? { ...more(copied, 1, value), unitPrice: minor(value) }
            : newLine(of, undefined, 1, undefined, value)
        if (added === undefined) return undefined
        const answer = pays(nc, ctx, state, entry, [added], [leftOf(value, [kept, whole])], 0, true)
        if (answer === PAYS) return { ...missing, value, ...(copied === undefined ? {} : { sku: copied.sku }) }
        if (answer === NO) return undefined
        value += answer
      }
      return undefined
    }
  }
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
 * Nudges checked against the evaluation so far (its state): the share of each line the
 * proportional discounts left (walking back from what remains, through every discount applied),
 * and the campaigns that gave nothing.
 */
export const sequenceNudges = (judge: Judge, state: State): NudgeContext => {
  const { discounted } = judge
  return {
    run: runnerOf(judge),
    // What remains of the line, plus what fixed amounts took (they would not grow with the item):
    // plain integers, whatever the number of discounts (an estimate; amounts are checked exactly).
    kept: (line) => {
      let fixed = 0
      for (const d of discounted) if (!d.proportional) fixed += d.perLine[line] as number
      const amount = (judge.ctx.lines[line] as BasketLine).amount
      return [BigInt(Math.min(amount, (state.remaining[line] as number) + fixed)), BigInt(amount)]
    },
    margin: 1,
    earlier: judge.gaveNothing,
    ran: judge.ran,
    confirm: judge.confirm,
    newcomers: judge.newcomers,
  }
}

/** Nudges of a campaign judged alone (no other campaign before it). */
export const aloneNudges = (judge: Judge): NudgeContext => ({
  run: runnerOf(judge),
  kept: () => ONE,
  margin: 0,
  earlier: [],
  ran: [],
  confirm: judge.confirm,
  newcomers: judge.newcomers,
})

/** Offers a trigger's nudge, if it would be kept, once made true (see `trueNudge`). */
export const offerNudge = (
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
export const offerUnitNudge = (
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

// ---------------------------------------------------------------------------------------------
// keeping and writing
// ---------------------------------------------------------------------------------------------

/**
 * Nudges not yet written: the campaign and what is missing. Only the first `max` in nudge order
 * (the smallest step first, see `compareMissing`, then application order) are kept, and only
 * those get a message. A small `max` is kept sorted as campaigns come, in application order (an
 * insertion that never moves a later campaign before an equal earlier one); a large one is sorted
 * once at the end.
 */
export class Nudges {
  readonly entries: Entry[] = []
  readonly missing: Missing[] = []
  private readonly bounded: boolean
  constructor(private readonly max: number) {
    this.bounded = max < 64
  }

  /** Whether a nudge of this size would be kept now (so that only those are checked). */
  wants(missing: Missing): boolean {
    if (!this.bounded) return true
    const { max } = this
    return max > 0 && (this.entries.length < max || compareMissing(missing, this.missing[max - 1] as Missing) < 0)
  }

  /** Offers the nudge of a campaign (campaigns come in application order). */
  offer(entry: Entry, missing: Missing): void {
    const { entries, max } = this
    if (!this.bounded) {
      entries.push(entry)
      this.missing.push(missing)
      return
    }
    if (max === 0) return
    let k = entries.length
    if (k === max) {
      // Full: a step no smaller than the last kept one (which came earlier) is dropped.
      if (compareMissing(missing, this.missing[max - 1] as Missing) >= 0) return
      k = max - 1
    }
    while (k > 0 && compareMissing(missing, this.missing[k - 1] as Missing) < 0) {
      entries[k] = entries[k - 1] as Entry
      this.missing[k] = this.missing[k - 1] as Missing
      k--
    }
    entries[k] = entry
    this.missing[k] = missing
  }

  /** The nudges kept, in nudge order, with their messages. */
  write(currency: Basket['currency']): Nudge[] {
    const { entries, missing } = this
    let order = Array.from({ length: entries.length }, (_, i) => i)
    if (!this.bounded) {
      order.sort(
        (a, b) =>
          compareMissing(missing[a] as Missing, missing[b] as Missing) ||
          (entries[a] as Entry).rank - (entries[b] as Entry).rank,
      )
      if (order.length > this.max) order = order.slice(0, this.max)
    }
    return order.map((i) => writeNudge(entries[i] as Entry, missing[i] as Missing, currency))
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

import type { Basket, BasketLine } from '../basket/basket.codec.js'
import { categoryAncestors, compileSelector, type LineMatcher } from '../catalog/selector.js'
import type { Customer } from '../customer/customer.codec.js'
import { allocate } from '../money/allocate.js'
import { hundredthsOf, toHundredths } from '../money/percent.js'
import type { PointsReward, Selector } from './campaign.codec.js'
import type { Reason } from './evaluation.codec.js'

// The working parts of one evaluation, shared by the condition and reward registries. Internal to
// the rules folder: the public surface is compile/evaluate.

/** What a shopper still needs to meet a threshold: the material of a nudge. */
export interface Missing {
  readonly kind: 'quantity' | 'distinct' | 'measure' | 'amount'
  readonly value: number
  readonly unit?: string
  /** What to add: the lines that count (undefined: any line). */
  readonly of?: Selection
  /** The product the nudge was checked with (a SKU of the basket, or of the selector). */
  readonly sku?: string
}

/** The verdict of a condition: passed, or failed with a reason and, for thresholds, what is missing. */
export interface Check {
  readonly ok: boolean
  readonly reason?: Reason
  readonly missing?: Missing
}

/** The passing verdict, shared so that passing allocates nothing. */
export const OK: Check = { ok: true }

/** A failing verdict. */
export const fail = (reason: Reason, missing?: Missing): Check =>
  missing === undefined ? { ok: false, reason } : { ok: false, reason, missing }

/** A failing verdict that is also its own missing step: one object where {@link fail} makes two (hot thresholds). */
interface ShortOf extends Check, Missing {
  missing: Missing | undefined
}

/** A threshold not met: the reason, and `value` of `kind` of the lines `of` missing (one allocation, for the conditions evaluated most). */
export const failShort = (reason: Reason, kind: Missing['kind'], value: number, of: Selection): Check => {
  const check: ShortOf = { ok: false, reason, kind, value, of, missing: undefined }
  check.missing = check
  return check
}

/**
 * A threshold's failing verdict for a shortfall, made by `make`: the same object each time the same
 * actual figure comes again (a campaign list asks the same thresholds of basket after basket, and
 * campaigns with the same trigger share one), so the hot path allocates only for a figure it did
 * not see just before. Verdicts and their reasons are never mutated once made.
 */
export const lastShortfall = (make: (actual: number) => Check): ((actual: number) => Check) => {
  let seen = Number.NaN
  let verdict: Check = OK
  return (actual) => {
    if (actual !== seen) {
      seen = actual
      verdict = make(actual)
    }
    return verdict
  }
}

/** The basket as the engine reads it, built once per evaluation. */
export interface BasketContext {
  readonly basket: Basket
  readonly lines: readonly BasketLine[]
  /** Whole units of `each` lines, 0 for measured lines. */
  readonly units: readonly number[]
  readonly discountable: readonly boolean[]
  readonly customer: Customer | undefined
  readonly codes: readonly string[]
  readonly nowMs: number
  /** Σ line amounts. */
  readonly gross: number
  /** This evaluation's number (see {@link newGeneration}): tags the selections `linesOf` remembers. */
  readonly generation: number
  /** The basket's lines under each of their categories and the categories' parents, built on first use. */
  categories: Map<string, number[]> | undefined
}

/** A selector compiled for the evaluator: a canonical key (to share work between campaigns) and a matcher. */
export interface Selection {
  /** The selector, as written (`"*"` for the whole basket). */
  readonly selector: Selector
  readonly key: string
  /** The key interned as a small number, equal for equal keys. */
  readonly id: number
  /** `undefined` selects every line. */
  readonly match: LineMatcher | undefined
  /** For a plain `{ "category": [..] }`: the categories, answered from a per-basket category index. */
  readonly categories?: readonly string[]
}

/** Compiles a selector into a {@link Selection}. */
export const selection = (selector: Selector | 'basket'): Selection => {
  if (selector === '*' || selector === 'basket') return EVERY_LINE
  const key = JSON.stringify(selector)
  let id = INTERNED.get(key)
  if (id === undefined) {
    id = INTERNED.size + 1
    INTERNED.set(key, id)
  }
  return typeof selector === 'object' && 'category' in selector
    ? { selector, key, id, match: compileSelector(selector), categories: selector.category }
    : { selector, key, id, match: compileSelector(selector) }
}

/** The selection of every line. */
export const EVERY_LINE: Selection = { selector: '*', key: '*', id: 0, match: undefined }

// Selector keys interned to small numbers (a memo: equal keys, equal numbers; no effect on results).
const INTERNED = new Map<string, number>()

/** Indexes the basket's lines under each of their categories and the categories' parents, once. */
const indexCategories = (ctx: BasketContext): Map<string, number[]> => {
  const index = new Map<string, number[]>()
  for (let i = 0; i < ctx.lines.length; i++) {
    for (const category of (ctx.lines[i] as BasketLine).categories) {
      if (category.indexOf('/') === -1) indexLine(index, category, i)
      else for (const c of categoryAncestors(category)) indexLine(index, c, i)
    }
  }
  ctx.categories = index
  return index
}

const indexLine = (index: Map<string, number[]>, category: string, line: number): void => {
  const list = index.get(category)
  if (list === undefined) index.set(category, [line])
  else if (list[list.length - 1] !== line) list.push(line)
}

const NONE: readonly number[] = []

const ALL = new Map<number, readonly number[]>()

// The lines of each selection, by its interned number, with the generation of the evaluation
// that computed them: an entry counts only for that evaluation, so nothing carries over between
// evaluations, and no per-evaluation map is built. (An evaluation that started inside another
// would only make the outer one compute some selections again.)
let SELECTED: (readonly number[] | undefined)[] = []
let SELECTED_IN = new Float64Array(0)
let GENERATION = 0

/** A number never given to an evaluation before (for {@link BasketContext.generation}). */
export const newGeneration = (): number => ++GENERATION

/** The indexes of the lines a selection picks, computed once per evaluation and selector. */
export const linesOf = (ctx: BasketContext, sel: Selection): readonly number[] => {
  if (sel.match === undefined) {
    const n = ctx.lines.length
    let all = ALL.get(n)
    if (all === undefined) {
      all = Array.from({ length: n }, (_, i) => i)
      ALL.set(n, all)
    }
    return all
  }
  const id = sel.id
  if (id >= SELECTED_IN.length) {
    const grown = new Float64Array(Math.max(64, INTERNED.size + 1, SELECTED_IN.length * 2))
    grown.set(SELECTED_IN)
    SELECTED_IN = grown
    SELECTED = SELECTED.concat(new Array(grown.length - SELECTED.length).fill(undefined))
  }
  if (SELECTED_IN[id] === ctx.generation) return SELECTED[id] as readonly number[]
  let lines: readonly number[]
  if (sel.categories !== undefined) {
    const index = ctx.categories ?? indexCategories(ctx)
    if (sel.categories.length === 1) lines = index.get(sel.categories[0] as string) ?? NONE
    else {
      const union = new Set<number>()
      for (const c of sel.categories) for (const i of index.get(c) ?? NONE) union.add(i)
      lines = [...union].sort((a, b) => a - b)
    }
  } else {
    const found: number[] = []
    const match = sel.match
    for (let i = 0; i < ctx.lines.length; i++) if (match(ctx.lines[i] as BasketLine)) found.push(i)
    lines = found
  }
  SELECTED[id] = lines
  SELECTED_IN[id] = ctx.generation
  return lines
}

/** What earlier campaigns have done to the basket: remaining amounts and consumed units per line. */
export interface State {
  readonly remaining: number[]
  readonly consumed: number[]
  /** Σ remaining: the basket's net total so far. */
  total: number
}

/** A compiled basket condition. */
export type ConditionFn = (ctx: BasketContext, state: State) => Check

/** A compiled customer condition. */
export type CustomerFn = (customer: Customer, ctx: BasketContext, zoneDate: LocalDay) => Check

/** A calendar day in the campaign's zone (for birthdays). */
export interface LocalDay {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** What one campaign's reward did, filled by the reward registry. */
export interface Effects {
  discount: number
  /** Discount per line index (undefined until the first discount, then one slot per line). */
  perLine: number[] | undefined
  /** Gifts, coupons and points claims: a shared empty list until the first is added (see {@link addGift}…). */
  gifts: readonly { readonly sku: string; readonly quantity: number }[]
  coupons: readonly { readonly template: string; readonly validForDays: number }[]
  points: readonly PointsReward[]
  /** Why the reward gave nothing (NOT_ENOUGH_UNITS, NOTHING_DISCOUNTABLE…). */
  failure: Reason | undefined
  /** Units that would earn another consuming reward. */
  unitsMissing: number | undefined
  /** The discount asked before it was cut to what is left of the campaign's budget; undefined when not cut. */
  budgetCut: number | undefined
}

// Most rewards give no gift, coupon or points: their effects share this frozen empty list.
const NOTHING: readonly never[] = Object.freeze([])

/** Adds a gift to the effects. */
export const addGift = (effects: Effects, gift: Effects['gifts'][number]): void => {
  effects.gifts = [...effects.gifts, gift]
}

/** Adds a checkout coupon to the effects. */
export const addCoupon = (effects: Effects, coupon: Effects['coupons'][number]): void => {
  effects.coupons = [...effects.coupons, coupon]
}

/** Adds a points claim to the effects. */
export const addPoints = (effects: Effects, spec: PointsReward): void => {
  effects.points = [...effects.points, spec]
}

/** Whether a reward gave anything: a discount, a gift, a coupon or points. */
export const gave = (fx: Effects): boolean =>
  fx.discount > 0 || fx.gifts.length > 0 || fx.coupons.length > 0 || fx.points.length > 0

/** A fresh, empty {@link Effects}. */
export const noEffects = (): Effects => ({
  discount: 0,
  perLine: undefined,
  gifts: NOTHING,
  coupons: NOTHING,
  points: NOTHING,
  failure: undefined,
  unitsMissing: undefined,
  budgetCut: undefined,
})

/** A compiled reward. `perBasket` caps how often a repeatable reward applies. */
export type RewardFn = (ctx: BasketContext, state: State, effects: Effects, perBasket: number) => void

/**
 * A percentage compiled once: `amount ↦ amount × percent / 100`, half-up, exact (the percent was
 * checked for 2 decimals by the codec; anything else is a bug and throws).
 */
export const percentage = (percent: number): ((amount: number) => number) => {
  const h = toHundredths(percent)
  if (h._tag === 'Left') throw new RangeError(`percentage: ${h.left.message}`)
  const hundredths = h.right
  return (amount) => hundredthsOf(amount, hundredths)
}

/** Adds a discount on a line to the effects and to the state. Never takes a line below zero. */
export const discountLine = (state: State, effects: Effects, line: number, amount: number): void => {
  if (amount === 0) return
  const remaining = state.remaining[line] as number
  if (amount > remaining) throw new RangeError(`discount ${amount} exceeds remaining ${remaining} of line ${line}`)
  state.remaining[line] = remaining - amount
  state.total -= amount
  // Dense, one slot per basket line, from the first discount on.
  if (effects.perLine === undefined) effects.perLine = new Array<number>(state.remaining.length).fill(0)
  effects.perLine[line] = (effects.perLine[line] as number) + amount
  effects.discount += amount
}

/** Spreads a discount over lines by largest remainder, weighted by their amounts. */
export const discountOver = (
  state: State,
  effects: Effects,
  lines: readonly number[],
  weights: readonly number[],
  amount: number,
): void => {
  if (amount === 0 || lines.length === 0) return
  const shares = allocate(amount, weights)
  // discountLine, in one loop over the shares (the hot path of stacked percentages).
  const remaining = state.remaining
  if (effects.perLine === undefined) effects.perLine = new Array<number>(remaining.length).fill(0)
  const perLine = effects.perLine
  let given = 0
  for (let k = 0; k < lines.length; k++) {
    const share = shares[k] as number
    if (share === 0) continue
    const line = lines[k] as number
    const left = remaining[line] as number
    if (share > left) throw new RangeError(`discount ${share} exceeds remaining ${left} of line ${line}`)
    remaining[line] = left - share
    perLine[line] = (perLine[line] as number) + share
    given += share
  }
  state.total -= given
  effects.discount += given
}

/**
 * The current value of each unit of an `each` line: an even split of the line's remaining amount
 * (largest remainder, the larger shares first). Units already consumed are the first ones.
 */
export const unitValues = (ctx: BasketContext, state: State, line: number): number[] => {
  const n = ctx.units[line] as number
  return n === 0 ? [] : allocate(state.remaining[line] as number, new Array<number>(n).fill(1))
}

/** One unit a consuming reward may take. */
export interface UnitRef {
  readonly line: number
  readonly value: number
}

/**
 * Orders units highest value first; ties by SKU, then by line id, never by the line's place in
 * the basket, so the order the lines were scanned in cannot change a deal.
 */
export const byUnitValue =
  (ctx: BasketContext) =>
  (a: UnitRef, b: UnitRef): number => {
    if (a.value !== b.value) return b.value - a.value
    if (a.line === b.line) return 0
    const la = ctx.lines[a.line] as BasketLine
    const lb = ctx.lines[b.line] as BasketLine
    return la.sku < lb.sku ? -1 : la.sku > lb.sku ? 1 : la.id < lb.id ? -1 : la.id > lb.id ? 1 : a.line - b.line
  }

/**
 * The free (unconsumed) units of the lines a predicate picks, in {@link byUnitValue} order: the
 * order in which consuming rewards cut groups.
 */
export const freeUnits = (ctx: BasketContext, state: State, pick: (line: number) => boolean): UnitRef[] => {
  const out: UnitRef[] = []
  for (let i = 0; i < ctx.lines.length; i++) {
    const n = ctx.units[i] as number
    const consumed = state.consumed[i] as number
    if (n === 0 || consumed >= n || !pick(i)) continue
    const values = unitValues(ctx, state, i)
    for (let u = consumed; u < n; u++) out.push({ line: i, value: values[u] as number })
  }
  out.sort(byUnitValue(ctx))
  return out
}

/** Spreads a discount over units (by value) and adds it to their lines. */
export const discountUnits = (state: State, effects: Effects, units: readonly UnitRef[], amount: number): void => {
  if (amount === 0 || units.length === 0) return
  const shares = allocate(
    amount,
    units.map((u) => u.value),
  )
  const byLine = new Map<number, number>()
  for (let k = 0; k < units.length; k++) {
    const u = units[k] as UnitRef
    byLine.set(u.line, (byLine.get(u.line) ?? 0) + (shares[k] as number))
  }
  for (const [line, d] of [...byLine].sort((a, b) => a[0] - b[0])) discountLine(state, effects, line, d)
}

/** Marks units as consumed (they serve no other consuming reward). */
export const consume = (state: State, units: readonly UnitRef[]): void => {
  for (const u of units) state.consumed[u.line] = (state.consumed[u.line] as number) + 1
}

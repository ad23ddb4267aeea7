import type { Basket } from '../basket/basket.codec.js'
import { allocate } from '../money/allocate.js'
import type { Judge } from './candidates.js'
import { type BasketContext, type Effects, gave, linesOf, noEffects, type Selection, type State } from './context.js'
import type { Entry } from './engine.js'

// The best deal: which discount campaigns apply together, by the largest total for the customer.

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * Past this many conflicting candidates (exclusive campaigns plus members of contested groups),
 * the best-deal search stops being exhaustive and becomes bounded: one pass of improvement per
 * group from the highest-priority members, and the first `BEST_DEAL_EXACT_LIMIT` exclusives alone.
 * @category rules
 */
export const BEST_DEAL_EXACT_LIMIT = 12

// ---------------------------------------------------------------------------------------------
// applying campaigns in order
// ---------------------------------------------------------------------------------------------

export const freshState = (ctx: BasketContext): State => {
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
export const rewardOf = (judge: Judge, state: State, entry: Entry, ctx: BasketContext = judge.ctx): Effects => {
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
  if (effects.failure === undefined && !gave(effects)) {
    effects.failure = { code: 'NOTHING_DISCOUNTABLE' }
  }
  return effects
}

// ---------------------------------------------------------------------------------------------
// best deal
// ---------------------------------------------------------------------------------------------

/** Where applying campaigns in order has got to: the basket's state, the total given, the ranks that gave. */
export interface Simulated {
  readonly state: State
  readonly total: number
  readonly key: number[]
}

/**
 * The total discount a set of discount campaigns gives when applied in order, and the ranks of the
 * members that gave something (ascending): the tie-break key of the choice. From a fresh basket, or
 * from where an earlier run of the campaigns before them got to (`from`, left untouched).
 */
export const simulate = (judge: Judge, members: readonly Entry[], from?: Simulated): Simulated => {
  const state: State =
    from === undefined
      ? freshState(judge.ctx)
      : { remaining: [...from.state.remaining], consumed: [...from.state.consumed], total: from.state.total }
  let total = from?.total ?? 0
  const key: number[] = from === undefined ? [] : [...from.key]
  for (const entry of members) {
    if (entry.trigger === undefined || entry.trigger(judge.ctx, state).ok) {
      const given = rewardOf(judge, state, entry).discount
      if (given > 0) {
        total += given
        key.push(entry.rank)
      }
    }
  }
  return { state, total, key }
}

// ---------------------------------------------------------------------------------------------
// best deal
// ---------------------------------------------------------------------------------------------

export interface Choice {
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
export const chooseBestDeal = (judge: Judge, discounts: readonly Entry[]): Choice => {
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

  // The campaigns that rank before every conflicting one come first in every choice but an
  // exclusive's: applied once, not once per choice.
  let first = Number.POSITIVE_INFINITY
  for (const e of [...loose, ...contested.flat()]) first = Math.min(first, e.rank)
  const before = free.filter((e) => e.rank < first).sort((a, b) => a.rank - b.rank)
  const start = simulate(judge, before)
  let best: (Choice & { total: number }) | undefined
  const consider = (picks: readonly (Entry | undefined)[], ins: readonly Entry[], exclusive: Entry | undefined) => {
    const members =
      exclusive === undefined
        ? merge(free, [...(picks.filter((e) => e !== undefined) as Entry[]), ...ins])
        : [exclusive]
    const { total, key } =
      exclusive === undefined ? simulate(judge, members.slice(before.length), start) : simulate(judge, members)
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

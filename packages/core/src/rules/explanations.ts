import type { Judge } from './candidates.js'
import { OK } from './context.js'
import type { Entry } from './engine.js'
import type { Reason } from './evaluation.codec.js'
import { type Nudges, offerNudge, offerUnitNudge } from './nudges.js'
import { type Choice, freshState, rewardOf } from './optimise.js'

// Explanations: the reasons of each candidate, and why a campaign left out of the best deal did not apply.

/** The reasons that say a campaign lost the best deal (it would have applied alone). */
export const STACKING_REASONS: ReadonlySet<string> = new Set([
  'EXCLUDED_BY_EXCLUSIVE',
  'LOST_BEST_DEAL',
  'LOST_IN_GROUP',
])

/**
 * The reasons of one evaluation's candidates, by position. A class, not a closure: the evaluator
 * makes one per evaluation, and a method costs nothing to create.
 */
export class Explainer {
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

/**
 * Why a discount campaign left out of the best deal could not have applied alone (its trigger or
 * its reward on the basket without any other campaign), offering its nudge; undefined when it
 * would have applied alone. Only asked of the campaigns left out, so it costs nothing otherwise.
 */
export const aloneReason = (judge: Judge, entry: Entry, pending: Nudges): Reason | undefined => {
  const alone = freshState(judge.ctx)
  const check = entry.trigger === undefined ? OK : entry.trigger(judge.ctx, alone)
  if (!check.ok) {
    offerNudge(judge, pending, alone, entry, check.missing, true)
    return check.reason ?? { code: 'CONDITION_NOT_MET' }
  }
  const fx = rewardOf(judge, alone, entry)
  if (fx.discount > 0) return undefined
  if (fx.unitsMissing !== undefined) offerUnitNudge(judge, pending, freshState(judge.ctx), alone, entry, fx, true)
  return fx.failure ?? { code: 'NOTHING_DISCOUNTABLE' }
}

/**
 * The stacking reason of each campaign that would have applied alone but was left out of the best
 * deal: excluded by the exclusive campaign chosen, lost in its group, or lost to a rival for the
 * same units; `by` only ever names a campaign that `applied`.
 */
export const explainLosers = (
  why: Explainer,
  losers: readonly Entry[],
  choice: Choice,
  applied: (e: Entry) => boolean,
): void => {
  const { exclusive, members, rivals } = choice
  for (const e of losers) {
    if (exclusive !== undefined) {
      why.add(e, applied(exclusive) ? { code: 'EXCLUDED_BY_EXCLUSIVE', by: exclusive.id } : { code: 'LOST_BEST_DEAL' })
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

import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { toHundredths } from '../money/percent.js'
import { DAY_MS } from '../time/duration.js'
import { type IsoDateTime, isIsoDateTime } from '../time/time.codec.js'
import { addMonths, formatZoned, startOfYearAfter, type ZonedInstant, zoned } from './calendar.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A tier as a program defines it (the shape of `Program.tiers[i]`): a member qualifies when their
 * qualifying spend OR the points they earned over the last `windowMonths` reach a threshold. A tier
 * with neither threshold is a base tier everyone qualifies for. The multiplier applies to earned
 * points.
 * @category tiers
 */
export interface TierRule {
  readonly id: string
  readonly qualify: { readonly spend?: number; readonly points?: number; readonly windowMonths: number }
  readonly multiplier: number
}

/**
 * What the tier functions read from a Program: its tiers, listed from the lowest to the highest.
 * Any `Program` fits.
 * @category tiers
 */
export interface TierProgram {
  readonly tiers?: readonly TierRule[]
}

/** One qualifying event: spend (minor units) and points earned at an instant. @category tiers */
export interface TierActivity {
  readonly at: IsoDateTime | string
  readonly spend: number
  readonly points?: number
}

/** The tier a member holds now, and until when it is held whatever they do. @category tiers */
export interface HeldTier {
  readonly id: string
  readonly heldUntil: IsoDateTime | string
}

/**
 * How long a tier is held once reached, and how long past its end a member may still requalify.
 * - `rolling`: held `periodMonths` months from the upgrade (or renewal).
 * - `calendarYear`: held until the end of the calendar year after the one in which it was reached
 *   (reached in March 2026 → held through 31 December 2027), in the offset of `asOf`.
 * @category tiers
 */
export interface TierPolicy {
  readonly period: 'rolling' | 'calendarYear'
  readonly periodMonths: number
  readonly graceDays: number
}

/** Held 12 months from the upgrade, no grace. @category tiers */
export const DEFAULT_TIER_POLICY: TierPolicy = { period: 'rolling', periodMonths: 12, graceDays: 0 }

/** What {@link assessTier} decided. `tier` and `heldUntil` are absent for a member without a tier. @category tiers */
export interface TierAssessment {
  readonly tier: string | undefined
  readonly change: 'upgrade' | 'downgrade' | 'keep'
  readonly heldUntil: string | undefined
  /** The highest tier the member's activity qualifies for today. */
  readonly qualifiedFor: string | undefined
}

/** A tier function's refusal. @category errors */
export type TierError = UnknownTier | InvalidTierInput

/** The member's current tier is not one of the program's. @category errors */
export interface UnknownTier {
  readonly _tag: 'UnknownTier'
  readonly tierId: string
  readonly known: readonly string[]
  readonly message: string
}

/** A field of the tier input is refused (`history.3.spend`). @category errors */
export interface InvalidTierInput {
  readonly _tag: 'InvalidTierInput'
  readonly path: string
  readonly reason: string
  readonly message: string
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

const invalid = (path: string, reason: string): InvalidTierInput => ({
  _tag: 'InvalidTierInput',
  path,
  reason,
  message: `${path}: ${reason}`,
})

const checkTime = (at: unknown, path: string): InvalidTierInput | undefined =>
  typeof at === 'string' && isIsoDateTime(at)
    ? undefined
    : invalid(path, `must be an ISO-8601 date-time with an offset, got ${JSON.stringify(at)}`)

const checkCount = (n: unknown, path: string): InvalidTierInput | undefined =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
    ? undefined
    : invalid(path, `must be an integer ≥ 0, got ${n}`)

/** Checks the history, the held tier and the instant; the first problem found, by path. @category tiers */
export const checkTierInput = (
  history: readonly TierActivity[],
  current: HeldTier | undefined,
  program: TierProgram,
  asOf: string,
): TierError | undefined => {
  const bad = checkTime(asOf, 'asOf')
  if (bad) return bad
  for (const [i, a] of history.entries()) {
    const problem =
      checkTime(a.at, `history.${i}.at`) ??
      checkCount(a.spend, `history.${i}.spend`) ??
      (a.points === undefined ? undefined : checkCount(a.points, `history.${i}.points`))
    if (problem) return problem
  }
  if (current !== undefined) {
    const known = (program.tiers ?? []).map((t) => t.id)
    if (!known.includes(current.id)) {
      return {
        _tag: 'UnknownTier',
        tierId: current.id,
        known,
        message: `the member's tier "${current.id}" is not in the program (tiers: ${known.join(', ') || 'none'})`,
      }
    }
    return checkTime(current.heldUntil, 'current.heldUntil')
  }
  return undefined
}

/** Spend and points of the activity in (asOf − windowMonths, asOf]. @category tiers */
export const windowTotals = (
  history: readonly TierActivity[],
  asOf: IsoDateTime | string,
  windowMonths: number,
): { readonly spend: number; readonly points: number } => {
  const now = zoned(asOf)
  const from = addMonths(now, -windowMonths).ms
  let spend = 0
  let points = 0
  for (const a of history) {
    const at = Date.parse(a.at)
    if (at > from && at <= now.ms) {
      spend += a.spend
      points += a.points ?? 0
    }
  }
  return { spend, points }
}

/** Whether activity totals meet a tier's thresholds (spend OR points; no threshold: always). @category tiers */
export const meetsTier = (tier: TierRule, totals: { readonly spend: number; readonly points: number }): boolean => {
  const { spend, points } = tier.qualify
  if (spend === undefined && points === undefined) return true
  return (spend !== undefined && totals.spend >= spend) || (points !== undefined && totals.points >= points)
}

/** The index of the highest tier the history qualifies for as of an instant, or −1. @category tiers */
export const qualifiedRank = (history: readonly TierActivity[], program: TierProgram, asOf: string): number => {
  const tiers = program.tiers ?? []
  for (let rank = tiers.length - 1; rank >= 0; rank--) {
    const tier = tiers[rank] as TierRule
    if (meetsTier(tier, windowTotals(history, asOf, tier.qualify.windowMonths))) return rank
  }
  return -1
}

const periodEnd = (from: ZonedInstant, policy: TierPolicy): string =>
  formatZoned(policy.period === 'calendarYear' ? startOfYearAfter(from, 2) : addMonths(from, policy.periodMonths))

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Decides a member's tier as of an instant from their qualifying activity.
 *
 * - **Upgrade** as soon as the activity qualifies for a tier above the current one: held for a new
 *   period from `asOf`.
 * - **Keep** while the current tier is held (`asOf` < `heldUntil`), whatever the activity.
 * - At the end of the period, a member who still qualifies for their tier keeps it for a new period
 *   from `asOf`; one who does not keeps it through `graceDays` more days, then is **downgraded** to
 *   the tier the activity qualifies for (held for a new period), or to no tier.
 *
 * Refuses an unknown current tier (`UnknownTier`) and bad fields by path (`history.3.spend`).
 *
 * @example
 * assessTier([{ at: '2026-11-20T10:00:00+01:00', spend: 60000 }], undefined, program, '2026-11-26T10:00:00+01:00')
 * // right({ tier: 'silver', change: 'upgrade', heldUntil: '2027-11-26T10:00:00+01:00', qualifiedFor: 'silver' })
 * @category tiers
 */
export const assessTier = (
  history: readonly TierActivity[],
  current: HeldTier | undefined,
  program: TierProgram,
  asOf: IsoDateTime | string,
  policy: TierPolicy = DEFAULT_TIER_POLICY,
): Either<TierError, TierAssessment> => {
  const bad = checkTierInput(history, current, program, asOf)
  if (bad) return left(bad)
  const tiers = program.tiers ?? []
  const now = zoned(asOf)
  const rank = qualifiedRank(history, program, asOf)
  const qualifiedFor = rank < 0 ? undefined : (tiers[rank] as TierRule).id
  const currentRank = current === undefined ? -1 : tiers.findIndex((t) => t.id === current.id)
  if (rank > currentRank) {
    return right({ tier: qualifiedFor, change: 'upgrade', heldUntil: periodEnd(now, policy), qualifiedFor })
  }
  if (current === undefined) return right({ tier: undefined, change: 'keep', heldUntil: undefined, qualifiedFor })
  const heldUntil = Date.parse(current.heldUntil)
  if (now.ms < heldUntil) {
    return right({ tier: current.id, change: 'keep', heldUntil: current.heldUntil, qualifiedFor })
  }
  if (rank === currentRank) {
    return right({ tier: current.id, change: 'keep', heldUntil: periodEnd(now, policy), qualifiedFor })
  }
  if (now.ms < heldUntil + policy.graceDays * DAY_MS) {
    return right({ tier: current.id, change: 'keep', heldUntil: current.heldUntil, qualifiedFor })
  }
  return right({
    tier: qualifiedFor,
    change: 'downgrade',
    heldUntil: qualifiedFor === undefined ? undefined : periodEnd(now, policy),
    qualifiedFor,
  })
}

/**
 * The points multiplier of a tier in hundredths (1.5 → 150), an integer for exact point arithmetic.
 * A member without a tier, or with a tier the program does not define, earns at the base rate: 100.
 * @category tiers
 */
export const tierMultiplier = (program: TierProgram, tierId: string | undefined): number => {
  if (tierId === undefined) return 100
  const tier = (program.tiers ?? []).find((t) => t.id === tierId)
  if (tier === undefined) return 100
  const hundredths = toHundredths(tier.multiplier)
  // The program codec admits only multipliers with two decimals: anything else is a bug upstream.
  if (hundredths._tag === 'Left') throw new RangeError(`tier "${tierId}": multiplier ${hundredths.left.message}`)
  return hundredths.right
}

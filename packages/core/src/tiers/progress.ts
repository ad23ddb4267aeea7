import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { CurrencyCode } from '../money/currency.js'
import { formatMoney } from '../money/format.js'
import { minor } from '../money/Money.js'
import type { IsoDateTime } from '../time/time.codec.js'
import {
  checkTierInput,
  type HeldTier,
  qualifiedRank,
  type TierActivity,
  type TierError,
  type TierProgram,
  type TierRule,
  windowTotals,
} from './tier.js'

/** How the progress message is written. @category tiers */
export interface TierProgressOptions {
  readonly currency: CurrencyCode
  /** A BCP 47 locale for the amount (default `en-GB`). The sentence itself is English. */
  readonly locale?: string
}

/**
 * How far a member is from the next tier: what is missing over that tier's window (spend in minor
 * units, points), and a sentence for a receipt or an app. At the top tier `next` is absent.
 * @category tiers
 */
export interface TierProgress {
  /** The tier the member holds or qualifies for, whichever is higher. */
  readonly current: string | undefined
  readonly next: string | undefined
  /** Only the thresholds the next tier has; either one reached qualifies. */
  readonly missing: { readonly spend?: number; readonly points?: number }
  readonly windowMonths: number | undefined
  readonly message: string
}

/**
 * The progress of a member toward the tier above the one they hold or qualify for.
 *
 * @example
 * tierProgress(history, { id: 'silver', heldUntil: '2027-03-01T00:00:00+01:00' }, program, asOf, { currency: 'EUR', locale: 'fr-FR' })
 * // right({ current: 'silver', next: 'gold', missing: { spend: 12000 }, message: 'Spend 120,00 € more to reach gold', … })
 * @category tiers
 */
export const tierProgress = (
  history: readonly TierActivity[],
  current: HeldTier | undefined,
  program: TierProgram,
  asOf: IsoDateTime | string,
  options: TierProgressOptions,
): Either<TierError, TierProgress> => {
  const bad = checkTierInput(history, current, program, asOf)
  if (bad) return left(bad)
  const tiers = program.tiers ?? []
  const heldRank = current === undefined ? -1 : tiers.findIndex((t) => t.id === current.id)
  const rank = Math.max(heldRank, qualifiedRank(history, program, asOf))
  const currentId = rank < 0 ? undefined : (tiers[rank] as TierRule).id
  const next = tiers[rank + 1]
  if (next === undefined) {
    return right({
      current: currentId,
      next: undefined,
      missing: {},
      windowMonths: undefined,
      message: currentId === undefined ? 'This program has no tiers' : `${currentId} is the highest tier`,
    })
  }
  const totals = windowTotals(history, asOf, next.qualify.windowMonths)
  const missing: { spend?: number; points?: number } = {}
  const parts: string[] = []
  if (next.qualify.spend !== undefined) {
    missing.spend = Math.max(0, next.qualify.spend - totals.spend)
    parts.push(
      `Spend ${formatMoney({ amount: minor(missing.spend), currency: options.currency }, options.locale)} more`,
    )
  }
  if (next.qualify.points !== undefined) {
    missing.points = Math.max(0, next.qualify.points - totals.points)
    parts.push(`${parts.length === 0 ? 'Earn' : 'earn'} ${missing.points} more points`)
  }
  return right({
    current: currentId,
    next: next.id,
    missing,
    windowMonths: next.qualify.windowMonths,
    message: parts.length === 0 ? `You qualify for ${next.id}` : `${parts.join(' or ')} to reach ${next.id}`,
  })
}

import {
  type BgNbdFit,
  type CustomerValue,
  fitBgNbd,
  fitGammaGamma,
  type GammaGammaFit,
  type MemberValue,
  type MemberValueRank,
  predictMembers,
  rankByValue,
  summariseHistory,
  type ValueError,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { addDays, type Member } from './members.js'

/**
 * The demo store's customer-value snapshot: BG/NBD and Gamma-Gamma fitted on the members' 12 months
 * of history (calibrated to the day before the trading day, in the store's zone), each member's
 * P(alive), expected visits and CLV over the next 52 weeks, and their value rank. The engine reads
 * it as the `value` of the Customer document, which the `value` and `alive` conditions judge.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The "valuable but slipping away" members: among those who carry 90 % of predicted value, with a
 * P(alive) below 0.6. The CLV already weighs each member by P(alive), so the top 20 % of value are
 * alive by construction; the valuable members at risk sit further down the ranking.
 * @category store
 */
export const VALUABLE_SHARE = 0.9
export const SLIPPING_BELOW = 0.6

/** The demo's value snapshot. @category store */
export interface DemoValue {
  readonly until: string
  readonly bgnbd: BgNbdFit
  readonly gammaGamma: GammaGammaFit
  readonly values: readonly MemberValue[]
  readonly ranks: readonly MemberValueRank[]
  /** Member id → the Customer document's `value`. */
  readonly byMember: ReadonlyMap<string, CustomerValue>
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Fits the demo members' history up to the day before `day` and predicts 52 weeks ahead. Members
 * with no visit in the calibration period have no snapshot (and fail the value conditions).
 * @category store
 */
export const demoValueSnapshot = (
  members: readonly Member[],
  day: string,
  timeZone: string,
): Either<ValueError, DemoValue> => {
  const until = addDays(day, -1)
  const lines = members.flatMap((m) => m.visits.map((v) => ({ memberId: m.memberId, at: v.at, amount: v.spend })))
  const summary = summariseHistory(lines, { until, timeZone })
  if (summary._tag === 'Left') return summary
  const bgnbd = fitBgNbd(summary.right.members)
  if (bgnbd._tag === 'Left') return bgnbd
  const gammaGamma = fitGammaGamma(summary.right.members)
  if (gammaGamma._tag === 'Left') return gammaGamma
  const values = predictMembers({ bgnbd: bgnbd.right, gammaGamma: gammaGamma.right }, summary.right.members, {
    horizon: 52,
    unit: 'weeks',
  })
  if (values._tag === 'Left') return left(values.left)
  const ranks = rankByValue(values.right)
  const byMember = new Map<string, CustomerValue>(
    ranks.map((r) => [
      r.memberId,
      { clv: r.clv, pAlive: r.pAlive, shareAbove: r.shareAbove, rank: r.rank, asOf: until } as CustomerValue,
    ]),
  )
  return right({ until, bgnbd: bgnbd.right, gammaGamma: gammaGamma.right, values: values.right, ranks, byMember })
}

/** Whether a ranked member is valuable but slipping away (what the VIP win-back campaign targets). @category store */
export const isValuableButSlipping = (r: Pick<MemberValueRank, 'shareAbove' | 'pAlive'>): boolean =>
  r.shareAbove < VALUABLE_SHARE && r.pAlive < SLIPPING_BELOW

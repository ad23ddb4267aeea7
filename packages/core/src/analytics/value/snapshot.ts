import type { MemberValue } from './predict.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A member's place in the population by predicted value: `rank` 1 is the most valuable, and
 * `shareAbove` is the share of the population's total CLV carried by the members ranked above them
 * (0 for the first). A member is in the top share s of value when `shareAbove < s`: with s = 0.2,
 * the members who together carry the top 20 % of predicted value.
 * @category analytics
 */
export interface MemberValueRank {
  readonly memberId: string
  readonly clv: number
  readonly pAlive: number
  readonly rank: number
  readonly shareAbove: number
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Ranks members by CLV (highest first, ties by member id) and gives each the share of value above
 * them. Members without a CLV (no spend model) rank by expected transactions instead, with shares
 * of those. Sums are exact in integers (CLVs are minor units).
 * @category analytics
 */
export const rankByValue = (values: readonly MemberValue[]): readonly MemberValueRank[] => {
  const worth = (v: MemberValue) => v.clv ?? v.expectedTransactions
  const sorted = [...values].sort(
    (x, y) => worth(y) - worth(x) || (x.memberId < y.memberId ? -1 : x.memberId > y.memberId ? 1 : 0),
  )
  const total = sorted.reduce((s, v) => s + Math.max(0, worth(v)), 0)
  let above = 0
  return sorted.map((v, i) => {
    const rank: MemberValueRank = {
      memberId: v.memberId,
      clv: v.clv ?? 0,
      pAlive: v.pAlive,
      rank: i + 1,
      shareAbove: total === 0 ? 0 : above / total,
    }
    above += Math.max(0, worth(v))
    return rank
  })
}

/** Whether a ranked member is in the top share of value (`shareAbove < share`). @category analytics */
export const inTopShare = (rank: Pick<MemberValueRank, 'shareAbove'>, share: number): boolean => rank.shareAbove < share

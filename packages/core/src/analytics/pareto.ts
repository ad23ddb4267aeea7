import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { type AnalyticsError, insufficientSample, invalidAnalyticsInput } from './errors.js'
import { checkNonNegativeInteger } from './validate.js'

/**
 * How concentrated revenue is: the share of revenue brought by the top 20 % of customers (the
 * "80/20" of retail). The share is the exact fraction `topSpend / totalSpend`; `share` is the same
 * as a number for display, and `shareHundredths` in hundredths of a percent, rounded half-up.
 * @category analytics
 */
export interface ParetoShare {
  /** The number of customers in the top group: ⌈20 % of the population⌉, at least 1. */
  readonly topCustomers: number
  readonly customers: number
  readonly topSpend: number
  readonly totalSpend: number
  readonly share: number
  /** The share in hundredths of a percent: 8000 is 80 %. */
  readonly shareHundredths: number
}

/**
 * The Pareto share of a population from each customer's spend (integer minor units ≥ 0): the top
 * ⌈n / 5⌉ spenders' revenue over the total. Sums are exact (BigInt). Because the top group holds at
 * least a fifth of the customers and the largest spends, the share is always within [0.2, 1].
 * Refuses an empty population, a population with no revenue, a spend that is not an integer ≥ 0
 * (`spends.4`), and a total beyond the safe integer range.
 *
 * @example
 * paretoShare([100, 50, 30, 10, 10]) // right({ topCustomers: 1, topSpend: 100, totalSpend: 200, share: 0.5, … })
 * @category analytics
 */
export const paretoShare = (spends: readonly number[]): Either<AnalyticsError, ParetoShare> => {
  for (const [i, spend] of spends.entries()) {
    const bad = checkNonNegativeInteger(spend, `spends.${i}`)
    if (bad) return left(bad)
  }
  if (spends.length === 0) return left(insufficientSample('the Pareto share', 'the population is empty'))
  const sorted = [...spends].sort((a, b) => b - a)
  const topCustomers = Math.ceil(spends.length / 5)
  let top = 0n
  let total = 0n
  for (const [i, spend] of sorted.entries()) {
    total += BigInt(spend)
    if (i < topCustomers) top += BigInt(spend)
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    return left(invalidAnalyticsInput('spends', 'the total spend exceeds the safe integer range'))
  }
  if (total === 0n) return left(insufficientSample('the Pareto share', 'the population has no revenue'))
  // hundredths of a percent, half-up: (top × 10000 × 2 + total) / (2 × total)
  const shareHundredths = Number((top * 20000n + total) / (2n * total))
  return right({
    topCustomers,
    customers: spends.length,
    topSpend: Number(top),
    totalSpend: Number(total),
    share: Number(top) / Number(total),
    shareHundredths,
  })
}

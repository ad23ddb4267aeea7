import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { DAY_MS } from '../time/duration.js'
import type { IsoDateTime } from '../time/time.codec.js'
import { type AnalyticsError, invalidAnalyticsInput } from './errors.js'
import { checkInstant, checkNonNegativeInteger } from './validate.js'

/** What RFM reads about one customer. @category analytics */
export interface RfmInput {
  readonly customerId: string
  /** The last purchase; recency is measured from it. */
  readonly lastPurchaseAt: IsoDateTime | string
  /** Purchases in the period. */
  readonly frequency: number
  /** Spend in the period, integer minor units. */
  readonly monetary: number
}

/** A score from 1 (worst fifth) to 5 (best fifth). @category analytics */
export type Quintile = 1 | 2 | 3 | 4 | 5

/** The RFM scores of one customer. `code` is the three digits, e.g. `"545"`. @category analytics */
export interface RfmScore {
  readonly customerId: string
  readonly recencyDays: number
  readonly recency: Quintile
  readonly frequency: Quintile
  readonly monetary: Quintile
  readonly code: string
}

/**
 * The quintile of each value in a population, "higher is better": `⌈5 × c / n⌉` where `c` counts the
 * customers this one is at least as good as (itself included). Ties get the same score; the best
 * customer always scores 5; scores are within 1..5.
 */
const quintiles = (values: readonly number[]): Quintile[] => {
  const n = values.length
  const sorted = [...values].sort((a, b) => a - b)
  return values.map((v) => {
    // c = number of values ≤ v: binary search for the first value > v
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((sorted[mid] as number) <= v) lo = mid + 1
      else hi = mid
    }
    return Math.ceil((5 * lo) / n) as Quintile
  })
}

/**
 * Recency, frequency and monetary scores (quintiles 1–5) over a population as of an instant. Each
 * score is `⌈5 × c / n⌉`, `c` being how many customers this one is at least as good as (more recent,
 * more frequent, more spend is better), so ties share a score and the best scores 5. Recency is in
 * whole days since the last purchase (a purchase after `asOf` counts as 0 days).
 * Refuses bad fields by path (`customers.2.monetary`) and duplicate customer ids.
 * @category analytics
 */
export const rfmScores = (
  customers: readonly RfmInput[],
  asOf: IsoDateTime | string,
): Either<AnalyticsError, readonly RfmScore[]> => {
  const now = checkInstant(asOf, 'asOf')
  if (typeof now !== 'number') return left(now)
  const seen = new Set<string>()
  const recencyDays: number[] = []
  for (const [i, c] of customers.entries()) {
    if (typeof c.customerId !== 'string' || c.customerId === '') {
      return left(invalidAnalyticsInput(`customers.${i}.customerId`, 'must be a non-empty string'))
    }
    if (seen.has(c.customerId)) {
      return left(invalidAnalyticsInput(`customers.${i}.customerId`, `duplicate customer "${c.customerId}"`))
    }
    seen.add(c.customerId)
    const at = checkInstant(c.lastPurchaseAt, `customers.${i}.lastPurchaseAt`)
    if (typeof at !== 'number') return left(at)
    const bad =
      checkNonNegativeInteger(c.frequency, `customers.${i}.frequency`) ??
      checkNonNegativeInteger(c.monetary, `customers.${i}.monetary`)
    if (bad) return left(bad)
    recencyDays.push(Math.max(0, Math.floor((now - at) / DAY_MS)))
  }
  // fewer days since the last purchase is better: score the negation
  const r = quintiles(recencyDays.map((d) => -d))
  const f = quintiles(customers.map((c) => c.frequency))
  const m = quintiles(customers.map((c) => c.monetary))
  return right(
    customers.map((c, i) => {
      const recency = r[i] as Quintile
      const frequency = f[i] as Quintile
      const monetary = m[i] as Quintile
      return {
        customerId: c.customerId,
        recencyDays: recencyDays[i] as number,
        recency,
        frequency,
        monetary,
        code: `${recency}${frequency}${monetary}`,
      }
    }),
  )
}

import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { type AnalyticsError, insufficientSample, invalidAnalyticsInput } from './errors.js'
import { checkNonNegativeInteger } from './validate.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What one customer of a campaign's population did over the measured period: their spend (integer
 * minor units ≥ 0, zero when they bought nothing) and whether they converted (default: spent > 0).
 * @category analytics
 */
export interface HoldoutOutcome {
  readonly spend: number
  readonly converted?: boolean
}

/** A campaign's treated group (got the offer) and control group (held out). @category analytics */
export interface HoldoutGroups {
  readonly campaignId: string
  readonly treated: readonly HoldoutOutcome[]
  readonly control: readonly HoldoutOutcome[]
}

/** A two-sided 95 % confidence interval. @category analytics */
export interface ConfidenceInterval {
  readonly low: number
  readonly high: number
}

/**
 * What a campaign's holdout says: spend per customer and conversion in each group, the uplift with
 * 95 % confidence intervals, and the incremental spend the campaign brought.
 * @category analytics
 */
export interface HoldoutUplift {
  readonly campaignId: string
  readonly treatedCount: number
  readonly controlCount: number
  /** Total spend of each group, exact integer minor units. */
  readonly treatedSpend: number
  readonly controlSpend: number
  /** Mean spend per customer, minor units (a fraction). */
  readonly treatedMeanSpend: number
  readonly controlMeanSpend: number
  /** Difference of the means: the incremental spend per treated customer. */
  readonly spendUpliftPerCustomer: number
  readonly spendUpliftCi95: ConfidenceInterval
  /** (difference of means) × treated count, computed exactly and rounded half away from zero. */
  readonly incrementalSpend: number
  readonly incrementalSpendCi95: ConfidenceInterval
  /** Welch–Satterthwaite degrees of freedom and the t critical value used. */
  readonly degreesOfFreedom: number
  readonly criticalValue: number
  /** Whether the spend interval excludes zero. */
  readonly significant: boolean
  readonly treatedConversion: number
  readonly controlConversion: number
  /** Conversion rate difference (treated − control), with its normal-approximation interval. */
  readonly conversionUplift: number
  readonly conversionUpliftCi95: ConfidenceInterval
}

// ── statistics ───────────────────────────────────────────────────────────────────────────────────

const Z_975 = 1.959963984540054
/** t(0.975, df) for df = 1..30. */
const T_975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314,
  2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
]

/**
 * The two-sided 95 % critical value of Student's t with `df` degrees of freedom. Below 30, the table
 * value at ⌊df⌋ (conservative for a fractional Welch df); from 30 on, the Cornish–Fisher expansion
 * around the normal quantile (within 1e-4 of the exact value); infinite df gives 1.96.
 * @category analytics
 */
export const tCritical95 = (df: number): number => {
  if (!(df >= 1)) throw new RangeError(`tCritical95: degrees of freedom must be ≥ 1, got ${df}`)
  if (df < 30) return T_975[Math.floor(df) - 1] as number
  if (!Number.isFinite(df)) return Z_975
  const z = Z_975
  const z3 = z ** 3
  const z5 = z ** 5
  const z7 = z ** 7
  const z9 = z ** 9
  const g1 = (z3 + z) / 4
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384
  const g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4
}

const sampleVariance = (values: readonly number[], mean: number): number => {
  let squares = 0
  for (const v of values) squares += (v - mean) ** 2
  return squares / (values.length - 1)
}

/** (sumT × nC − sumC × nT) / nC, exact, rounded half away from zero. */
const exactIncremental = (sumT: bigint, nT: number, sumC: bigint, nC: number): number => {
  const numerator = sumT * BigInt(nC) - sumC * BigInt(nT)
  const d = BigInt(nC)
  const magnitude = ((numerator < 0n ? -numerator : numerator) * 2n + d) / (2n * d)
  return Number(numerator < 0n ? -magnitude : magnitude)
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const checkGroup = (
  outcomes: readonly HoldoutOutcome[],
  name: 'treated' | 'control',
): AnalyticsError | { spends: number[]; sum: bigint; converted: number } => {
  const spends: number[] = []
  let sum = 0n
  let converted = 0
  for (const [i, o] of outcomes.entries()) {
    const bad = checkNonNegativeInteger(o.spend, `${name}.${i}.spend`)
    if (bad) return bad
    if (o.converted !== undefined && typeof o.converted !== 'boolean') {
      return invalidAnalyticsInput(`${name}.${i}.converted`, 'must be true or false')
    }
    spends.push(o.spend)
    sum += BigInt(o.spend)
    if (o.converted ?? o.spend > 0) converted++
  }
  if (spends.length < 2) {
    return insufficientSample(
      'the holdout uplift',
      `the ${name} group needs at least 2 customers, has ${spends.length}`,
    )
  }
  return { spends, sum, converted }
}

/**
 * The uplift of a campaign measured against its holdout (control) group.
 *
 * - Spend: difference of the mean spend per customer, treated − control, with a 95 % Welch
 *   interval: `diff ± t(0.975, ν) × √(s²T/nT + s²C/nC)`, ν the Welch–Satterthwaite degrees of freedom.
 * - Incremental spend: `diff × nT`, computed exactly from the integer totals
 *   (`sumT − sumC × nT / nC`) and rounded half away from zero; its interval is the spend interval × nT.
 * - Conversion: difference of conversion rates, with the normal (Wald) interval
 *   `± 1.96 × √(pT(1−pT)/nT + pC(1−pC)/nC)`.
 *
 * Each group needs at least 2 customers. Refuses a spend that is not an integer ≥ 0
 * (`control.3.spend`).
 * @category analytics
 */
export const holdoutUplift = (groups: HoldoutGroups): Either<AnalyticsError, HoldoutUplift> => {
  if (typeof groups.campaignId !== 'string' || groups.campaignId === '') {
    return left(invalidAnalyticsInput('campaignId', 'must be a non-empty string'))
  }
  const treated = checkGroup(groups.treated, 'treated')
  if ('_tag' in treated) return left(treated)
  const control = checkGroup(groups.control, 'control')
  if ('_tag' in control) return left(control)
  const nT = treated.spends.length
  const nC = control.spends.length
  const meanT = Number(treated.sum) / nT
  const meanC = Number(control.sum) / nC
  const a = sampleVariance(treated.spends, meanT) / nT
  const b = sampleVariance(control.spends, meanC) / nC
  const se = Math.sqrt(a + b)
  const df = a + b === 0 ? nT + nC - 2 : (a + b) ** 2 / (a ** 2 / (nT - 1) + b ** 2 / (nC - 1))
  const t = tCritical95(df)
  const diff = meanT - meanC
  const spendUpliftCi95 = { low: diff - t * se, high: diff + t * se }
  const pT = treated.converted / nT
  const pC = control.converted / nC
  const seP = Math.sqrt((pT * (1 - pT)) / nT + (pC * (1 - pC)) / nC)
  return right({
    campaignId: groups.campaignId,
    treatedCount: nT,
    controlCount: nC,
    treatedSpend: Number(treated.sum),
    controlSpend: Number(control.sum),
    treatedMeanSpend: meanT,
    controlMeanSpend: meanC,
    spendUpliftPerCustomer: diff,
    spendUpliftCi95,
    incrementalSpend: exactIncremental(treated.sum, nT, control.sum, nC),
    incrementalSpendCi95: { low: spendUpliftCi95.low * nT, high: spendUpliftCi95.high * nT },
    degreesOfFreedom: df,
    criticalValue: t,
    significant: spendUpliftCi95.low > 0 || spendUpliftCi95.high < 0,
    treatedConversion: pT,
    controlConversion: pC,
    conversionUplift: pT - pC,
    conversionUpliftCi95: { low: pT - pC - Z_975 * seP, high: pT - pC + Z_975 * seP },
  })
}

/** One customer's outcome for one campaign, as a report reads it from the evaluations. @category analytics */
export interface HoldoutObservation extends HoldoutOutcome {
  readonly campaignId: string
  readonly group: 'treated' | 'control'
}

/** A campaign's uplift, or why it cannot be measured yet. @category analytics */
export interface CampaignUplift {
  readonly campaignId: string
  readonly uplift: Either<AnalyticsError, HoldoutUplift>
}

/**
 * Groups observations by campaign (in order of first appearance) and measures each with
 * {@link holdoutUplift}. A campaign whose groups are too small gets its own `Left`; an observation
 * with a bad field refuses the whole input (`observations.7.group`).
 * @category analytics
 */
export const upliftByCampaign = (
  observations: readonly HoldoutObservation[],
): Either<AnalyticsError, readonly CampaignUplift[]> => {
  const byCampaign = new Map<string, { treated: HoldoutOutcome[]; control: HoldoutOutcome[] }>()
  for (const [i, o] of observations.entries()) {
    if (typeof o.campaignId !== 'string' || o.campaignId === '') {
      return left(invalidAnalyticsInput(`observations.${i}.campaignId`, 'must be a non-empty string'))
    }
    if (o.group !== 'treated' && o.group !== 'control') {
      return left(
        invalidAnalyticsInput(
          `observations.${i}.group`,
          `must be "treated" or "control", got ${JSON.stringify(o.group)}`,
        ),
      )
    }
    const bad = checkNonNegativeInteger(o.spend, `observations.${i}.spend`)
    if (bad) return left(bad)
    let groups = byCampaign.get(o.campaignId)
    if (groups === undefined) {
      groups = { treated: [], control: [] }
      byCampaign.set(o.campaignId, groups)
    }
    groups[o.group].push(o.converted === undefined ? { spend: o.spend } : { spend: o.spend, converted: o.converted })
  }
  return right([...byCampaign].map(([campaignId, g]) => ({ campaignId, uplift: holdoutUplift({ campaignId, ...g }) })))
}

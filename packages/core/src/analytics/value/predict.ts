import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { insufficientSample, invalidAnalyticsInput } from '../errors.js'
import { type BgNbdParameters, expectedTransactions, probabilityAlive } from './bgnbd.js'
import type { ValueError } from './errors.js'
import { expectedAverageSpend, type GammaGammaParameters } from './gammaGamma.js'
import type { MemberSummary, TimeUnit } from './summary.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** What to predict. @category analytics */
export interface PredictOptions {
  /** The horizon, in the model's unit. */
  readonly horizon: number
  readonly unit: TimeUnit
  /** The monthly discount rate of the CLV (0.01 is 1 % a month). Default 0.01. */
  readonly discountMonthly?: number
}

/**
 * One member's prediction. `expectedAverageSpend` and `clv` are integer minor units (rounded
 * half-up); `clv` is `null` without a spend model.
 * @category analytics
 */
export interface MemberValue {
  readonly memberId: string
  readonly frequency: number
  readonly recency: number
  readonly T: number
  readonly pAlive: number
  readonly expectedTransactions: number
  readonly expectedAverageSpend: number | null
  readonly clv: number | null
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** A month in days: 365.25 / 12. */
const MONTH_DAYS = 365.25 / 12

/**
 * The customer lifetime value of a member over a horizon H, discounted monthly (the formula of
 * Fader, Hardie and Lee's "RFM and CLV", in discrete months):
 *
 * CLV = Σ_{i=1..⌈H / month⌉} E[M] · (E[Y(tᵢ)] − E[Y(tᵢ₋₁)]) / (1 + d)^i, with tᵢ = min(i · month, H),
 *
 * where E[Y(t)] is the member's expected transactions in the next t (BG/NBD), E[M] their expected
 * amount per transaction (Gamma-Gamma), d the monthly discount rate, and a month 365.25 / 12 days.
 * In minor units, as a real number; `undefined` where BG/NBD's expectation is.
 * @category analytics
 */
export const customerLifetimeValue = (
  bgnbd: BgNbdParameters,
  spendPerTransaction: number,
  member: Pick<MemberSummary, 'frequency' | 'recency' | 'T'>,
  options: PredictOptions,
): number | undefined => {
  const month = options.unit === 'weeks' ? MONTH_DAYS / 7 : MONTH_DAYS
  const d = options.discountMonthly ?? 0.01
  const steps = Math.ceil(options.horizon / month - 1e-9)
  let value = 0
  let previous = 0
  for (let i = 1; i <= steps; i++) {
    const e = expectedTransactions(bgnbd, member, Math.min(i * month, options.horizon))
    if (e === undefined) return undefined
    value += (spendPerTransaction * (e - previous)) / (1 + d) ** i
    previous = e
  }
  return value
}

const roundHalfUp = (x: number) => Math.floor(x + 0.5)

/**
 * Predicts every member's P(alive), expected transactions over the horizon, expected amount per
 * transaction and CLV. Without a spend model (`gammaGamma` undefined), spend and CLV are `null`.
 * Refuses a horizon that is not > 0, a discount rate outside [0, 1), and a member the expectation
 * cannot be computed for (naming them).
 * @category analytics
 */
export const predictMembers = (
  fit: { readonly bgnbd: BgNbdParameters; readonly gammaGamma?: GammaGammaParameters | undefined },
  members: readonly MemberSummary[],
  options: PredictOptions,
): Either<ValueError, readonly MemberValue[]> => {
  if (!(Number.isFinite(options.horizon) && options.horizon > 0)) {
    return left(invalidAnalyticsInput('horizon', `must be a number > 0, got ${options.horizon}`))
  }
  const d = options.discountMonthly ?? 0.01
  if (!(Number.isFinite(d) && d >= 0 && d < 1)) {
    return left(invalidAnalyticsInput('discountMonthly', `must be within [0, 1), got ${d}`))
  }
  const out: MemberValue[] = []
  for (const [i, m] of members.entries()) {
    const e = expectedTransactions(fit.bgnbd, m, options.horizon)
    if (e === undefined) {
      return left(
        insufficientSample(
          'the expected transactions',
          `the series does not converge for members.${i} (${m.memberId})`,
        ),
      )
    }
    const spend = fit.gammaGamma === undefined ? undefined : expectedAverageSpend(fit.gammaGamma, m)
    const clv = spend === undefined ? undefined : customerLifetimeValue(fit.bgnbd, spend, m, options)
    out.push({
      memberId: m.memberId,
      frequency: m.frequency,
      recency: m.recency,
      T: m.T,
      pAlive: probabilityAlive(fit.bgnbd, m),
      expectedTransactions: e,
      expectedAverageSpend: spend === undefined ? null : roundHalfUp(spend),
      clv: clv === undefined ? null : roundHalfUp(clv),
    })
  }
  return right(out)
}

import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { insufficientSample, invalidAnalyticsInput } from '../errors.js'
import type { FitOptions } from './bgnbd.js'
import { modelFitFailed, type ValueError } from './errors.js'
import { converged, minimise } from './minimise.js'
import { digammaOf, logGamma } from './special.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"; Fader and Hardie's note
 * "The Gamma-Gamma model of monetary value"): a member's transaction amounts are Gamma(p, ν), and ν
 * is Gamma(q, γ) across members. `gamma` is in minor units, like the amounts.
 * @category analytics
 */
export interface GammaGammaParameters {
  readonly p: number
  readonly q: number
  readonly gamma: number
}

/** What Gamma-Gamma reads of a member: repeat transactions and their mean amount (minor units). @category analytics */
export interface SpendHistory {
  readonly frequency: number
  readonly monetaryValue: number
}

/** A fitted Gamma-Gamma model; `members` counts those it was fitted on (a repeat purchase, a mean > 0). @category analytics */
export interface GammaGammaFit extends GammaGammaParameters {
  readonly members: number
  readonly logLikelihood: number
  readonly iterations: number
}

// ── fit ──────────────────────────────────────────────────────────────────────────────────────────

/** Whether a member enters the spend model: a repeat purchase and a positive mean. */
export const hasRepeatSpend = (m: SpendHistory) => m.frequency > 0 && m.monetaryValue > 0

/**
 * Fits Gamma-Gamma by maximum likelihood on the members with at least one repeat purchase and a mean
 * amount > 0 (the others carry no information on spend). Refuses fewer than 2 such members, a
 * population whose means are all equal (no spread to fit), and a fit whose q ≤ 1 (the mean spend
 * would be infinite) or whose optimum is not inside the parameter space.
 * @category analytics
 */
export const fitGammaGamma = (
  members: readonly SpendHistory[],
  options: FitOptions = {},
): Either<ValueError, GammaGammaFit> => {
  for (const [i, m] of members.entries()) {
    if (!Number.isSafeInteger(m.frequency) || m.frequency < 0) {
      return left(invalidAnalyticsInput(`members.${i}.frequency`, `must be a whole number ≥ 0, got ${m.frequency}`))
    }
    if (!Number.isFinite(m.monetaryValue) || m.monetaryValue < 0) {
      return left(invalidAnalyticsInput(`members.${i}.monetaryValue`, `must be ≥ 0, got ${m.monetaryValue}`))
    }
  }
  const used = members.filter(hasRepeatSpend)
  if (used.length < 2) {
    return left(
      insufficientSample('Gamma-Gamma', `it needs at least 2 members with a repeat purchase, got ${used.length}`),
    )
  }
  if (used.every((m) => m.monetaryValue === used[0]?.monetaryValue)) {
    return left(
      insufficientSample('Gamma-Gamma', 'every repeat buyer has the same mean amount: there is no spread to fit'),
    )
  }
  const x = Int32Array.from(used, (m) => m.frequency)
  const mx = Float64Array.from(used, (m) => m.monetaryValue)
  const logX = Float64Array.from(x, Math.log)
  const logMx = mx.map(Math.log)
  const n = used.length
  let maxX = 0
  for (const xi of x) if (xi > maxX) maxX = xi
  // lnΓ(px + q) − lnΓ(px) and its digammas depend on the member only through x: tabled per x.
  const lgTable = new Float64Array(maxX + 1)
  const psiPxqTable = new Float64Array(maxX + 1)
  const psiPxTable = new Float64Array(maxX + 1)
  const valueAndGradient = (phi: readonly number[]) => {
    const p = Math.exp(phi[0] as number)
    const q = Math.exp(phi[1] as number)
    const g = Math.exp(phi[2] as number)
    for (let k = 1; k <= maxX; k++) {
      lgTable[k] = logGamma(p * k + q) - logGamma(p * k)
      psiPxqTable[k] = digammaOf(p * k + q)
      psiPxTable[k] = digammaOf(p * k)
    }
    const logG = Math.log(g)
    const constant = -logGamma(q) + q * logG
    const psiQ = digammaOf(q)
    let ll = 0
    let dp = 0
    let dq = 0
    let dg = 0
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number
      const px = p * xi
      const total = g + (mx[i] as number) * xi
      const logSum = Math.log(total)
      const lm = logMx[i] as number
      const lx = logX[i] as number
      ll += (lgTable[xi] as number) + constant + (px - 1) * lm + px * lx - (px + q) * logSum
      const psiPxq = psiPxqTable[xi] as number
      dp += xi * (psiPxq - (psiPxTable[xi] as number) + lm + lx - logSum)
      dq += psiPxq - psiQ + logG - logSum
      dg += q / g - (px + q) / total
    }
    return { value: -ll / n, gradient: [(-dp * p) / n, (-dq * q) / n, (-dg * g) / n] }
  }
  const meanSpend = used.reduce((s, m) => s + m.monetaryValue, 0) / n
  const minimum = minimise(valueAndGradient, [0, 0, Math.log(meanSpend)], {
    tolerance: options.tolerance ?? 1e-10,
    maxIterations: options.maxIterations ?? 1000,
  })
  if (minimum === undefined) return left(modelFitFailed('Gamma-Gamma', 'the likelihood is not finite at the start', 0))
  const [p, q, gamma] = minimum.x.map(Math.exp) as [number, number, number]
  const fitted = { p, q, gamma }
  const edge = (['p', 'q', 'gamma'] as const).find((k) => !(fitted[k] > 1e-6 && fitted[k] < 1e12))
  if (edge !== undefined) {
    return left(
      modelFitFailed(
        'Gamma-Gamma',
        `the likelihood has no maximum inside the parameter space (${edge} → ${fitted[edge] < 1 ? 0 : '∞'})`,
        minimum.iterations,
      ),
    )
  }
  if (!converged(minimum)) {
    return left(
      modelFitFailed(
        'Gamma-Gamma',
        `the optimiser stopped without converging (${minimum.message}, gradient ${minimum.gradientNorm.toExponential(2)})`,
        minimum.iterations,
      ),
    )
  }
  if (q <= 1) {
    return left(
      modelFitFailed(
        'Gamma-Gamma',
        `q = ${q.toFixed(3)} ≤ 1: the population's mean spend would be infinite`,
        minimum.iterations,
      ),
    )
  }
  return right({ ...fitted, members: n, logLikelihood: -minimum.value * n, iterations: minimum.iterations })
}

// ── predictions ──────────────────────────────────────────────────────────────────────────────────

/**
 * A member's expected amount per transaction, in minor units (a real number; round at the edge):
 * E[M | x, mₓ] = (q − 1) / (p·x + q − 1) · p·γ / (q − 1) + p·x / (p·x + q − 1) · mₓ, a weighted mean of
 * the population's p·γ / (q − 1) and the member's own mean. Without a repeat purchase (x = 0) it is
 * the population's, the prior.
 * @category analytics
 */
export const expectedAverageSpend = ({ p, q, gamma }: GammaGammaParameters, m: SpendHistory): number => {
  if (!hasRepeatSpend(m)) return (p * gamma) / (q - 1)
  const px = p * m.frequency
  return (p * (gamma + m.frequency * m.monetaryValue)) / (px + q - 1)
}

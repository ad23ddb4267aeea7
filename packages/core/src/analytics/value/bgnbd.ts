import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { insufficientSample, invalidAnalyticsInput } from '../errors.js'
import { modelFitFailed, type ValueError } from './errors.js'
import { converged, minimise } from './minimise.js'
import { digammaOf, logGamma, logHyp2f1 } from './special.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The BG/NBD parameters (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): while
 * alive a member buys as a Poisson process whose rate is Gamma(r, α) across members; after each
 * purchase they drop out with a probability that is Beta(a, b) across members.
 * @category analytics
 */
export interface BgNbdParameters {
  readonly r: number
  readonly alpha: number
  readonly a: number
  readonly b: number
}

/** What BG/NBD reads of a member: repeat transactions `frequency`, `recency` and age `T`. @category analytics */
export interface RepeatHistory {
  readonly frequency: number
  readonly recency: number
  readonly T: number
}

/** A fitted BG/NBD model. @category analytics */
export interface BgNbdFit extends BgNbdParameters {
  readonly members: number
  readonly logLikelihood: number
  readonly iterations: number
}

// ── validation ───────────────────────────────────────────────────────────────────────────────────

/** The first member whose history is impossible (frequency not a whole number, recency > T, …). */
const checkHistories = (members: readonly RepeatHistory[]) => {
  for (const [i, m] of members.entries()) {
    if (!Number.isSafeInteger(m.frequency) || m.frequency < 0) {
      return invalidAnalyticsInput(`members.${i}.frequency`, `must be a whole number ≥ 0, got ${m.frequency}`)
    }
    if (!Number.isFinite(m.T) || m.T < 0) return invalidAnalyticsInput(`members.${i}.T`, `must be ≥ 0, got ${m.T}`)
    if (!Number.isFinite(m.recency) || m.recency < 0 || m.recency > m.T) {
      return invalidAnalyticsInput(`members.${i}.recency`, `must be within [0, T = ${m.T}], got ${m.recency}`)
    }
    if (m.frequency === 0 && m.recency !== 0) {
      return invalidAnalyticsInput(`members.${i}.recency`, 'must be 0 for a member without repeat purchase')
    }
  }
  return undefined
}

const checkParameters = (p: BgNbdParameters) => {
  for (const key of ['r', 'alpha', 'a', 'b'] as const) {
    if (!(Number.isFinite(p[key]) && p[key] > 0)) {
      return invalidAnalyticsInput(`bgnbd.${key}`, `must be a finite number > 0, got ${p[key]}`)
    }
  }
  return undefined
}

// ── log-likelihood ───────────────────────────────────────────────────────────────────────────────

/** One member's log-likelihood (FHL 2005, eq. 6), computed directly. */
const memberLogLikelihood = ({ r, alpha, a, b }: BgNbdParameters, x: number, tx: number, T: number) => {
  const l1 =
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    logGamma(a + b) +
    logGamma(b + x) -
    logGamma(b) -
    logGamma(a + b + x)
  const a3 = -(r + x) * Math.log(alpha + T)
  if (x === 0) return l1 + a3
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx)
  const m = Math.max(a3, a4)
  return l1 + m + Math.log(Math.exp(a3 - m) + Math.exp(a4 - m))
}

/**
 * The BG/NBD log-likelihood of the members under the parameters: one direct pass, member by member.
 * This is the floor a fitter pays per iteration; the fitter itself groups identical histories.
 * @category analytics
 */
export const bgnbdLogLikelihood = (
  parameters: BgNbdParameters,
  members: readonly RepeatHistory[],
): Either<ValueError, number> => {
  const bad = checkParameters(parameters) ?? checkHistories(members)
  if (bad) return left(bad)
  let sum = 0
  for (const m of members) sum += memberLogLikelihood(parameters, m.frequency, m.recency, m.T)
  return right(sum)
}

/** Members grouped by identical (frequency, recency, T), with counts: the fitter's data. */
interface Grouped {
  readonly x: Int32Array
  readonly tx: Float64Array
  readonly T: Float64Array
  readonly weight: Float64Array
  readonly maxX: number
  readonly total: number
}

const group = (members: readonly RepeatHistory[]): Grouped => {
  const index = new Map<string, number>()
  const x: number[] = []
  const tx: number[] = []
  const T: number[] = []
  const weight: number[] = []
  let maxX = 0
  for (const m of members) {
    const key = `${m.frequency}|${m.recency}|${m.T}`
    const at = index.get(key)
    if (at !== undefined) {
      weight[at] = (weight[at] ?? 0) + 1
      continue
    }
    index.set(key, x.length)
    x.push(m.frequency)
    tx.push(m.recency)
    T.push(m.T)
    weight.push(1)
    if (m.frequency > maxX) maxX = m.frequency
  }
  return {
    x: Int32Array.from(x),
    tx: Float64Array.from(tx),
    T: Float64Array.from(T),
    weight: Float64Array.from(weight),
    maxX,
    total: members.length,
  }
}

/**
 * The log-likelihood of grouped members and its gradient with respect to the logs of (r, α, a, b).
 * Log-gamma and digamma of (r + x), (b + x), (a + b + x) are tabled once per distinct x.
 */
const logLikelihoodAndGradient = (data: Grouped, { r, alpha, a, b }: BgNbdParameters) => {
  const n = data.maxX + 1
  const lgR = new Float64Array(n)
  const lgB = new Float64Array(n)
  const lgAB = new Float64Array(n)
  const psiR = new Float64Array(n)
  const psiB = new Float64Array(n)
  const psiAB = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    lgR[k] = logGamma(r + k)
    lgB[k] = logGamma(b + k)
    lgAB[k] = logGamma(a + b + k)
    psiR[k] = digammaOf(r + k)
    psiB[k] = digammaOf(b + k)
    psiAB[k] = digammaOf(a + b + k)
  }
  const logAlpha = Math.log(alpha)
  const logA = Math.log(a)
  const base = -logGamma(r) + r * logAlpha + logGamma(a + b) - logGamma(b)
  const psiR0 = digammaOf(r)
  const psiAB0 = digammaOf(a + b)
  const psiB0 = digammaOf(b)
  let ll = 0
  let gr = 0
  let gAlpha = 0
  let ga = 0
  let gb = 0
  const { x: xs, tx: txs, T: Ts, weight } = data
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number
    const w = weight[i] as number
    const rx = r + x
    const logAT = Math.log(alpha + (Ts[i] as number))
    const a3 = -rx * logAT
    let lse = a3
    let w4 = 0
    let logATx = 0
    if (x > 0) {
      logATx = Math.log(alpha + (txs[i] as number))
      const a4 = logA - Math.log(b + x - 1) - rx * logATx
      const m = Math.max(a3, a4)
      const e3 = Math.exp(a3 - m)
      const e4 = Math.exp(a4 - m)
      lse = m + Math.log(e3 + e4)
      w4 = e4 / (e3 + e4)
    }
    const w3 = 1 - w4
    ll += w * ((lgR[x] as number) + (lgB[x] as number) - (lgAB[x] as number) + base + lse)
    gr += w * ((psiR[x] as number) - psiR0 + logAlpha - w3 * logAT - w4 * logATx)
    gAlpha +=
      w * (r / alpha - (w3 * rx) / (alpha + (Ts[i] as number)) - (x > 0 ? (w4 * rx) / (alpha + (txs[i] as number)) : 0))
    ga += w * (psiAB0 - (psiAB[x] as number) + (x > 0 ? w4 / a : 0))
    gb += w * (psiAB0 + (psiB[x] as number) - psiB0 - (psiAB[x] as number) - (x > 0 ? w4 / (b + x - 1) : 0))
  }
  return { ll, gradient: [gr * r, gAlpha * alpha, ga * a, gb * b] }
}

// ── fit ──────────────────────────────────────────────────────────────────────────────────────────

/** How to fit. @category analytics */
export interface FitOptions {
  readonly maxIterations?: number
  /** BFGS stops when its step (in log-parameters) is shorter than this. */
  readonly tolerance?: number
}

const PARAMETER_RANGE = [1e-6, 1e6] as const

/**
 * Fits BG/NBD by maximum likelihood (BFGS over the logs of the parameters, with the analytic
 * gradient). Refuses an impossible history (naming the member and field), a population without any
 * repeat purchase or with every member aged 0 (`InsufficientSample`), and a likelihood whose maximum
 * is not inside the parameter space or that the optimiser cannot reach (`ModelFitFailed`).
 * @category analytics
 */
export const fitBgNbd = (members: readonly RepeatHistory[], options: FitOptions = {}): Either<ValueError, BgNbdFit> => {
  const bad = checkHistories(members)
  if (bad) return left(bad)
  if (members.length < 2)
    return left(insufficientSample('BG/NBD', `it needs at least 2 members, got ${members.length}`))
  if (!members.some((m) => m.frequency > 0)) {
    return left(insufficientSample('BG/NBD', 'no member made a repeat purchase, so the purchase rate cannot be fitted'))
  }
  if (!members.some((m) => m.T > 0)) {
    return left(insufficientSample('BG/NBD', 'every member is of age 0 (first purchase on the last calibration day)'))
  }
  const data = group(members)
  const toParameters = (phi: readonly number[]): BgNbdParameters => ({
    r: Math.exp(phi[0] as number),
    alpha: Math.exp(phi[1] as number),
    a: Math.exp(phi[2] as number),
    b: Math.exp(phi[3] as number),
  })
  const minimum = minimise(
    (phi) => {
      const { ll, gradient } = logLikelihoodAndGradient(data, toParameters(phi))
      return { value: -ll / data.total, gradient: gradient.map((g) => -g / data.total) }
    },
    [0, Math.log(Math.max(1e-3, meanOf(members.map((m) => m.T)))), 0, 0],
    { tolerance: options.tolerance ?? 1e-10, maxIterations: options.maxIterations ?? 1000 },
  )
  if (minimum === undefined) return left(modelFitFailed('BG/NBD', 'the likelihood is not finite at the start', 0))
  const fitted = toParameters(minimum.x)
  const edge = (['r', 'alpha', 'a', 'b'] as const).find(
    (k) => !(fitted[k] > PARAMETER_RANGE[0] && fitted[k] < PARAMETER_RANGE[1]),
  )
  if (edge !== undefined) {
    return left(
      modelFitFailed(
        'BG/NBD',
        `the likelihood has no maximum inside the parameter space (${edge} → ${fitted[edge] < 1 ? 0 : '∞'}); the history is degenerate`,
        minimum.iterations,
      ),
    )
  }
  if (!converged(minimum)) {
    return left(
      modelFitFailed(
        'BG/NBD',
        `the optimiser stopped without converging (${minimum.message}, gradient ${minimum.gradientNorm.toExponential(2)})`,
        minimum.iterations,
      ),
    )
  }
  return right({
    ...fitted,
    members: members.length,
    logLikelihood: -minimum.value * data.total,
    iterations: minimum.iterations,
  })
}

const meanOf = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length)

// ── predictions ──────────────────────────────────────────────────────────────────────────────────

/**
 * The probability that a member is still alive at the end of calibration (FHL 2005, eq. 13):
 * 1 / (1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + tₓ))^(r + x)). It is 1 without repeat purchase.
 * @category analytics
 */
export const probabilityAlive = ({ r, alpha, a, b }: BgNbdParameters, m: RepeatHistory): number => {
  if (m.frequency === 0) return 1
  const logRatio = (r + m.frequency) * (Math.log(alpha + m.T) - Math.log(alpha + m.recency))
  return 1 / (1 + Math.exp(Math.log(a) - Math.log(b + m.frequency - 1) + logRatio))
}

/**
 * The expected number of transactions of a member in the next `t` units (FHL 2005, eq. 10):
 *
 * E[Y(t) | x, tₓ, T] = (a + b + x − 1) / (a − 1) · [1 − ((α + T) / (α + T + t))^(r + x) · ₂F₁(r + x, b + x; a + b + x − 1; t / (α + T + t))]
 *                     / [1 + δ(x > 0) · a / (b + x − 1) · ((α + T) / (α + tₓ))^(r + x)]
 *
 * `undefined` only where the formula is (a = 1 exactly, or the series does not converge).
 * @category analytics
 */
export const expectedTransactions = (p: BgNbdParameters, m: RepeatHistory, t: number): number | undefined => {
  if (t === 0) return 0
  const { r, alpha, a, b } = p
  const x = m.frequency
  const z = t / (alpha + m.T + t)
  const f = logHyp2f1(r + x, b + x, a + b + x - 1, z)
  if (f === undefined || a === 1) return undefined
  const power = (r + x) * (Math.log(alpha + m.T) - Math.log(alpha + m.T + t))
  const bracket = 1 - f.sign * Math.exp(power + f.log)
  const value = ((a + b + x - 1) / (a - 1)) * bracket * probabilityAlive(p, m)
  return Number.isFinite(value) && value >= 0 ? value : undefined
}

/**
 * The expected number of transactions in `t` units of a member just acquired (FHL 2005, eq. 9):
 * (a + b − 1) / (a − 1) · [1 − (α / (α + t))^r · ₂F₁(r, b; a + b − 1; t / (α + t))].
 * @category analytics
 */
export const expectedTransactionsOfNewMember = (p: BgNbdParameters, t: number): number | undefined =>
  expectedTransactions(p, { frequency: 0, recency: 0, T: 0 }, t)

import digamma from '@stdlib/math-base-special-digamma'
import gammaln from '@stdlib/math-base-special-gammaln'

// ── special functions ────────────────────────────────────────────────────────────────────────────
// Log-gamma and digamma come from @stdlib. The Gaussian hypergeometric function has no maintained npm
// package, so it is summed here, over the range the BG/NBD model uses (|z| < 1).

/** ln Γ(x), from `@stdlib/math-base-special-gammaln`. @category analytics */
export const logGamma: (x: number) => number = gammaln

/** ψ(x) = d/dx ln Γ(x), from `@stdlib/math-base-special-digamma`. @category analytics */
export const digammaOf: (x: number) => number = digamma

/**
 * ln |₂F₁(a, b; c; z)| and its sign, for |z| < 1 (the Gauss series), or `undefined` when the series is
 * not defined (c a non-positive integer) or does not converge within the term budget.
 *
 * The series is summed with a running scale so that terms too large for a double (a member with
 * hundreds of purchases and a horizon close to z = 1) do not overflow. Past the point where the term
 * ratio stays below 1 it stops once the geometric bound on the tail is under 1e-17 of the sum.
 * @category analytics
 */
export const logHyp2f1 = (
  a: number,
  b: number,
  c: number,
  z: number,
  maxTerms = 2_000_000,
): { readonly log: number; readonly sign: 1 | -1 | 0 } | undefined => {
  if (![a, b, c, z].every(Number.isFinite) || Math.abs(z) >= 1) return undefined
  if (c <= 0 && Number.isInteger(c)) return undefined
  if (z === 0 || a === 0 || b === 0) return { log: 0, sign: 1 }
  const RESCALE = 1e250
  let scaleLog = 0 // the true sum and term are sum·e^scaleLog and term·e^scaleLog
  let sum = 1
  let term = 1
  for (let k = 0; k < maxTerms; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z
    term *= ratio
    sum += term
    if (term === 0)
      return sum === 0
        ? { log: Number.NEGATIVE_INFINITY, sign: 0 }
        : { log: Math.log(Math.abs(sum)) + scaleLog, sign: sum > 0 ? 1 : -1 }
    if (Math.abs(sum) > RESCALE || Math.abs(term) > RESCALE) {
      sum /= RESCALE
      term /= RESCALE
      scaleLog += Math.log(RESCALE)
    }
    // Past k > |a|, |b|, |c| the ratio tends monotonically to z, from above or below, so the larger of
    // the next ratio and |z| bounds every later ratio: below 1, it bounds the tail geometrically.
    const next = Math.max(Math.abs((((a + k + 1) * (b + k + 1)) / ((c + k + 1) * (k + 2))) * z), Math.abs(z))
    if (k + 1 > Math.max(Math.abs(a), Math.abs(b), Math.abs(c)) && next < 1) {
      const tail = (Math.abs(term) * next) / (1 - next)
      if (tail <= 1e-17 * Math.abs(sum)) {
        if (sum === 0) return { log: Number.NEGATIVE_INFINITY, sign: 0 }
        return { log: Math.log(Math.abs(sum)) + scaleLog, sign: sum > 0 ? 1 : -1 }
      }
    }
  }
  return undefined
}

/**
 * ₂F₁(a, b; c; z) for |z| < 1, or `NaN` where {@link logHyp2f1} is undefined (this value never leaves
 * the module unchecked: the model functions turn it into a typed error).
 * @category analytics
 */
export const hyp2f1 = (a: number, b: number, c: number, z: number): number => {
  const r = logHyp2f1(a, b, c, z)
  return r === undefined ? Number.NaN : r.sign * Math.exp(r.log)
}

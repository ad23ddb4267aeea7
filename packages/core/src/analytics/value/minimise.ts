import numeric from 'numeric'

/** What {@link minimise} found. */
export interface Minimum {
  readonly x: readonly number[]
  readonly value: number
  readonly gradientNorm: number
  readonly iterations: number
  readonly message: string
}

/**
 * Minimises a smooth function with BFGS (`uncmin` from the `numeric` package), given a function that
 * returns the value and the gradient together (both cost one pass over the data, so the pair is
 * computed once and cached for the optimiser's two calls at the same point). `undefined` when the
 * start point is not finite.
 */
export const minimise = (
  valueAndGradient: (x: readonly number[]) => { readonly value: number; readonly gradient: readonly number[] },
  start: readonly number[],
  options: { readonly tolerance: number; readonly maxIterations: number },
): Minimum | undefined => {
  let lastX: readonly number[] | undefined
  let last: { readonly value: number; readonly gradient: readonly number[] } | undefined
  const at = (x: readonly number[]) => {
    if (lastX === undefined || last === undefined || x.some((v, i) => v !== lastX?.[i])) {
      last = valueAndGradient(x)
      lastX = [...x]
    }
    return last
  }
  const first = at(start)
  if (!Number.isFinite(first.value)) return undefined
  const result = numeric.uncmin(
    (x: number[]) => {
      const v = at(x).value
      return Number.isFinite(v) ? v : Number.NaN
    },
    [...start],
    options.tolerance,
    (x: number[]) => [...at(x).gradient],
    options.maxIterations,
  )
  const gradient = result.gradient as unknown as number[]
  return {
    x: result.solution as number[],
    value: result.f as number,
    gradientNorm: Math.sqrt(gradient.reduce((s, g) => s + g * g, 0)),
    iterations: result.iterations,
    message: result.message,
  }
}

/**
 * Whether a minimum is one: a gradient (of the mean log-likelihood per member, in log-parameters)
 * under 1e-5, or BFGS stopped because no step changes the value any more with a gradient under
 * 1e-3 (the function is flat to the precision of a double there, as happens on small samples).
 */
export const converged = (m: Minimum): boolean =>
  m.gradientNorm < 1e-5 ||
  (m.gradientNorm < 1e-3 &&
    (m.message === 'Newton step smaller than tol' || m.message === 'Line search step size smaller than tol'))

import type { AnalyticsError } from '../errors.js'

/**
 * A model whose likelihood could not be maximised: the optimiser stopped without converging, or the
 * maximum lies on the edge of the parameter space (a parameter running off to 0 or ∞), which is what
 * a degenerate history (everyone buying on the last day, say) produces.
 * @category errors
 */
export interface ModelFitFailed {
  readonly _tag: 'ModelFitFailed'
  readonly model: 'BG/NBD' | 'Gamma-Gamma'
  readonly reason: string
  readonly iterations: number
  readonly message: string
}

/** Builds a {@link ModelFitFailed}. @category errors */
export const modelFitFailed = (model: ModelFitFailed['model'], reason: string, iterations: number): ModelFitFailed => ({
  _tag: 'ModelFitFailed',
  model,
  reason,
  iterations,
  message: `cannot fit ${model}: ${reason}`,
})

/** What the customer-value functions refuse. @category errors */
export type ValueError = AnalyticsError | ModelFitFailed

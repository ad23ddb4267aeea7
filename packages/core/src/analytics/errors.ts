/**
 * An analytics input that cannot be measured: a field with a wrong value, or a sample too small or
 * too empty for the statistic asked for. The path names the field (`customers.3.spend`).
 * @category errors
 */
export type AnalyticsError = InvalidAnalyticsInput | InsufficientSample

/** A field of an analytics input is refused. @category errors */
export interface InvalidAnalyticsInput {
  readonly _tag: 'InvalidAnalyticsInput'
  readonly path: string
  readonly reason: string
  readonly message: string
}

/** A statistic needs more data than it was given (e.g. a control group of one customer). @category errors */
export interface InsufficientSample {
  readonly _tag: 'InsufficientSample'
  readonly statistic: string
  readonly reason: string
  readonly message: string
}

/** Builds an {@link InvalidAnalyticsInput}. @category errors */
export const invalidAnalyticsInput = (path: string, reason: string): InvalidAnalyticsInput => ({
  _tag: 'InvalidAnalyticsInput',
  path,
  reason,
  message: `${path}: ${reason}`,
})

/** Builds an {@link InsufficientSample}. @category errors */
export const insufficientSample = (statistic: string, reason: string): InsufficientSample => ({
  _tag: 'InsufficientSample',
  statistic,
  reason,
  message: `cannot compute ${statistic}: ${reason}`,
})

import { isIsoDateTime } from '../time/time.codec.js'
import { type InvalidAnalyticsInput, invalidAnalyticsInput } from './errors.js'

/** Checks a time is an ISO-8601 date-time with an offset; returns its epoch ms or the refusal. */
export const checkInstant = (at: string, path: string): number | InvalidAnalyticsInput => {
  const ms = typeof at === 'string' && isIsoDateTime(at) ? Date.parse(at) : Number.NaN
  return Number.isNaN(ms)
    ? invalidAnalyticsInput(path, `must be an ISO-8601 date-time with an offset, got ${JSON.stringify(at)}`)
    : ms
}

/** Checks an amount is an integer ≥ 0 (minor units or a count); returns the refusal if not. */
export const checkNonNegativeInteger = (n: number, path: string): InvalidAnalyticsInput | undefined =>
  Number.isSafeInteger(n) && n >= 0 ? undefined : invalidAnalyticsInput(path, `must be an integer ≥ 0, got ${n}`)

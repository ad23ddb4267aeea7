/**
 * Counts failed code attempts per subject (a till, a card) in a sliding window. Past `limit`
 * failures within `windowMs`, the subject is blocked until the oldest failure leaves the window.
 * In memory, per process: a chain behind a load balancer should pin a till to one server.
 * @category server
 */
export interface FailureLimiter {
  /** Milliseconds until the subject may try again, or 0 (`limit`: this check's own, instead of the limiter's). */
  readonly blockedFor: (subject: string, nowMs: number, limit?: number) => number
  readonly fail: (subject: string, nowMs: number) => void
}

/** A {@link FailureLimiter} (default 10 failures a minute). @category server */
export const failureLimiter = (limit = 10, windowMs = 60_000): FailureLimiter => {
  const failures = new Map<string, number[]>()
  const recent = (subject: string, nowMs: number) => {
    const kept = (failures.get(subject) ?? []).filter((at) => at > nowMs - windowMs)
    if (kept.length === 0) failures.delete(subject)
    else failures.set(subject, kept)
    return kept
  }
  return {
    blockedFor: (subject, nowMs, max = limit) => {
      const kept = recent(subject, nowMs)
      return kept.length < max ? 0 : (kept[kept.length - max] as number) + windowMs - nowMs
    },
    fail: (subject, nowMs) => {
      failures.set(subject, [...recent(subject, nowMs), nowMs])
    },
  }
}

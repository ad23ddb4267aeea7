// ── durations ────────────────────────────────────────────────────────────────────────────────────

/** One minute in milliseconds. @category time */
export const MINUTE_MS = 60_000

/** One hour in milliseconds. @category time */
export const HOUR_MS = 60 * MINUTE_MS

/**
 * One day of 24 hours in milliseconds: an elapsed duration, not a calendar day (a local day across
 * a DST change lasts 23 or 25 hours).
 * @category time
 */
export const DAY_MS = 24 * HOUR_MS

/** A year of 365 days in milliseconds, for rolling windows ("the last 12 months" is not this). @category time */
export const YEAR_MS = 365 * DAY_MS

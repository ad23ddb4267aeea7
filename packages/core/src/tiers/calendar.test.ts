import { describe, expect, it } from 'vitest'
import { addMonths, formatZoned, startOfYearAfter, zoned } from './calendar.js'

describe('calendar helpers', () => {
  it('adds months on the local calendar of the offset, clamping to the month end', () => {
    // 31 Jan 23:30 at −05:00 is 1 Feb in UTC; one local month later is 28 Feb 23:30 −05:00
    expect(formatZoned(addMonths(zoned('2027-01-31T23:30:00-05:00'), 1))).toBe('2027-02-28T23:30:00-05:00')
    expect(formatZoned(addMonths(zoned('2026-11-26T10:00:00+01:00'), -12))).toBe('2025-11-26T10:00:00+01:00')
  })

  it('finds 1 January of a later local year', () => {
    // 31 Dec 2026 20:00 at −05:00 is already 2027 in UTC, but 2026 locally
    expect(formatZoned(startOfYearAfter(zoned('2026-12-31T20:00:00-05:00'), 1))).toBe('2027-01-01T00:00:00-05:00')
  })

  it('formats UTC as Z, half-hour offsets and milliseconds', () => {
    expect(formatZoned(zoned('2026-03-01T09:15:30.250Z'))).toBe('2026-03-01T09:15:30.250Z')
    expect(formatZoned(zoned('2026-03-01T09:15:00+05:30'))).toBe('2026-03-01T09:15:00+05:30')
  })
})

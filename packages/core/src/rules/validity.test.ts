import { describe, expect, it } from 'vitest'
import { localTime, zoneOffsetMinutes } from './validity.js'

describe('local time in a zone', () => {
  it('follows the DST change to the minute (Paris, 29 March 2026 at 01:00 UTC)', () => {
    // One second before the change it is 01:59:59 CET (+1); at the change it is 03:00 CEST (+2).
    expect(localTime('2026-03-29T00:59:59Z', 'Europe/Paris')).toMatchObject({ day: 29, minutes: 1 * 60 + 59 })
    expect(localTime('2026-03-29T01:00:00Z', 'Europe/Paris')).toMatchObject({ day: 29, minutes: 3 * 60 })
    expect(zoneOffsetMinutes(Date.parse('2026-10-25T00:59:00Z'), 'Europe/Paris')).toBe(120)
    expect(zoneOffsetMinutes(Date.parse('2026-10-25T01:00:00Z'), 'Europe/Paris')).toBe(60)
  })

  it('without a zone, uses the basket offset (weekday 0 = Monday)', () => {
    // 2026-11-29T23:30-05:00 is a Sunday evening in its own offset (Monday in UTC).
    expect(localTime('2026-11-29T23:30:00-05:00', undefined)).toEqual({
      year: 2026,
      month: 11,
      day: 29,
      weekday: 6,
      minutes: 23 * 60 + 30,
    })
  })
})

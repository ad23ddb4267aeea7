import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, MINUTE_MS } from './duration.js'
import { intlTimeZoneRules } from './timeZoneRules.js'
import { BUILT_IN_ZONES, BUILT_IN_ZONES_YEARS } from './zones.generated.js'
import { tableTimeZoneRules } from './zoneTable.js'

const table = tableTimeZoneRules(BUILT_IN_ZONES)
const intl = (ms: number, zone: string) => intlTimeZoneRules?.offsetMinutes(ms, zone)

/** Where Intl's offset changes in the 4 days after an instant, to the minute. */
const intlChange = (zone: string, from: number): number => {
  const before = intl(from, zone)
  let lo = Math.floor(from / MINUTE_MS)
  let hi = Math.floor((from + 4 * DAY_MS) / MINUTE_MS)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (intl(mid * MINUTE_MS, zone) === before) lo = mid
    else hi = mid
  }
  return hi * MINUTE_MS
}

describe('the built-in zone table', () => {
  it('agrees with Intl on every zone, every 4 days from 2020 to 2060, and on the minute of every change', () => {
    const start = Date.UTC(BUILT_IN_ZONES_YEARS.from, 0, 1)
    const end = Date.UTC(2061, 0, 1)
    for (const zone of Object.keys(BUILT_IN_ZONES)) {
      const disagreements: string[] = []
      // a probe every 4 days (no zone changes twice in 4 days), drifting by 37 minutes, so it samples
      // every time of day over the years
      let previous = table.offsetMinutes(start, zone)
      for (let t = start, i = 0; t < end; t += 4 * DAY_MS, i++) {
        const ms = t + ((i * 37) % 1440) * MINUTE_MS
        const offset = table.offsetMinutes(ms, zone)
        if (offset !== intl(ms, zone))
          disagreements.push(`${new Date(ms).toISOString()}: ${offset} vs ${intl(ms, zone)}`)
        if (offset !== previous) {
          // the change must fall on Intl's minute, not only on the same day
          const at = intlChange(zone, ms - 4 * DAY_MS)
          if (table.offsetMinutes(at - MINUTE_MS, zone) !== intl(at - MINUTE_MS, zone))
            disagreements.push(`just before ${new Date(at).toISOString()}`)
          if (table.offsetMinutes(at, zone) !== intl(at, zone)) disagreements.push(`at ${new Date(at).toISOString()}`)
        }
        previous = offset
      }
      expect({ zone, disagreements: disagreements.slice(0, 5) }).toEqual({ zone, disagreements: [] })
    }
  })

  it('crosses the DST changes of Paris on their minute (the last Sundays of March and October, 01:00 UTC)', () => {
    const paris = (iso: string) => table.offsetMinutes(Date.parse(iso), 'Europe/Paris')
    expect(paris('2026-03-29T00:59:59Z')).toBe(60)
    expect(paris('2026-03-29T01:00:00Z')).toBe(120)
    expect(paris('2026-10-25T00:59:59Z')).toBe(120)
    expect(paris('2026-10-25T01:00:00Z')).toBe(60)
    // far past the generated years, the yearly rule still holds (2150: 29 March and 25 October)
    expect(paris('2150-03-29T01:00:00Z')).toBe(120)
    expect(paris('2150-10-25T00:59:00Z')).toBe(120)
  })

  it('follows a southern zone (Sydney: DST from the first Sunday of October to the first of April)', () => {
    const sydney = (iso: string) => table.offsetMinutes(Date.parse(iso), 'Australia/Sydney')
    expect(sydney('2026-01-15T00:00:00Z')).toBe(660)
    expect(sydney('2026-04-04T15:59:00Z')).toBe(660)
    expect(sydney('2026-04-04T16:00:00Z')).toBe(600)
    expect(sydney('2026-10-03T16:00:00Z')).toBe(660)
  })

  it('before the table, takes the yearly rules (or the offset) in force at its start, and knows no other zone', () => {
    expect(table.offsetMinutes(Date.UTC(1990, 6, 1), 'Asia/Tokyo')).toBe((9 * HOUR_MS) / MINUTE_MS)
    expect(table.offsetMinutes(Date.parse('2019-07-01T12:00:00Z'), 'Europe/Paris')).toBe(120)
    expect(table.offsetMinutes(Date.parse('2019-12-01T12:00:00Z'), 'Europe/Paris')).toBe(60)
    expect(table.offsetMinutes(0, 'Mars/Olympus_Mons')).toBeUndefined()
    expect(table.offsetMinutes(0, 'toString')).toBeUndefined()
  })
})

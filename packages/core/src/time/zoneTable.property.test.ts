import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MINUTE_MS } from './duration.js'
import { intlTimeZoneRules } from './timeZoneRules.js'
import { BUILT_IN_ZONES, BUILT_IN_ZONES_YEARS } from './zones.generated.js'
import { tableTimeZoneRules } from './zoneTable.js'

const table = tableTimeZoneRules(BUILT_IN_ZONES)
const zones = Object.keys(BUILT_IN_ZONES)

describe('the built-in zone table (property)', () => {
  it('gives the offset Intl gives, for any zone of the table at any minute of the checked years', () => {
    const from = Date.UTC(BUILT_IN_ZONES_YEARS.from, 0, 1)
    const until = Date.UTC(BUILT_IN_ZONES_YEARS.until + 1, 0, 1)
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: from / MINUTE_MS, max: until / MINUTE_MS - 1 }),
        (zone, minute) => {
          const ms = minute * MINUTE_MS
          expect(table.offsetMinutes(ms, zone)).toBe(intlTimeZoneRules?.offsetMinutes(ms, zone))
        },
      ),
      { numRuns: 5_000 },
    )
  })
})

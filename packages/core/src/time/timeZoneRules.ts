import type { TimeZoneRules } from '../ports/host.js'
import { BUILT_IN_ZONES } from './zones.generated.js'
import { tableTimeZoneRules } from './zoneTable.js'

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/** The `longOffset` name of a zone at an instant ("GMT+01:00", "GMT" for UTC) into minutes. */
const offsetFromName = (name: string): number => {
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name)
  if (m === null) return 0
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0)
  return m[1] === '-' ? -minutes : minutes
}

const intlRules = (): TimeZoneRules => {
  // Building a DateTimeFormat costs far more than using one: one per zone, `null` for an unknown zone.
  const formats = new Map<string, Intl.DateTimeFormat | null>()
  const formatOf = (zone: string) => {
    let format = formats.get(zone)
    if (format === undefined) {
      try {
        format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      } catch {
        format = null
      }
      formats.set(zone, format)
    }
    return format
  }
  return {
    offsetMinutes: (ms, zone) => {
      const format = formatOf(zone)
      if (format === null) return undefined
      const name = format.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
      return offsetFromName(name)
    },
  }
}

/**
 * Time-zone rules from `Intl.DateTimeFormat` (the runtime's tzdata), or `undefined` in a runtime
 * without `Intl`.
 * @category time
 */
export const intlTimeZoneRules: TimeZoneRules | undefined =
  typeof Intl === 'undefined' || typeof Intl.DateTimeFormat !== 'function' ? undefined : intlRules()

/**
 * The built-in time-zone rules: the zones of the generated table `BUILT_IN_ZONES`, without `Intl`.
 * @category time
 */
export const builtInTimeZoneRules: TimeZoneRules = tableTimeZoneRules(BUILT_IN_ZONES)

/** Rules that ask each of `rules` in turn, the first that knows the zone answering. @category time */
export const firstTimeZoneRules = (...rules: readonly TimeZoneRules[]): TimeZoneRules => ({
  offsetMinutes: (ms, zone) => {
    for (const r of rules) {
      const offset = r.offsetMinutes(ms, zone)
      if (offset !== undefined) return offset
    }
    return undefined
  },
})

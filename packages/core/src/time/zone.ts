import { currentHost } from '../ports/host.js'

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Whether a name is a time zone the host knows (`Europe/Paris`), through the host's time-zone port.
 * @category time
 */
export const isKnownTimeZone = (zone: string): boolean => currentHost().timeZones.offsetMinutes(0, zone) !== undefined

/**
 * The UTC offset of a zone at an instant in minutes (`Europe/Paris` in winter: 60), through the
 * host's time-zone port. Throws for a zone the host does not know: zones are checked when decoded
 * and compiled, so an unknown one here is a bug.
 * @category time
 */
export const timeZoneOffsetMinutes = (ms: number, zone: string): number => {
  const offset = currentHost().timeZones.offsetMinutes(ms, zone)
  if (offset === undefined) throw new RangeError(`unknown time zone "${zone}"`)
  return offset
}

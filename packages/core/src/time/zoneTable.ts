import type { TimeZoneRules } from '../ports/host.js'
import { DAY_MS, MINUTE_MS } from './duration.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A yearly change of a zone's offset, as tzdata writes it: on the first `weekday` (0 = Sunday) on or
 * after day `onOrAfter` of `month` (1–12), at `localMinutes` after midnight of the wall clock in
 * force before the change, the offset becomes `offsetMinutes`. "Last Sunday of March" is
 * `Sun >= 25`: `[offset, 3, 0, 25, minutes]`.
 * @category time
 */
export type ZoneChangeRule = readonly [
  offsetMinutes: number,
  month: number,
  weekday: number,
  onOrAfter: number,
  localMinutes: number,
]

/**
 * One zone of a built-in table: the offset in force at the table's start, the explicit changes
 * after it, and, from January 1 (UTC) of `rulesFrom`, the yearly rules that repeat for ever (none
 * for a zone without DST; `rulesFrom` 1970 when they held at the table's start, so they are assumed
 * before it too). The changes are packed as `"<minutes>±<offset> …"`: minutes in base 36
 * since the previous change (the first since the epoch), then the new offset in minutes.
 * @category time
 */
export type ZoneEntry = readonly [
  offsetMinutes: number,
  changes: string,
  rulesFrom?: number,
  rules?: readonly ZoneChangeRule[],
]

/** A table of zones by IANA name, such as the generated `BUILT_IN_ZONES`. @category time */
export type ZoneTable = Readonly<Record<string, ZoneEntry>>

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/**
 * A table from zones grouped by area (`{ Europe: { Paris: … } }` is `Europe/Paris`; the area `''`
 * holds names without one, such as `UTC`): the generated table is written so, to be smaller.
 * @category time
 */
export const zonesByArea = (areas: Readonly<Record<string, Readonly<Record<string, ZoneEntry>>>>): ZoneTable => {
  const table: Record<string, ZoneEntry> = {}
  for (const [area, zones] of Object.entries(areas)) {
    for (const [city, entry] of Object.entries(zones)) table[area === '' ? city : `${area}/${city}`] = entry
  }
  return table
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** The instant (ms) of a rule's change in a year, and the offset it sets. */
const changeIn = (year: number, rule: ZoneChangeRule, offsetBefore: number): number => {
  const [, month, weekday, onOrAfter, localMinutes] = rule
  const first = Date.UTC(year, month - 1, onOrAfter)
  const day = first + ((weekday - new Date(first).getUTCDay() + 7) % 7) * DAY_MS
  return day + (localMinutes - offsetBefore) * MINUTE_MS
}

/** The offset that the rules give at `ms` (the last change at or before it, this year or the last). */
const offsetByRules = (ms: number, rules: readonly ZoneChangeRule[]): number => {
  const year = new Date(ms).getUTCFullYear()
  let best = Number.NEGATIVE_INFINITY
  let offset = (rules[rules.length - 1] as ZoneChangeRule)[0]
  for (const y of [year - 1, year]) {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as ZoneChangeRule
      const before = (rules[(i + rules.length - 1) % rules.length] as ZoneChangeRule)[0]
      const at = changeIn(y, rule, before)
      if (at <= ms && at > best) {
        best = at
        offset = rule[0]
      }
    }
  }
  return offset
}

/** A zone's packed changes as [epochMinutes, offsetMinutes] pairs, ascending. */
const unpack = (changes: string): (readonly [number, number])[] => {
  const out: (readonly [number, number])[] = []
  let minutes = 0
  for (const token of changes.split(' ')) {
    const sign = token.search(/[+-]/)
    if (sign < 0) continue
    minutes += Number.parseInt(token.slice(0, sign), 36)
    out.push([minutes, Number(token.slice(sign))])
  }
  return out
}

/** The UTC offset (minutes) of a table's zone at an instant. */
const offsetOf = (entry: ZoneEntry, changes: readonly (readonly [number, number])[], ms: number): number => {
  const [initial, , rulesFrom, rules] = entry
  if (rules !== undefined && ms >= Date.UTC(rulesFrom ?? 0, 0, 1)) return offsetByRules(ms, rules)
  const minutes = Math.floor(ms / MINUTE_MS)
  let lo = 0
  let hi = changes.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((changes[mid] as readonly [number, number])[0] <= minutes) lo = mid + 1
    else hi = mid
  }
  return lo === 0 ? initial : (changes[lo - 1] as readonly [number, number])[1]
}

/**
 * Time-zone rules from a table, for a runtime without `Intl` (Javy's QuickJS). An instant before the
 * table's start takes the yearly rules in force at the start, or the offset then; a zone the table
 * lacks is unknown.
 * @category time
 */
export const tableTimeZoneRules = (table: ZoneTable): TimeZoneRules => {
  const unpacked = new Map<string, readonly (readonly [number, number])[]>()
  return {
    offsetMinutes: (ms, zone) => {
      const entry = Object.hasOwn(table, zone) ? table[zone] : undefined
      if (entry === undefined) return undefined
      let changes = unpacked.get(zone)
      if (changes === undefined) {
        changes = unpack(entry[1])
        unpacked.set(zone, changes)
      }
      return offsetOf(entry, changes, ms)
    },
  }
}

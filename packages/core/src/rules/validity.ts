import { epochMs, offsetMinutesOf } from '../time/time.codec.js'
import { timeZoneOffsetMinutes } from '../time/zone.js'
import { DAYS_OF_WEEK, type Validity } from './campaign.codec.js'
import type { LocalDay } from './context.js'
import type { Reason } from './evaluation.codec.js'

/** Wall-clock time of an instant in a zone: the day, the weekday (0 = Monday) and minutes since midnight. */
export interface LocalTime extends LocalDay {
  readonly weekday: number
  readonly minutes: number
}

/**
 * The local time of `at` in an IANA zone (with DST, via the host's time-zone port), or, without a zone, at the
 * basket's own UTC offset.
 */
export const localTime = (at: string, timeZone: string | undefined): LocalTime => {
  const ms = epochMs(at)
  if (timeZone === undefined) {
    const d = new Date(ms + offsetMinutesOf(at) * 60_000)
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: (d.getUTCDay() + 6) % 7,
      minutes: d.getUTCHours() * 60 + d.getUTCMinutes(),
    }
  }
  const d = new Date(ms + zoneOffsetMinutes(ms, timeZone) * 60_000)
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: (d.getUTCDay() + 6) % 7,
    minutes: d.getUTCHours() * 60 + d.getUTCMinutes(),
  }
}

// UTC offsets by zone and quarter hour: zone transitions (DST) fall on quarter hours, so the offset
// is constant within one; asking the time-zone port (Intl) for every basket costs more than the rest of a check.
const OFFSETS = new Map<string, number>()
const QUARTER_MS = 15 * 60_000

/** The UTC offset of a zone at an instant, in minutes (`Europe/Paris` in winter: 60), via the host's time-zone port. */
export const zoneOffsetMinutes = (ms: number, timeZone: string): number => {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_MS)}`
  let offset = OFFSETS.get(key)
  if (offset === undefined) {
    offset = timeZoneOffsetMinutes(ms, timeZone)
    if (OFFSETS.size > 50_000) OFFSETS.clear()
    OFFSETS.set(key, offset)
  }
  return offset
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** A validity window, compiled: instants in ms, days as a bit mask, hours in minutes. */
export interface CompiledValidity {
  readonly fromMs: number | undefined
  readonly untilMs: number | undefined
  readonly timeZone: string | undefined
  readonly daysMask: number
  readonly hours: readonly (readonly [number, number])[]
  readonly days: readonly string[] | undefined
}

/** Compiles a validity window; the zone defaults to the store's. */
export const compileValidity = (v: Validity | undefined, storeTimeZone: string | undefined): CompiledValidity => ({
  fromMs: v?.from === undefined ? undefined : epochMs(v.from),
  untilMs: v?.until === undefined ? undefined : epochMs(v.until),
  timeZone: v?.timeZone ?? storeTimeZone,
  daysMask: v?.daysOfWeek === undefined ? 0x7f : v.daysOfWeek.reduce((m, d) => m | (1 << DAYS_OF_WEEK.indexOf(d)), 0),
  hours: (v?.hours ?? []).map((h) => [minutesOf(h.from), minutesOf(h.until)] as const),
  days: v?.daysOfWeek,
})

/** Whether a compiled validity needs the local time (days or hours). */
export const needsLocalTime = (v: CompiledValidity): boolean => v.daysMask !== 0x7f || v.hours.length > 0

/** Minutes as `hh:mm`. */
export const hhmm = (m: number): string =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/**
 * Judges `now` against a window: NOT_STARTED, ENDED, WRONG_DAY or OUTSIDE_HOURS, or undefined
 * when inside. An `hours` range whose `until` is before its `from` runs past midnight.
 */
export const checkValidity = (v: CompiledValidity, nowMs: number, local: LocalTime | undefined): Reason | undefined => {
  if (v.fromMs !== undefined && nowMs < v.fromMs)
    return { code: 'NOT_STARTED', required: new Date(v.fromMs).toISOString() }
  if (v.untilMs !== undefined && nowMs >= v.untilMs)
    return { code: 'ENDED', required: new Date(v.untilMs).toISOString() }
  if (local === undefined) return undefined
  if ((v.daysMask & (1 << local.weekday)) === 0) {
    return { code: 'WRONG_DAY', required: [...(v.days ?? [])], actual: DAYS_OF_WEEK[local.weekday] as string }
  }
  if (v.hours.length > 0) {
    const m = local.minutes
    const inside = v.hours.some(([from, until]) => (from <= until ? m >= from && m < until : m >= from || m < until))
    if (!inside) {
      return { code: 'OUTSIDE_HOURS', required: v.hours.map(([f, u]) => `${hhmm(f)}-${hhmm(u)}`), actual: hhmm(m) }
    }
  }
  return undefined
}

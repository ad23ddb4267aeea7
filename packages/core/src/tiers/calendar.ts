import { MINUTE_MS } from '../time/duration.js'
import { offsetMinutesOf } from '../time/time.codec.js'

/** An instant and the UTC offset its calendar is read in (that of the ISO string it came from). */
export interface ZonedInstant {
  readonly ms: number
  readonly offsetMinutes: number
}

/** Reads an ISO-8601 date-time with its offset. */
export const zoned = (at: string): ZonedInstant => ({ ms: Date.parse(at), offsetMinutes: offsetMinutesOf(at) })

/**
 * Adds calendar months in the instant's own offset, clamping the day to the end of a shorter month
 * (31 January + 1 month = 28 or 29 February).
 */
export const addMonths = ({ ms, offsetMinutes }: ZonedInstant, months: number): ZonedInstant => {
  const local = new Date(ms + offsetMinutes * MINUTE_MS)
  const year = local.getUTCFullYear()
  const month = local.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(local.getUTCDate(), lastDay)
  const shifted = Date.UTC(
    year,
    month,
    day,
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    local.getUTCMilliseconds(),
  )
  return { ms: shifted - offsetMinutes * MINUTE_MS, offsetMinutes }
}

/** Midnight of 1 January of the local year `years` after the instant's, in its offset. */
export const startOfYearAfter = ({ ms, offsetMinutes }: ZonedInstant, years: number): ZonedInstant => {
  const local = new Date(ms + offsetMinutes * MINUTE_MS)
  return { ms: Date.UTC(local.getUTCFullYear() + years, 0, 1) - offsetMinutes * MINUTE_MS, offsetMinutes }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** Formats an instant as ISO-8601 in its offset: `2027-11-26T10:15:00+01:00`. */
export const formatZoned = ({ ms, offsetMinutes }: ZonedInstant): string => {
  const local = new Date(ms + offsetMinutes * MINUTE_MS)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  const offset = offsetMinutes === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  const millis = local.getUTCMilliseconds()
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${millis === 0 ? '' : `.${pad(millis, 3)}`}${offset}`
  )
}

import { primitive } from '../codec/primitive.js'

/** An ISO-8601 date-time with an explicit offset (`Z` or `±hh:mm`). @category codecs */
export type IsoDateTime = string & { readonly IsoDateTime: unique symbol }

/** A calendar date `YYYY-MM-DD`. @category codecs */
export type LocalDate = string & { readonly LocalDate: unique symbol }

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const validDate = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

/**
 * Whether a string is an ISO-8601 date-time with an offset. A time without an offset is refused:
 * a till in Paris and a server in UTC must agree on what "10:15" meant.
 * @category codecs
 */
export const isIsoDateTime = (s: string): s is IsoDateTime => {
  const m = DATE_TIME.exec(s)
  if (m === null) return false
  const [, y, mo, d, h, mi, sec] = m
  return validDate(Number(y), Number(mo), Number(d)) && Number(h) < 24 && Number(mi) < 60 && Number(sec ?? 0) < 60
}

/** The ISO-8601 date-time codec (offset required). @category codecs */
export const IsoDateTimeCodec = primitive<IsoDateTime>(
  'IsoDateTime',
  (u) =>
    typeof u !== 'string'
      ? 'must be an ISO-8601 date-time string'
      : isIsoDateTime(u)
        ? undefined
        : /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(u)
          ? 'must carry a UTC offset (e.g. "2026-11-26T10:15:00+01:00" or "…Z"); a local time is ambiguous'
          : 'must be an ISO-8601 date-time with an offset, such as "2026-11-26T10:15:00+01:00"',
  {
    type: 'string',
    format: 'date-time',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
  },
)

/** The `YYYY-MM-DD` date codec. @category codecs */
export const LocalDateCodec = primitive<LocalDate>(
  'LocalDate',
  (u) => {
    if (typeof u !== 'string') return 'must be a date string YYYY-MM-DD'
    const m = DATE.exec(u)
    return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? undefined : 'must be a date YYYY-MM-DD'
  },
  { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
)

/** Milliseconds since the epoch of an ISO date-time that was decoded. @category codecs */
export const epochMs = (at: IsoDateTime | string): number => Date.parse(at)

/**
 * The UTC offset of an ISO date-time in minutes (`+01:00` gives 60), for judging local time when a
 * campaign names no time zone.
 * @category codecs
 */
export const offsetMinutesOf = (at: IsoDateTime | string): number => {
  const m = /(Z|([+-])(\d{2}):(\d{2}))$/.exec(at)
  if (m === null || m[1] === 'Z') return 0
  const minutes = Number(m[3]) * 60 + Number(m[4])
  return m[2] === '-' ? -minutes : minutes
}

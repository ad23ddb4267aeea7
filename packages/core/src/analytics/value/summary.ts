import { TZDate } from '@date-fns/tz'
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { DAY_MS } from '../../time/duration.js'
import { type AnalyticsError, insufficientSample, invalidAnalyticsInput } from '../errors.js'
import { isLocalDate, type PurchaseLine } from './history.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** The model's time unit: weeks (the literature's) or days. @category analytics */
export type TimeUnit = 'weeks' | 'days'

/**
 * One member's calibration summary, as BG/NBD and Gamma-Gamma read it. Times are in the unit asked
 * for, measured in whole calendar days.
 * @category analytics
 */
export interface MemberSummary {
  readonly memberId: string
  /** Repeat transactions: transaction days after the first one. */
  readonly frequency: number
  /** From the first to the last transaction day. */
  readonly recency: number
  /** The member's age: from the first transaction day to the end of calibration. */
  readonly T: number
  /** Mean amount of the repeat transactions, in minor units (a mean, so not an integer); 0 with no repeat. */
  readonly monetaryValue: number
  readonly firstPurchase: string
  readonly lastPurchase: string
}

/** How to summarise a history. @category analytics */
export interface SummaryOptions {
  /** The last day of calibration, `YYYY-MM-DD`: that day's purchases count. */
  readonly until: string
  /** The store's IANA zone for date-times; without it, the date a time carries at its own offset. */
  readonly timeZone?: string
  readonly unit?: TimeUnit
}

/** The summaries of a history, with what was left out and why. @category analytics */
export interface HistorySummary {
  readonly unit: TimeUnit
  readonly until: string
  readonly members: readonly MemberSummary[]
  /** Lines dated after `until` (the holdout period), not counted. */
  readonly linesAfterUntil: number
  /** Days with only returns: not transactions. */
  readonly daysWithoutSale: number
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** Whole days since 1970-01-01 of a calendar date. */
const dayNumber = (y: number, month: number, d: number) => Date.UTC(y, month - 1, d) / DAY_MS

const formatDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

/** Whether a zone name is an IANA zone this runtime knows. */
const knownZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** The local calendar day of a purchase time, in `zone` when given. */
const localDay = (at: string, zone: string | undefined): number => {
  if (zone === undefined || at.length === 10) {
    return dayNumber(Number(at.slice(0, 4)), Number(at.slice(5, 7)), Number(at.slice(8, 10)))
  }
  const local = new TZDate(Date.parse(at), zone)
  return dayNumber(local.getFullYear(), local.getMonth() + 1, local.getDate())
}

/**
 * Summarises a purchase history into each member's frequency, recency, age `T` and mean repeat
 * amount, over the calibration period that ends on `until` (inclusive).
 *
 * - Purchases of one member on one local day are one transaction; their amounts add up, and a return
 *   (negative amount) reduces its day's amount, not below 0. A day with only returns is not a
 *   transaction; a free sale (amount 0) is.
 * - Ages are whole days to `until` in the store's zone, then divided by 7 for weeks: a first purchase
 *   on 1997-01-01 with `until` 1997-09-30 is 272 days, 38.86 weeks, old.
 * - Members whose first transaction is after `until` are not in the calibration population.
 *
 * Refuses an `until` that is not a date, an unknown zone, and an empty calibration population.
 * @category analytics
 */
export const summariseHistory = (
  lines: readonly PurchaseLine[],
  options: SummaryOptions,
): Either<AnalyticsError, HistorySummary> => {
  const unit = options.unit ?? 'weeks'
  if (!isLocalDate(options.until)) {
    return left(invalidAnalyticsInput('until', `must be a date YYYY-MM-DD, got ${JSON.stringify(options.until)}`))
  }
  if (options.timeZone !== undefined && !knownZone(options.timeZone)) {
    return left(invalidAnalyticsInput('timeZone', `is not a known IANA time zone: ${JSON.stringify(options.timeZone)}`))
  }
  const until = localDay(options.until, undefined)
  const perDay = 7
  const scale = unit === 'weeks' ? perDay : 1
  // member → day → net amount, and whether the day has a sale (a line ≥ 0, free ones included)
  const byMember = new Map<string, Map<number, { net: number; sale: boolean }>>()
  let linesAfterUntil = 0
  for (const line of lines) {
    const day = localDay(line.at, options.timeZone)
    if (day > until) {
      linesAfterUntil++
      continue
    }
    let days = byMember.get(line.memberId)
    if (days === undefined) {
      days = new Map()
      byMember.set(line.memberId, days)
    }
    const sums = days.get(day)
    if (sums === undefined) days.set(day, { net: line.amount, sale: line.amount >= 0 })
    else days.set(day, { net: sums.net + line.amount, sale: sums.sale || line.amount >= 0 })
  }
  const members: MemberSummary[] = []
  let daysWithoutSale = 0
  for (const [memberId, days] of byMember) {
    const sales = [...days]
      .filter(([, d]) => d.sale)
      .map(([day, d]) => [day, Math.max(0, d.net)] as const)
      .sort((x, y) => x[0] - y[0])
    daysWithoutSale += days.size - sales.length
    const first = sales[0]
    const last = sales[sales.length - 1]
    if (first === undefined || last === undefined) continue
    let repeatTotal = 0
    for (const [, amount] of sales.slice(1)) repeatTotal += amount
    const frequency = sales.length - 1
    members.push({
      memberId,
      frequency,
      recency: (last[0] - first[0]) / scale,
      T: (until - first[0]) / scale,
      monetaryValue: frequency === 0 ? 0 : repeatTotal / frequency,
      firstPurchase: formatDay(first[0]),
      lastPurchase: formatDay(last[0]),
    })
  }
  if (members.length === 0) {
    return left(insufficientSample('the history summary', `no member has a sale on or before ${options.until}`))
  }
  return right({ unit, until: options.until, members, linesAfterUntil, daysWithoutSale })
}

import type { LocalDate } from '../time/time.codec.js'
import type { AttributeValue, CustomerValue } from './customer.codec.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A known person. Cards link to a member once identified; their points live on an account.
 * @category customer
 */
export interface Member {
  readonly memberId: string
  readonly programId: string
  /** Free-form profile (name, email…). Tessera does not interpret it. */
  readonly profile?: Readonly<Record<string, string>>
  /** When the member joined, epoch milliseconds. */
  readonly joinedAt: number
  /** Marketing segments (`wine-lovers`), which campaigns may target: the member's profile says them, not the till. */
  readonly segments?: readonly string[]
  /** The member's birthday, for birthday campaigns. */
  readonly birthday?: LocalDate
  /** Attributes campaigns may read (`pets: dog`). */
  readonly attributes?: Readonly<Record<string, AttributeValue>>
  /** The member's last customer-value snapshot (CLV, P(alive), value rank), which value conditions read. */
  readonly value?: CustomerValue
  /** When the member's personal data was erased (epoch ms): the record keeps only its id, program and dates. */
  readonly erasedAt?: number
}

/**
 * A household: several members, one shared account. Every card of the household points to
 * `accountId`.
 * @category customer
 */
export interface Household {
  readonly householdId: string
  readonly accountId: string
  readonly memberIds: readonly string[]
}

/**
 * Where an account stands: `open`, or `merged` into another account (a card replacement or a merge
 * moved its balance with a `transfer`, and its cards now point to `mergedInto`).
 * @category customer
 */
export type AccountStatus = 'open' | 'merged'

/**
 * A points account in one program. The ledger posts to accounts; cards and households point to them.
 * @category customer
 */
export interface Account {
  readonly accountId: string
  readonly programId: string
  /** The member who owns it; absent for an anonymous card's account or a household's. */
  readonly memberId?: string
  readonly householdId?: string
  readonly status: AccountStatus
  readonly mergedInto?: string
  /** When the account was opened, epoch milliseconds. */
  readonly openedAt: number
}

/**
 * A paid club membership: a member is in the club from `from` (inclusive) to `until` (exclusive),
 * epoch milliseconds. Renewal extends `until` by one period.
 * @category customer
 */
export interface ClubMembership {
  readonly memberId: string
  readonly clubId: string
  readonly from: number
  readonly until: number
  /** How long one paid period lasts, in whole months. */
  readonly periodMonths: number
  readonly autoRenew: boolean
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Whether a club membership is valid at an instant (epoch ms): `from ≤ at < until`. Eligibility
 * rules ("club members only") ask this with the basket's time, never the system clock.
 * @category customer
 */
export const isMember = (membership: ClubMembership | undefined, at: number): boolean =>
  membership !== undefined && membership.from <= at && at < membership.until

/**
 * Adds whole calendar months to an instant in UTC, clamping to the end of a shorter month
 * (Jan 31 + 1 month = Feb 28/29).
 * @category customer
 */
export const addMonthsUtc = (at: number, months: number): number => {
  const d = new Date(at)
  const year = d.getUTCFullYear()
  const month = d.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return Date.UTC(
    year,
    month,
    Math.min(d.getUTCDate(), lastDay),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  )
}

/**
 * Starts a club membership at `at` for one period.
 * @category customer
 */
export const joinClub = (
  memberId: string,
  clubId: string,
  at: number,
  periodMonths: number,
  autoRenew = true,
): ClubMembership => ({ memberId, clubId, from: at, until: addMonthsUtc(at, periodMonths), periodMonths, autoRenew })

/**
 * Renews a membership paid at `paidAt`: a renewal before the end extends from the current end (no
 * day is lost); a renewal after a lapse starts a new period at `paidAt`.
 * @category customer
 */
export const renewMembership = (membership: ClubMembership, paidAt: number): ClubMembership =>
  paidAt < membership.until
    ? { ...membership, until: addMonthsUtc(membership.until, membership.periodMonths) }
    : { ...membership, from: paidAt, until: addMonthsUtc(paidAt, membership.periodMonths) }

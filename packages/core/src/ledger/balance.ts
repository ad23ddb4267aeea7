import type { AccountState, Balance, BalanceRow, EpochMs, Lot, Reservation } from './model.js'

/** Whether a lot has expired at `at` (its `expiresAt` is at or before `at`). @category ledger */
export const isExpired = (lot: Pick<Lot, 'expiresAt'>, at: EpochMs): boolean =>
  lot.expiresAt !== undefined && lot.expiresAt <= at

/** Whether a lot is spendable at `at`: matured and not expired. @category ledger */
export const isAvailable = (lot: Pick<Lot, 'availableFrom' | 'expiresAt'>, at: EpochMs): boolean =>
  lot.availableFrom <= at && !isExpired(lot, at)

/** Whether a lot is still pending at `at`: not matured and not expired. @category ledger */
export const isPending = (lot: Pick<Lot, 'availableFrom' | 'expiresAt'>, at: EpochMs): boolean =>
  at < lot.availableFrom && !isExpired(lot, at)

/**
 * Orders lots the way they are spent: soonest expiry first (never-expiring last), then soonest
 * matured, then lotId. Returns a new array.
 * @category ledger
 */
export const spendOrder = <L extends Pick<Lot, 'lotId' | 'availableFrom' | 'expiresAt'>>(lots: readonly L[]): L[] =>
  [...lots].sort(
    (a, b) =>
      (a.expiresAt ?? Number.POSITIVE_INFINITY) - (b.expiresAt ?? Number.POSITIVE_INFINITY) ||
      a.availableFrom - b.availableFrom ||
      (a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0),
  )

/** Whether an open reservation has lapsed at `at`. @category ledger */
export const isLapsed = (reservation: Reservation, at: EpochMs): boolean =>
  reservation.status === 'open' && reservation.expiresAt <= at

/**
 * The balances of an account as of `asOf`, from its open lots and reservations alone. This is the
 * "as of" read: pending lots whose `availableFrom` has passed count as available, lots whose
 * `expiresAt` has passed count nowhere (the sweep writes their `expire` entry later), and lapsed
 * reservations count as released. Pure; no write is needed for time to pass.
 * @category ledger
 */
export const balanceOf = (state: Pick<AccountState, 'lots' | 'reservations' | 'row'>, asOf: EpochMs): Balance => {
  let available = 0
  let pending = 0
  let reserved = 0
  for (const r of state.reservations) {
    if (r.status !== 'open') continue
    if (!isLapsed(r, asOf)) {
      reserved += r.points
      continue
    }
    for (const take of r.takes) {
      if (isAvailable(take, asOf)) available += take.points
      else if (isPending(take, asOf)) pending += take.points
    }
  }
  for (const lot of state.lots) {
    if (isAvailable(lot, asOf)) available += lot.remaining
    else if (isPending(lot, asOf)) pending += lot.remaining
  }
  return { accountId: state.row.accountId, asOf, available: available - state.row.debt, pending, reserved }
}

/** The balance row of a new account: all zero. @category ledger */
export const emptyBalanceRow = (accountId: string, at: EpochMs): BalanceRow => ({
  accountId,
  asOf: at,
  available: 0,
  pending: 0,
  reserved: 0,
  debt: 0,
  sequence: 0,
})

/** The plain balance of a row (without debt and sequence). @category ledger */
export const balanceFromRow = (row: BalanceRow): Balance => ({
  accountId: row.accountId,
  asOf: row.asOf,
  available: row.available,
  pending: row.pending,
  reserved: row.reserved,
})

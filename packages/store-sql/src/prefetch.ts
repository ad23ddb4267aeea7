import {
  type AccountState,
  type LedgerTransaction,
  type PostingPlan,
  type PostingRequest,
  type Reservation,
  type StoredPosting,
  spendOrder,
} from '@tessera/core'
import { policyOf } from './loyalty.js'
import {
  ACCOUNT_COLUMNS,
  accountColumns,
  accountFromRow,
  asRecords,
  BALANCE_COLUMNS,
  balanceColumns,
  balanceRowFromRow,
  cardFromRow,
  ENTRY_COLUMNS,
  entryColumns,
  LOT_COLUMNS,
  lotColumns,
  lotFromRow,
  RESERVATION_COLUMNS,
  reservationColumns,
  reservationFromRow,
  type SqlRow,
} from './rows.js'

const byReservationId = (a: Reservation, b: Reservation) =>
  a.reservationId < b.reservationId ? -1 : a.reservationId > b.reservationId ? 1 : 0

/** A JSON column as a driver returns it: parsed already (PostgreSQL `json`), or text. */
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v)

/**
 * An account's state from one row: the account and balance columns, and its open `lots` and
 * `reservations` as JSON arrays of rows (one round trip instead of three).
 * @category store-sql
 */
export const accountStateFromRow = (r: SqlRow): AccountState => ({
  account: accountFromRow(r),
  row: balanceRowFromRow(r),
  lots: spendOrder((json(r.lots) as SqlRow[]).map(lotFromRow)),
  reservations: (json(r.reservations) as SqlRow[]).map(reservationFromRow).sort(byReservationId),
})

/** The card and the account a single-account request names (`undefined` for a transfer). @category store-sql */
export const addressOf = (
  request: PostingRequest,
): { readonly card: string | null; readonly account: string | null } => {
  const ref = request.kind === 'transfer' ? undefined : request.account
  return {
    card: ref !== undefined && 'card' in ref ? ref.card : null,
    account: ref !== undefined && 'accountId' in ref ? ref.accountId : null,
  }
}

/**
 * A {@link LedgerTransaction} that answers a posting's reads from ONE prefetched row and asks `rest`
 * for anything else. The row has `posting_request` and `posting_result` (the posting stored under
 * the request's key, or NULL), `card` (the named card as a JSON object, or NULL), the addressed
 * account's state columns (see {@link accountStateFromRow}) with `policy`, and `snapshot_sequence`:
 * when it differs from `sequence` (a locked read that waited for a posting committed meanwhile)
 * the lots it read are stale and the state is loaded again from `rest`. `write` goes to `onWrite`.
 * @category store-sql
 */
export const prefetchedLedgerTransaction = (
  request: PostingRequest,
  row: SqlRow,
  rest: LedgerTransaction,
  onWrite: (plan: PostingPlan, posting: StoredPosting) => Promise<void>,
): LedgerTransaction => {
  const { card, account } = addressOf(request)
  const found = row.card === null || row.card === undefined ? undefined : cardFromRow(json(row.card) as SqlRow)
  const addressed = account ?? found?.accountId
  const present = row.account_id !== null && row.account_id !== undefined
  const fresh = !present || row.snapshot_sequence === undefined || row.snapshot_sequence === row.sequence
  return {
    ...rest,
    findPosting: async (key) =>
      key !== request.key
        ? rest.findPosting(key)
        : row.posting_request === null || row.posting_request === undefined
          ? undefined
          : { key, request: row.posting_request as string, result: JSON.parse(row.posting_result as string) },
    findCard: async (number) => (number === card ? found : rest.findCard(number)),
    loadAccountState: async (id) =>
      id === addressed && fresh ? (present ? accountStateFromRow(row) : undefined) : rest.loadAccountState(id),
    policy: async (programId) =>
      present && programId === row.program_id ? policyOf(row.policy) : rest.policy(programId),
    write: onWrite,
  }
}

/**
 * True when a plan writes only the balance row of `accountId` (with its lots and reservations), no
 * account row and no move: what a compare-and-set on that one row's sequence can write alone.
 * @category store-sql
 */
export const isSingleAccountPlan = (plan: PostingPlan, accountId: unknown): boolean => {
  const row = plan.rows[0]
  return (
    accountId !== null &&
    plan.rows.length === 1 &&
    row !== undefined &&
    row.accountId === accountId &&
    plan.accounts.length === 0 &&
    plan.moved === undefined &&
    plan.lots.every((l) => l.accountId === row.accountId) &&
    plan.reservations.every((r) => r.accountId === row.accountId)
  )
}

/** Keeps the last of several rows with the same key: one upsert statement may not touch a row twice. @category store-sql */
export const lastBy = <A>(rows: readonly A[], key: (a: A) => string): A[] => [
  ...new Map(rows.map((r) => [key(r), r])).values(),
]

/**
 * A posting plan as the parameters of a one-statement write: entries, lots, reservations, balance
 * rows and accounts (each a JSON array of rows, see `asRecords`), then the posting's key, request
 * and result. Without a plan: empty arrays and NULLs (a statement that also writes other tables).
 * @category store-sql
 */
export const planRecords = (plan: PostingPlan | undefined, posting: StoredPosting | undefined): unknown[] =>
  plan === undefined || posting === undefined
    ? ['[]', '[]', '[]', '[]', '[]', null, null, null]
    : [
        asRecords(ENTRY_COLUMNS, plan.entries.map(entryColumns)),
        asRecords(LOT_COLUMNS, lastBy(plan.lots, (l) => `${l.accountId}\u0000${l.lotId}`).map(lotColumns)),
        asRecords(
          RESERVATION_COLUMNS,
          lastBy(plan.reservations, (r) => `${r.accountId}\u0000${r.reservationId}`).map(reservationColumns),
        ),
        asRecords(BALANCE_COLUMNS, lastBy(plan.rows, (r) => r.accountId).map(balanceColumns)),
        asRecords(ACCOUNT_COLUMNS, lastBy(plan.accounts, (a) => a.accountId).map(accountColumns)),
        posting.key,
        posting.request,
        JSON.stringify(posting.result),
      ]

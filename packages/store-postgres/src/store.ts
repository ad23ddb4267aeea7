import {
  type Account,
  type AccountState,
  DEFAULT_LEDGER_POLICY,
  executePosting,
  type LedgerError,
  type LedgerPolicy,
  type LedgerTransaction,
  type Lot,
  type LoyaltyStore,
  type LoyaltyTransaction,
  loyaltyStoreOver,
  type PostingPlan,
  type PostingRequest,
  type PostingResult,
  type Reservation,
  type StoredPosting,
  spendOrder,
  storeBusy,
} from '@tessera/core'
import {
  accountFromRow,
  asStored,
  balanceRowFromRow,
  cardFromRow,
  optionalColumn,
  POSTGRES_DIALECT,
  policyOf,
  type SqlClient,
  type SqlRow,
  sqlDueAccounts,
  sqlLoyaltyTransaction,
  sqlSnapshot,
} from '@tessera/store-sql'
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { migrate } from './migrate.js'
import { POSTGRES_CHECKOUT_MIGRATIONS, POSTGRES_MIGRATIONS } from './schema.js'
import { isRetryable, type TransactionOptions, withTransaction } from './transaction.js'

/**
 * How {@link openPostgresStore} connects.
 * @category store-postgres
 */
export interface PostgresStoreOptions {
  /** A libpq URL, e.g. `postgres://postgres@127.0.0.1:5432/tessera`. */
  readonly connectionString: string
  /** Pool size: size it to the number of concurrent tills/workers. Default 10. */
  readonly maxConnections?: number
  /** Apply pending migrations on open (default `true`). Turn off when a deploy step runs {@link migratePostgres}. */
  readonly migrate?: boolean
  /**
   * Transaction isolation. Default `read committed` with `SELECT … FOR UPDATE` on the balance row;
   * `serializable` for engines that prefer it. Either way 40001/40P01 are retried.
   */
  readonly isolation?: TransactionOptions['isolation']
  /** Retries of a transaction that lost a race (default 30). */
  readonly maxRetries?: number
  /**
   * Single-account postings first try an optimistic path: one snapshot read, the pure plan, then one
   * compare-and-set statement on the balance row's sequence (two round trips, no lock held in
   * between); if another posting got there first they run again on the locked path. Default `true`.
   */
  readonly optimistic?: boolean
}

/** bigint (int8) columns come back as numbers: epoch ms and points stay far below 2^53. */
const parseBigint = (v: string) => Number(v)
const types = {
  // pg asks for a parser per column of every result: answer without allocating.
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? parseBigint : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/**
 * Applies the store's pending migrations to a database and returns the versions applied.
 * @category store-postgres
 */
export const migratePostgres = async (connectionString: string): Promise<readonly number[]> => {
  const pool = new pg.Pool({ connectionString, max: 1 })
  // An idle client's connection error must not crash the process; the next query reports it.
  pool.on('error', () => undefined)
  try {
    const applied = [...(await migrate(pool, POSTGRES_MIGRATIONS))]
    applied.push(...(await migrate(pool, POSTGRES_CHECKOUT_MIGRATIONS)))
    return applied
  } finally {
    await pool.end()
  }
}

// ── rows ─────────────────────────────────────────────────────────────────────────────────────────

/** A lot packed by the load query as `[lotId, origin, points, remaining, availableFrom, expiresAt, createdAt]`. */
const lotOf = (accountId: string, a: readonly unknown[]): Lot => ({
  lotId: a[0] as string,
  accountId,
  origin: a[1] as string,
  points: a[2] as number,
  remaining: a[3] as number,
  availableFrom: a[4] as number,
  ...optionalColumn('expiresAt', a[5] as number | null),
  createdAt: a[6] as number,
})

/** A reservation packed as `[reservationId, points, takes, expiresAt, createdAt]`. */
const reservationOf = (accountId: string, a: readonly unknown[]): Reservation => ({
  reservationId: a[0] as string,
  accountId,
  points: a[1] as number,
  takes: JSON.parse(a[2] as string),
  expiresAt: a[3] as number,
  status: 'open',
  createdAt: a[4] as number,
})

const byReservationId = (a: Reservation, b: Reservation) =>
  a.reservationId < b.reservationId ? -1 : a.reservationId > b.reservationId ? 1 : 0

// ── SQL ──────────────────────────────────────────────────────────────────────────────────────────

/** The open lots and reservations of an account, packed as JSON arrays (one round trip). */
const OPEN_LOTS_AND_RESERVATIONS = `
  (SELECT coalesce(json_agg(json_build_array(l.lot_id, l.origin, l.points, l.remaining, l.available_from, l.expires_at, l.created_at)), '[]')
     FROM lots l WHERE l.account_id = $1 AND l.remaining > 0) AS lots,
  (SELECT coalesce(json_agg(json_build_array(r.reservation_id, r.points, r.takes, r.expires_at, r.created_at)), '[]')
     FROM reservations r WHERE r.account_id = $1 AND r.status = 'open') AS reservations`

/**
 * Locks the balance row and reads the account, its policy, open lots and reservations at once.
 * Under READ COMMITTED the sub-selects see the snapshot taken BEFORE any wait for the lock, so the
 * query also returns the balance row's sequence as of that snapshot (`snapshot_sequence`): when it
 * differs from the locked row's, a posting committed meanwhile and the lots are read again.
 */
const LOAD_STATE = {
  name: 'tessera_load_state',
  text: `SELECT a.account_id, a.program_id, a.member_id, a.household_id, a.status, a.merged_into, a.opened_at,
       b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence, p.policy,
       (SELECT s.sequence FROM balances s WHERE s.account_id = $1) AS snapshot_sequence,
       ${OPEN_LOTS_AND_RESERVATIONS}
  FROM balances b
  JOIN accounts a ON a.account_id = b.account_id
  LEFT JOIN ledger_programs p ON p.program_id = a.program_id
 WHERE b.account_id = $1
   FOR UPDATE OF b`,
}

const RELOAD_STATE = {
  name: 'tessera_reload_state',
  text: `SELECT a.account_id, a.program_id, a.member_id, a.household_id, a.status, a.merged_into, a.opened_at,
       b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence, p.policy,
       ${OPEN_LOTS_AND_RESERVATIONS}
  FROM balances b
  JOIN accounts a ON a.account_id = b.account_id
  LEFT JOIN ledger_programs p ON p.program_id = a.program_id
 WHERE b.account_id = $1`,
}

/**
 * Writes a whole posting plan in ONE statement: entries, lots, reservations, balance rows, accounts
 * and the idempotency record, each from a JSON array parameter.
 */
const WRITE_PLAN = {
  name: 'tessera_write_plan',
  text: `WITH
 e AS (INSERT INTO entries (entry_id, account_id, sequence, kind, key, of_key, points, body)
       SELECT x.entry_id, x.account_id, x.sequence, x.kind, x.key, x.of_key, x.points, x.body
         FROM json_to_recordset($1::json) AS x(entry_id text, account_id text, sequence int, kind text, key text,
                                                of_key text, points bigint, body text)),
 l AS (INSERT INTO lots (account_id, lot_id, origin, points, remaining, available_from, expires_at, created_at)
       SELECT x.account_id, x.lot_id, x.origin, x.points, x.remaining, x.available_from, x.expires_at, x.created_at
         FROM json_to_recordset($2::json) AS x(account_id text, lot_id text, origin text, points bigint, remaining bigint,
                                                available_from bigint, expires_at bigint, created_at bigint)
       ON CONFLICT (account_id, lot_id) DO UPDATE SET remaining = excluded.remaining),
 r AS (INSERT INTO reservations (account_id, reservation_id, points, takes, expires_at, status, created_at)
       SELECT x.account_id, x.reservation_id, x.points, x.takes, x.expires_at, x.status, x.created_at
         FROM json_to_recordset($3::json) AS x(account_id text, reservation_id text, points bigint, takes text,
                                                expires_at bigint, status text, created_at bigint)
       ON CONFLICT (account_id, reservation_id) DO UPDATE
         SET points = excluded.points, takes = excluded.takes, expires_at = excluded.expires_at, status = excluded.status),
 b AS (INSERT INTO balances (account_id, as_of, available, pending, reserved, debt, sequence)
       SELECT x.account_id, x.as_of, x.available, x.pending, x.reserved, x.debt, x.sequence
         FROM json_to_recordset($4::json) AS x(account_id text, as_of bigint, available bigint, pending bigint,
                                                reserved bigint, debt bigint, sequence int)
       ON CONFLICT (account_id) DO UPDATE
         SET as_of = excluded.as_of, available = excluded.available, pending = excluded.pending,
             reserved = excluded.reserved, debt = excluded.debt, sequence = excluded.sequence),
 a AS (INSERT INTO accounts (account_id, program_id, member_id, household_id, status, merged_into, opened_at)
       SELECT x.account_id, x.program_id, x.member_id, x.household_id, x.status, x.merged_into, x.opened_at
         FROM json_to_recordset($5::json) AS x(account_id text, program_id text, member_id text, household_id text,
                                                status text, merged_into text, opened_at bigint)
       ON CONFLICT (account_id) DO UPDATE
         SET program_id = excluded.program_id, member_id = excluded.member_id, household_id = excluded.household_id,
             status = excluded.status, merged_into = excluded.merged_into)
INSERT INTO postings (key, request, result) VALUES ($6, $7, $8)`,
}

/**
 * The optimistic fast path's one read: the posting stored under the key, the card (when the request
 * names one), and the addressed account's state, policy, open lots and reservations, all from one
 * snapshot.
 */
const PREFETCH = {
  name: 'tessera_prefetch',
  text: `SELECT p.request AS posting_request, p.result AS posting_result,
       c.number AS card_number, c.account_id AS card_account_id, c.member_id AS card_member_id,
       c.status AS card_status, c.replaced_by AS card_replaced_by, c.issued_at AS card_issued_at,
       a.account_id, a.program_id, a.member_id, a.household_id, a.status, a.merged_into, a.opened_at,
       b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence, pr.policy,
       coalesce(l.lots, '[]') AS lots, coalesce(r.reservations, '[]') AS reservations
  FROM (SELECT $1::text AS key, $2::text AS card, $3::text AS account) q
  LEFT JOIN postings p ON p.key = q.key
  LEFT JOIN cards c ON c.number = q.card
  LEFT JOIN balances b ON b.account_id = coalesce(q.account, c.account_id)
  LEFT JOIN accounts a ON a.account_id = b.account_id
  LEFT JOIN ledger_programs pr ON pr.program_id = a.program_id
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_array(x.lot_id, x.origin, x.points, x.remaining, x.available_from, x.expires_at, x.created_at)) AS lots
      FROM lots x WHERE x.account_id = b.account_id AND x.remaining > 0) l ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_array(y.reservation_id, y.points, y.takes, y.expires_at, y.created_at)) AS reservations
      FROM reservations y WHERE y.account_id = b.account_id AND y.status = 'open') r ON true`,
}

/**
 * The optimistic fast path's one write, a compare-and-set: the balance row moves from sequence $10
 * to the plan's only if nobody posted on the account since the prefetch; entries, lots,
 * reservations and the idempotency record are written only if it did. Returns `written` 0 when the
 * row had moved (the posting is then run again on the locked path).
 */
const WRITE_IF_UNCHANGED = {
  name: 'tessera_write_if_unchanged',
  text: `WITH
 b AS (UPDATE balances AS t SET as_of = x.as_of, available = x.available, pending = x.pending, reserved = x.reserved,
              debt = x.debt, sequence = x.sequence
         FROM json_to_record($4::json) AS x(account_id text, as_of bigint, available bigint, pending bigint,
                                             reserved bigint, debt bigint, sequence int)
        WHERE t.account_id = x.account_id AND t.sequence = $8
       RETURNING 1),
 e AS (INSERT INTO entries (entry_id, account_id, sequence, kind, key, of_key, points, body)
       SELECT x.entry_id, x.account_id, x.sequence, x.kind, x.key, x.of_key, x.points, x.body
         FROM json_to_recordset($1::json) AS x(entry_id text, account_id text, sequence int, kind text, key text,
                                                of_key text, points bigint, body text)
        WHERE EXISTS (SELECT 1 FROM b)),
 l AS (INSERT INTO lots (account_id, lot_id, origin, points, remaining, available_from, expires_at, created_at)
       SELECT x.account_id, x.lot_id, x.origin, x.points, x.remaining, x.available_from, x.expires_at, x.created_at
         FROM json_to_recordset($2::json) AS x(account_id text, lot_id text, origin text, points bigint, remaining bigint,
                                                available_from bigint, expires_at bigint, created_at bigint)
        WHERE EXISTS (SELECT 1 FROM b)
       ON CONFLICT (account_id, lot_id) DO UPDATE SET remaining = excluded.remaining),
 r AS (INSERT INTO reservations (account_id, reservation_id, points, takes, expires_at, status, created_at)
       SELECT x.account_id, x.reservation_id, x.points, x.takes, x.expires_at, x.status, x.created_at
         FROM json_to_recordset($3::json) AS x(account_id text, reservation_id text, points bigint, takes text,
                                                expires_at bigint, status text, created_at bigint)
        WHERE EXISTS (SELECT 1 FROM b)
       ON CONFLICT (account_id, reservation_id) DO UPDATE
         SET points = excluded.points, takes = excluded.takes, expires_at = excluded.expires_at, status = excluded.status),
 p AS (INSERT INTO postings (key, request, result) SELECT $5, $6, $7 WHERE EXISTS (SELECT 1 FROM b) RETURNING 1)
SELECT (SELECT count(*) FROM p)::int AS written`,
}

/** Kinds that touch one account and need no lookup beyond the prefetch: they may take the fast path. */
const FAST_KINDS: ReadonlySet<PostingRequest['kind']> = new Set([
  'earn',
  'redeem',
  'reserve',
  'commit',
  'release',
  'adjust',
  'expire',
])

/** The fast path met something it does not handle: run the posting on the locked path instead. */
class SlowPath {}

/** Keeps the last of several rows with the same key: one statement may not upsert a row twice. */
const lastBy = <A>(rows: readonly A[], key: (a: A) => string): A[] => [
  ...new Map(rows.map((r) => [key(r), r])).values(),
]

const writeParams = (plan: PostingPlan, posting: StoredPosting): unknown[] => [
  JSON.stringify(
    plan.entries.map((e) => ({
      entry_id: e.entryId,
      account_id: e.accountId,
      sequence: e.sequence,
      kind: e.kind,
      key: e.key,
      of_key: e.kind === 'reverse' ? (e.ofKey ?? null) : null,
      points: e.points,
      body: JSON.stringify(e),
    })),
  ),
  JSON.stringify(
    lastBy(plan.lots, (l) => `${l.accountId}\u0000${l.lotId}`).map((l) => ({
      account_id: l.accountId,
      lot_id: l.lotId,
      origin: l.origin,
      points: l.points,
      remaining: l.remaining,
      available_from: l.availableFrom,
      expires_at: l.expiresAt ?? null,
      created_at: l.createdAt,
    })),
  ),
  JSON.stringify(
    lastBy(plan.reservations, (r) => `${r.accountId}\u0000${r.reservationId}`).map((r) => ({
      account_id: r.accountId,
      reservation_id: r.reservationId,
      points: r.points,
      takes: JSON.stringify(r.takes),
      expires_at: r.expiresAt,
      status: r.status,
      created_at: r.createdAt,
    })),
  ),
  JSON.stringify(
    lastBy(plan.rows, (r) => r.accountId).map((r) => ({
      account_id: r.accountId,
      as_of: r.asOf,
      available: r.available,
      pending: r.pending,
      reserved: r.reserved,
      debt: r.debt,
      sequence: r.sequence,
    })),
  ),
  JSON.stringify(lastBy(plan.accounts, (a) => a.accountId).map(accountParams)),
  posting.key,
  posting.request,
  JSON.stringify(posting.result),
]

const accountParams = (a: Account) => ({
  account_id: a.accountId,
  program_id: a.programId,
  member_id: a.memberId ?? null,
  household_id: a.householdId ?? null,
  status: a.status,
  merged_into: a.mergedInto ?? null,
  opened_at: a.openedAt,
})

/** A unique violation on the posting key or an entry id: a concurrent posting with the same key won; a retry replays it. */
const isConcurrentReplay = (e: unknown): boolean => {
  const err = e as { code?: string; constraint?: string }
  return err.code === '23505' && (err.constraint === 'postings_pkey' || err.constraint === 'entries_pkey')
}

/**
 * The connection settings with `plan_cache_mode=force_generic_plan` added to the server options:
 * the store's statements are prepared once per connection, and a generic plan skips re-planning them
 * (a complex CTE) at every execution. Options already in the URL (`?options=-c search_path=…`) are
 * kept: pg lets the URL's `options` replace the config's, so both go into one string.
 */
const withGenericPlans = (connectionString: string): { connectionString: string; options: string } => {
  const generic = '-c plan_cache_mode=force_generic_plan'
  try {
    const url = new URL(connectionString)
    const given = url.searchParams.get('options')
    url.searchParams.delete('options')
    return { connectionString: url.toString(), options: given === null ? generic : `${given} ${generic}` }
  } catch {
    return { connectionString, options: generic }
  }
}

/**
 * A {@link SqlClient} over a pg client or pool: every shared statement is prepared once per
 * connection under its name.
 * @category store-postgres
 */
export const pgClient = (client: pg.PoolClient | pg.Pool): SqlClient => ({
  all: async (s, params = []) => (await client.query({ name: s.name, text: s.text, values: [...params] })).rows,
  run: async (s, params = []) =>
    (await client.query({ name: s.name, text: s.text, values: [...params] })).rowCount ?? 0,
})

/** Carries a Left out of `withTransaction` so that it rolls back. */
class Refused {
  constructor(readonly error: unknown) {}
}

/**
 * One pool, its transaction options and its runner: what the loyalty and the checkout store of
 * {@link openPostgresStores} share.
 * @category store-postgres
 */
export interface PostgresConnection {
  readonly pool: pg.Pool
  readonly options: PostgresStoreOptions
  /**
   * `work` in one transaction with the store's retries (40001, 40P01, and errors `retryOn` names); a
   * `Left` rolls back and is returned; retries that run out answer `StoreBusy`.
   */
  readonly inTransaction: <E, A>(
    work: (client: pg.PoolClient) => Promise<Either<E, A>>,
    options?: Partial<TransactionOptions>,
  ) => Promise<Either<E | LedgerError, A>>
  /** Throws once the pool is closed. */
  readonly open: () => void
  readonly close: () => Promise<void>
}

/** Opens the pool and applies pending migrations (unless `migrate: false`). @category store-postgres */
export const openPostgresConnection = async (options: PostgresStoreOptions): Promise<PostgresConnection> => {
  const pool = new pg.Pool({ ...withGenericPlans(options.connectionString), max: options.maxConnections ?? 10, types })
  // An idle client losing its server (restart, forced drop) must not crash the process.
  pool.on('error', () => undefined)
  if (options.migrate !== false) {
    try {
      await migrate(pool, POSTGRES_MIGRATIONS)
      await migrate(pool, POSTGRES_CHECKOUT_MIGRATIONS)
    } catch (e) {
      await pool.end()
      throw e
    }
  }
  const base: TransactionOptions = {
    maxRetries: options.maxRetries ?? 30,
    ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
  }
  let closed = false
  const open = () => {
    if (closed) throw new Error('postgres store: used after close()')
  }
  return {
    pool,
    options,
    open,
    inTransaction: async (work, extra = {}) => {
      open()
      const txOptions = { ...base, ...extra }
      try {
        return await withTransaction(
          pool,
          async (client) => {
            const result = await work(client)
            if (result._tag === 'Left') throw new Refused(result.left)
            return result
          },
          txOptions,
        )
      } catch (e) {
        if (e instanceof Refused) return left(e.error as never)
        // The retries ran out on serialization failures or deadlocks: a typed refusal, nothing booked.
        if (isRetryable(e) || txOptions.retryOn?.(e) === true) return left(storeBusy((txOptions.maxRetries ?? 12) + 1))
        throw e
      }
    },
    close: async () => {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}

const stateOf = (r: SqlRow): AccountState => {
  const accountId = r.account_id as string
  return {
    account: accountFromRow(r),
    row: balanceRowFromRow(r),
    lots: spendOrder((r.lots as unknown[][]).map((a) => lotOf(accountId, a))),
    reservations: (r.reservations as unknown[][]).map((a) => reservationOf(accountId, a)).sort(byReservationId),
  }
}

/**
 * The loyalty transaction on a client inside a transaction: the shared SQL, with PostgreSQL's
 * one-round-trip forms for the two hot steps (load an account locked, write a plan).
 * @category store-postgres
 */
export const postgresLoyaltyTransaction = (client: pg.PoolClient, locking = true): LoyaltyTransaction => {
  const shared = sqlLoyaltyTransaction(pgClient(client), POSTGRES_DIALECT, locking)
  const policies = new Map<string, LedgerPolicy>()
  return {
    ...shared,
    loadAccountState: async (accountId) => {
      const { rows } = await client.query({ ...(locking ? LOAD_STATE : RELOAD_STATE), values: [accountId] })
      let r = rows[0]
      if (r === undefined) return undefined
      if (locking && r.snapshot_sequence !== r.sequence) {
        // A posting committed while we waited for the lock: read again, now that we hold it.
        r = (await client.query({ ...RELOAD_STATE, values: [accountId] })).rows[0]
      }
      policies.set(r.program_id as string, policyOf(r.policy))
      return stateOf(r)
    },
    policy: async (programId) => policies.get(programId) ?? shared.policy(programId),
    write: async (plan, posting) => {
      await client.query({ ...WRITE_PLAN, values: writeParams(plan, posting) })
      if (plan.moved !== undefined) {
        await client.query('UPDATE cards SET account_id = $2 WHERE account_id = $1', [plan.moved.from, plan.moved.to])
        await client.query('UPDATE households SET account_id = $2 WHERE account_id = $1', [
          plan.moved.from,
          plan.moved.to,
        ])
      }
    },
  }
}

/**
 * The optimistic fast path for single-account postings: one read (posting, card, account state),
 * the pure plan, one compare-and-set write, in autocommit mode: two round trips, no lock held
 * between them. Returns `undefined` when the account moved meanwhile or the posting needs more
 * than the prefetch; the caller then runs it on the locked path.
 */
const postOptimistic = async (
  pool: pg.Pool,
  request: PostingRequest,
): Promise<Either<LedgerError, PostingResult> | undefined> => {
  const ref = request.kind === 'transfer' ? undefined : request.account
  const card = ref !== undefined && 'card' in ref ? ref.card : null
  const accountId = ref !== undefined && 'accountId' in ref ? ref.accountId : null
  const client = await pool.connect()
  let broken = false
  try {
    const pre = (await client.query({ ...PREFETCH, values: [request.key, card, accountId] })).rows[0]
    const stateRow = pre.account_id === null ? undefined : pre
    let captured: { plan: PostingPlan; posting: StoredPosting } | undefined
    const slow = async (): Promise<never> => {
      throw new SlowPath()
    }
    const tx: LedgerTransaction = {
      findPosting: async (key) =>
        key === request.key && pre.posting_request !== null
          ? { key, request: pre.posting_request, result: JSON.parse(pre.posting_result) }
          : undefined,
      findCard: async (number) => {
        if (number !== card) throw new SlowPath()
        return pre.card_number === null
          ? undefined
          : cardFromRow({
              number: pre.card_number,
              account_id: pre.card_account_id,
              member_id: pre.card_member_id,
              status: pre.card_status,
              replaced_by: pre.card_replaced_by,
              issued_at: pre.card_issued_at,
            })
      },
      loadAccountState: async (id) => {
        if (stateRow === undefined) return undefined
        if (id !== stateRow.account_id) throw new SlowPath()
        return stateOf(stateRow)
      },
      policy: async (programId) => {
        if (stateRow === undefined || programId !== stateRow.program_id) throw new SlowPath()
        return stateRow.policy === null ? DEFAULT_LEDGER_POLICY : (JSON.parse(stateRow.policy) as LedgerPolicy)
      },
      write: async (plan, posting) => {
        captured = { plan, posting }
      },
      findAccount: slow,
      findEntry: slow,
      reversedSoFar: slow,
      saveAccount: slow,
      saveCard: slow,
    }
    const result = await executePosting(tx, request)
    if (result._tag === 'Left' || captured === undefined) return result
    const { plan, posting } = captured
    const row = plan.rows[0]
    if (
      stateRow === undefined ||
      plan.rows.length !== 1 ||
      row === undefined ||
      row.accountId !== stateRow.account_id ||
      plan.accounts.length > 0 ||
      plan.moved !== undefined ||
      plan.lots.some((l) => l.accountId !== row.accountId) ||
      plan.reservations.some((r) => r.accountId !== row.accountId)
    ) {
      return undefined
    }
    const all = writeParams(plan, posting)
    const balance = {
      account_id: row.accountId,
      as_of: row.asOf,
      available: row.available,
      pending: row.pending,
      reserved: row.reserved,
      debt: row.debt,
      sequence: row.sequence,
    }
    const params = [all[0], all[1], all[2], JSON.stringify(balance), all[5], all[6], all[7], stateRow.sequence]
    const written = (await client.query({ ...WRITE_IF_UNCHANGED, values: params })).rows[0].written as number
    // The result as stored (already serialised for the write), so a replay returns the identical value.
    return written === 1 ? right(JSON.parse(all[7] as string) as PostingResult) : undefined
  } catch (e) {
    // A lost race on the key (another request with it committed first): the locked path replays it.
    if (e instanceof SlowPath || isConcurrentReplay(e) || isRetryable(e)) return undefined
    broken = true
    throw e
  } finally {
    client.release(broken)
  }
}

/**
 * The PostgreSQL {@link LoyaltyStore} on an open pool: the core's `loyaltyStoreOver` with the
 * shared SQL of `@tessera/store-sql`. A single-account posting first takes the optimistic path (one
 * snapshot read, the pure plan, one compare-and-set statement on the balance row's `sequence`);
 * otherwise (or then) it runs in one transaction with the balance row locked `SELECT … FOR
 * UPDATE`. Serialization failures, deadlocks and a concurrent same-key posting are retried with
 * jittered back-off; when the retries run out, the answer is `StoreBusy`.
 * @category store-postgres
 */
export const postgresLoyaltyStore = (c: PostgresConnection): LoyaltyStore => {
  const { pool } = c
  const retryOn = { retryOn: isConcurrentReplay }
  const transact = async <E, A>(fn: (tx: LoyaltyTransaction) => Promise<Either<E, A>>) => {
    const result = await c.inTransaction((client) => fn(postgresLoyaltyTransaction(client)), retryOn)
    return result._tag === 'Right' ? right(asStored(result.right)) : result
  }
  /** A read outside any explicit transaction, on one pooled connection. */
  const read = async <A>(fn: (tx: LoyaltyTransaction) => Promise<A>): Promise<A> => {
    c.open()
    const client = await pool.connect()
    try {
      return await fn(postgresLoyaltyTransaction(client, false))
    } finally {
      client.release()
    }
  }
  return loyaltyStoreOver({
    transact,
    read,
    dueAccounts: (asOf) => {
      c.open()
      return sqlDueAccounts(pgClient(pool), asOf)
    },
    // One snapshot for the whole check: REPEATABLE READ.
    snapshot: async () => {
      const r = await c.inTransaction(async (client) => right(await sqlSnapshot(pgClient(client))), {
        isolation: 'repeatable read',
      })
      if (r._tag === 'Left') throw new Error(`postgres store: ${r.left.message}`)
      return r.right
    },
    post: async (request) => {
      if (c.options.optimistic !== false && FAST_KINDS.has(request.kind)) {
        c.open()
        const fast = await postOptimistic(pool, request)
        // Already as stored: parsed from the stored text (a fresh posting) or from the stored row (a replay).
        if (fast !== undefined) return fast
      }
      return transact((tx) => executePosting(tx, request))
    },
    close: c.close,
  })
}

/**
 * Opens the PostgreSQL loyalty store: a connection pool, migrations applied on open (unless
 * `migrate: false`). For the checkout on the same pool, use {@link openPostgresStores}.
 * @category store-postgres
 */
export const openPostgresStore = async (options: PostgresStoreOptions): Promise<LoyaltyStore> =>
  postgresLoyaltyStore(await openPostgresConnection(options))

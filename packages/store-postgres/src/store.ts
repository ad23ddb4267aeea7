import {
  type Account,
  type AccountState,
  accountFromRow,
  accountMerged,
  alreadyExists,
  type Balance,
  balanceOf,
  balanceRowFromRow,
  type Card,
  type CardReplacement,
  type ClubMembership,
  type ConsistencyReport,
  cardAlreadyClaimed,
  cardFromRow,
  cardReplaced,
  checkAccount,
  checkedLoyaltyStore,
  DEFAULT_LEDGER_POLICY,
  type Entry,
  emptyBalanceRow,
  executePosting,
  type Household,
  householdFromRow,
  type LedgerError,
  type LedgerPolicy,
  type LedgerProgram,
  type LedgerTransaction,
  type Lot,
  type LoyaltyStore,
  type LoyaltyTransaction,
  type Member,
  mergeRequest,
  optionalColumn,
  type PostingPlan,
  type PostingRequest,
  type PostingResult,
  type Reservation,
  replaceCardIn,
  type SqlRow,
  type StoreBusy,
  type StoredPosting,
  type SweepReport,
  spendOrder,
  storeBusy,
  sweepRequest,
  unknownAccount,
  unknownCard,
  unknownHousehold,
  unknownMember,
} from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { migrate } from './migrate.js'
import { POSTGRES_MIGRATIONS } from './schema.js'
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
    return await migrate(pool, POSTGRES_MIGRATIONS)
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

const membershipOf = (r: SqlRow): ClubMembership => ({
  memberId: r.member_id as string,
  clubId: r.club_id as string,
  from: r.from_at as number,
  until: r.until_at as number,
  periodMonths: r.period_months as number,
  autoRenew: r.auto_renew as boolean,
})

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

const UPSERT_ACCOUNT = `INSERT INTO accounts (account_id, program_id, member_id, household_id, status, merged_into, opened_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (account_id) DO UPDATE SET program_id = excluded.program_id, member_id = excluded.member_id,
    household_id = excluded.household_id, status = excluded.status, merged_into = excluded.merged_into`

const accountValues = (a: Account) => {
  const p = accountParams(a)
  return [p.account_id, p.program_id, p.member_id, p.household_id, p.status, p.merged_into, p.opened_at]
}

const UPSERT_CARD = `INSERT INTO cards (number, account_id, member_id, status, replaced_by, issued_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (number) DO UPDATE SET account_id = excluded.account_id, member_id = excluded.member_id,
    status = excluded.status, replaced_by = excluded.replaced_by`

const cardValues = (c: Card) => [c.number, c.accountId, c.memberId ?? null, c.status, c.replacedBy ?? null, c.issuedAt]

/** A unique violation on the posting key or an entry id: a concurrent posting with the same key won; a retry replays it. */
const isConcurrentReplay = (e: unknown): boolean => {
  const err = e as { code?: string; constraint?: string }
  return err.code === '23505' && (err.constraint === 'postings_pkey' || err.constraint === 'entries_pkey')
}

/**
 * A result as the store keeps it (a JSON round trip, which also turns a `-0` into `0`), so that the
 * first answer and every replay of it are identical.
 */
const asStored = <A>(result: Either<LedgerError, A>): Either<LedgerError, A> =>
  result._tag === 'Right' ? right(JSON.parse(JSON.stringify(result.right)) as A) : result

/** Carries a Left out of a transaction so that it rolls back. */
class Refused {
  constructor(readonly error: unknown) {}
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

// ── the store ────────────────────────────────────────────────────────────────────────────────────

/**
 * What the loyalty store lends a store on the same database (the checkout store): its pool, and its
 * ledger transaction over a client that is inside the caller's own transaction.
 * @category store-postgres
 */
export interface PostgresLedgerShare {
  readonly pool: pg.Pool
  readonly ledgerTransaction: (client: pg.PoolClient) => LedgerTransaction
}

/**
 * Opens the Postgres {@link LoyaltyStore}: a connection pool, migrations applied on open (unless
 * `migrate: false`). Every posting runs {@link executePosting} from the core. A single-account
 * posting first takes the optimistic path: one snapshot read (idempotency record, card, account
 * state), the pure plan, then one compare-and-set statement on the balance row's `sequence` that
 * writes entries, lots, reservations, the balance row and the idempotency record, or nothing if the
 * account moved meanwhile. Otherwise (or then) it runs in one transaction with the balance row locked
 * `SELECT … FOR UPDATE`. Serialization failures, deadlocks and a concurrent same-key posting are
 * retried with jittered back-off.
 * @category store-postgres
 */
export const openPostgresStore = async (
  options: PostgresStoreOptions,
  share?: (lent: PostgresLedgerShare) => void,
): Promise<LoyaltyStore> => {
  const pool = new pg.Pool({ ...withGenericPlans(options.connectionString), max: options.maxConnections ?? 10, types })
  // An idle client losing its server (restart, forced drop) must not crash the process.
  pool.on('error', () => undefined)
  if (options.migrate !== false) {
    try {
      await migrate(pool, POSTGRES_MIGRATIONS)
    } catch (e) {
      await pool.end()
      throw e
    }
  }
  const txOptions: TransactionOptions = {
    maxRetries: options.maxRetries ?? 30,
    retryOn: isConcurrentReplay,
    ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
  }
  let closed = false
  const fastPath = options.optimistic !== false

  /** One transaction; a Left rolls it back and is returned. */
  const inTransaction = async <E, A>(
    body: (client: pg.PoolClient) => Promise<Either<E, A>>,
    extra: Partial<TransactionOptions> = {},
  ): Promise<Either<E | StoreBusy, A>> => {
    if (closed) throw new Error('postgres store: used after close()')
    try {
      return await withTransaction(
        pool,
        async (client) => {
          const result = await body(client)
          if (result._tag === 'Left') throw new Refused(result.left)
          return result
        },
        { ...txOptions, ...extra },
      )
    } catch (e) {
      if (e instanceof Refused) return left(e.error as E)
      // The retries ran out on serialization failures or deadlocks: a typed refusal, nothing booked.
      if (isRetryable(e) || isConcurrentReplay(e)) return left(storeBusy((txOptions.maxRetries ?? 12) + 1))
      throw e
    }
  }

  /** One read-only statement outside any explicit transaction. */
  const query = (text: string, values: unknown[] = []) => {
    if (closed) throw new Error('postgres store: used after close()')
    return pool.query(text, values)
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

  const transaction = (client: pg.PoolClient): LoyaltyTransaction => {
    const policies = new Map<string, LedgerPolicy>()
    const remember = (r: SqlRow) => {
      policies.set(r.program_id as string, r.policy === null ? DEFAULT_LEDGER_POLICY : JSON.parse(r.policy as string))
    }
    return {
      findPosting: async (key) => {
        const { rows } = await client.query({
          name: 'tessera_find_posting',
          text: 'SELECT request, result FROM postings WHERE key = $1',
          values: [key],
        })
        const r = rows[0]
        return r === undefined ? undefined : { key, request: r.request, result: JSON.parse(r.result) }
      },
      findCard: async (number) => {
        const { rows } = await client.query({
          name: 'tessera_find_card',
          text: 'SELECT * FROM cards WHERE number = $1',
          values: [number],
        })
        return rows[0] === undefined ? undefined : cardFromRow(rows[0])
      },
      findAccount: async (accountId) => {
        const { rows } = await client.query('SELECT * FROM accounts WHERE account_id = $1', [accountId])
        return rows[0] === undefined ? undefined : accountFromRow(rows[0])
      },
      loadAccountState: async (accountId) => {
        const { rows } = await client.query({ ...LOAD_STATE, values: [accountId] })
        let r = rows[0]
        if (r === undefined) return undefined
        if (r.snapshot_sequence !== r.sequence) {
          // A posting committed while we waited for the lock: read again, now that we hold it.
          r = (await client.query({ ...RELOAD_STATE, values: [accountId] })).rows[0]
        }
        remember(r)
        return stateOf(r)
      },
      findEntry: async (key) => {
        const { rows } = await client.query({
          name: 'tessera_find_entry',
          text: 'SELECT body FROM entries WHERE entry_id = $1',
          values: [key],
        })
        return rows[0] === undefined ? undefined : (JSON.parse(rows[0].body) as Entry)
      },
      reversedSoFar: async (ofKey) => {
        const { rows } = await client.query(
          "SELECT coalesce(sum(abs(points)), 0)::bigint AS n FROM entries WHERE of_key = $1 AND kind = 'reverse'",
          [ofKey],
        )
        return rows[0].n as number
      },
      policy: async (programId) => {
        const known = policies.get(programId)
        if (known !== undefined) return known
        const { rows } = await client.query('SELECT policy FROM ledger_programs WHERE program_id = $1', [programId])
        return rows[0] === undefined ? DEFAULT_LEDGER_POLICY : (JSON.parse(rows[0].policy) as LedgerPolicy)
      },
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
      saveAccount: async (account) => {
        await client.query(UPSERT_ACCOUNT, accountValues(account))
      },
      saveCard: async (card) => {
        await client.query(UPSERT_CARD, cardValues(card))
      },
      findHousehold: async (householdId) => {
        const { rows } = await client.query('SELECT * FROM households WHERE household_id = $1', [householdId])
        return rows[0] === undefined ? undefined : householdFromRow(rows[0])
      },
      householdsOf: async (accountId) =>
        (
          await client.query('SELECT * FROM households WHERE account_id = $1 ORDER BY household_id', [accountId])
        ).rows.map(householdFromRow),
      bumpCounter: async (name, cap) =>
        (
          await client.query(
            `INSERT INTO counters (name, value) VALUES ($1, 1)
             ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 WHERE counters.value < $2 RETURNING value`,
            [name, cap],
          )
        ).rowCount === 1,
    }
  }

  /** The locked path: one transaction, the balance row locked `FOR UPDATE` (see {@link LedgerStore}). */
  const postLocked = (request: PostingRequest) =>
    inTransaction((client) => executePosting(transaction(client), request))

  /**
   * The optimistic fast path for single-account postings: one read (posting, card, account state),
   * the pure plan, one compare-and-set write, in autocommit mode: two round trips, no lock held
   * between them. Returns `undefined` when the account moved meanwhile or the posting needs more
   * than the prefetch; the caller then runs it on the locked path.
   */
  const postOptimistic = async (request: PostingRequest): Promise<Either<LedgerError, PostingResult> | undefined> => {
    if (closed) throw new Error('postgres store: used after close()')
    const ref = request.kind === 'transfer' ? undefined : request.account
    const card = ref !== undefined && 'card' in ref ? ref.card : null
    const accountId = ref !== undefined && 'accountId' in ref ? ref.accountId : null
    const client = await pool.connect()
    let broken = false
    try {
      const pre = (await client.query({ ...PREFETCH, values: [request.key, card, accountId] })).rows[0]
      const stateRow = pre.account_id === null ? undefined : pre
      let captured: { plan: PostingPlan; posting: StoredPosting } | undefined
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
        findAccount: async () => {
          throw new SlowPath()
        },
        loadAccountState: async (id) => {
          if (stateRow === undefined) return undefined
          if (id !== stateRow.account_id) throw new SlowPath()
          return stateOf(stateRow)
        },
        findEntry: async () => {
          throw new SlowPath()
        },
        reversedSoFar: async () => {
          throw new SlowPath()
        },
        policy: async (programId) => {
          if (stateRow === undefined || programId !== stateRow.program_id) throw new SlowPath()
          return stateRow.policy === null ? DEFAULT_LEDGER_POLICY : (JSON.parse(stateRow.policy) as LedgerPolicy)
        },
        write: async (plan, posting) => {
          captured = { plan, posting }
        },
        saveAccount: async () => {
          throw new SlowPath()
        },
        saveCard: async () => {
          throw new SlowPath()
        },
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
      const params = [
        all[0],
        all[1],
        all[2],
        JSON.stringify({
          account_id: row.accountId,
          as_of: row.asOf,
          available: row.available,
          pending: row.pending,
          reserved: row.reserved,
          debt: row.debt,
          sequence: row.sequence,
        }),
        all[5],
        all[6],
        all[7],
        stateRow.sequence,
      ]
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

  const post = async (request: PostingRequest) => {
    if (fastPath && FAST_KINDS.has(request.kind)) {
      const fast = await postOptimistic(request)
      // Already as stored: parsed from the stored text (a fresh posting) or from the stored row (a replay).
      if (fast !== undefined) return fast
    }
    return asStored(await postLocked(request))
  }

  /** The unlocked state of an account, for reads. */
  const readState = async (accountId: string): Promise<AccountState | undefined> => {
    if (closed) throw new Error('postgres store: used after close()')
    const { rows } = await pool.query({ ...RELOAD_STATE, values: [accountId] })
    return rows[0] === undefined ? undefined : stateOf(rows[0])
  }

  const accountExists = async (client: pg.PoolClient | pg.Pool, accountId: string) =>
    ((await client.query('SELECT 1 FROM accounts WHERE account_id = $1', [accountId])).rowCount ?? 0) > 0

  const memberExists = async (client: pg.PoolClient | pg.Pool, memberId: string) =>
    ((await client.query('SELECT 1 FROM members WHERE member_id = $1', [memberId])).rowCount ?? 0) > 0

  share?.({ pool, ledgerTransaction: transaction })
  return checkedLoyaltyStore({
    transact: (fn) => inTransaction((client) => fn(transaction(client))),

    post,

    balance: async (accountId, asOf): Promise<Either<LedgerError, Balance>> => {
      const state = await readState(accountId)
      return state === undefined ? left(unknownAccount(accountId)) : right(balanceOf(state, asOf))
    },

    entries: async (accountId): Promise<Either<LedgerError, readonly Entry[]>> => {
      if (!(await accountExists(pool, accountId))) return left(unknownAccount(accountId))
      const { rows } = await query('SELECT body FROM entries WHERE account_id = $1 ORDER BY sequence', [accountId])
      return right(rows.map((r) => JSON.parse(r.body) as Entry))
    },

    lots: async (accountId): Promise<Either<LedgerError, readonly Lot[]>> => {
      const state = await readState(accountId)
      return state === undefined ? left(unknownAccount(accountId)) : right(state.lots)
    },

    reservations: async (accountId): Promise<Either<LedgerError, readonly Reservation[]>> => {
      const state = await readState(accountId)
      return state === undefined ? left(unknownAccount(accountId)) : right(state.reservations)
    },

    expireDue: async (asOf, sweepKey): Promise<Either<LedgerError, SweepReport>> => {
      const { rows } = await query(
        `SELECT account_id FROM lots WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $1
         UNION
         SELECT account_id FROM reservations WHERE status = 'open' AND expires_at <= $1
         ORDER BY 1`,
        [asOf],
      )
      let accounts = 0
      let expiredPoints = 0
      let releasedReservations = 0
      for (const { account_id } of rows) {
        const result = await post(sweepRequest(sweepKey, account_id as string, asOf))
        if (result._tag === 'Left') return result
        if (result.right.entries.length > 0) accounts += 1
        for (const e of result.right.entries) {
          if (e.kind === 'expire') expiredPoints += -e.points
          if (e.kind === 'release') releasedReservations += 1
        }
      }
      return right({ asOf, sweepKey, accounts, expiredPoints, releasedReservations })
    },

    check: () =>
      inTransaction(
        async (client): Promise<Either<LedgerError, ConsistencyReport>> => {
          // One snapshot for the whole check: REPEATABLE READ, read only.
          const accounts = (
            await client.query(`SELECT a.*, b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence
                                  FROM accounts a JOIN balances b ON b.account_id = a.account_id ORDER BY a.account_id`)
          ).rows
          const lots = new Map<string, Lot[]>()
          for (const r of (await client.query('SELECT * FROM lots WHERE remaining > 0')).rows) {
            const list = lots.get(r.account_id) ?? []
            list.push(
              lotOf(r.account_id, [
                r.lot_id,
                r.origin,
                r.points,
                r.remaining,
                r.available_from,
                r.expires_at,
                r.created_at,
              ]),
            )
            lots.set(r.account_id, list)
          }
          const reservations = new Map<string, Reservation[]>()
          for (const r of (await client.query("SELECT * FROM reservations WHERE status = 'open'")).rows) {
            const list = reservations.get(r.account_id) ?? []
            list.push(reservationOf(r.account_id, [r.reservation_id, r.points, r.takes, r.expires_at, r.created_at]))
            reservations.set(r.account_id, list)
          }
          const entries = new Map<string, Entry[]>()
          let entryCount = 0
          for (const r of (await client.query('SELECT account_id, body FROM entries ORDER BY account_id, sequence'))
            .rows) {
            const list = entries.get(r.account_id) ?? []
            list.push(JSON.parse(r.body))
            entries.set(r.account_id, list)
            entryCount++
          }
          const problems: { accountId: string; problem: string }[] = []
          for (const r of accounts) {
            const accountId = r.account_id as string
            const state: AccountState = {
              account: accountFromRow(r),
              row: balanceRowFromRow(r),
              lots: lots.get(accountId) ?? [],
              reservations: reservations.get(accountId) ?? [],
            }
            for (const problem of checkAccount(state, entries.get(accountId) ?? []))
              problems.push({ accountId, problem })
          }
          return right({ accounts: accounts.length, entries: entryCount, problems })
        },
        { isolation: 'repeatable read' },
      ),

    putProgram: async (program): Promise<Either<LedgerError, LedgerProgram>> => {
      await query(
        `INSERT INTO ledger_programs (program_id, policy) VALUES ($1, $2)
         ON CONFLICT (program_id) DO UPDATE SET policy = excluded.policy`,
        [program.programId, JSON.stringify(program.policy)],
      )
      return right(program)
    },

    openAccount: (input) =>
      inTransaction(async (client): Promise<Either<LedgerError, Account>> => {
        if (input.memberId !== undefined && !(await memberExists(client, input.memberId))) {
          return left(unknownMember(input.memberId))
        }
        const account: Account = {
          accountId: input.accountId,
          programId: input.programId,
          ...optionalColumn('memberId', input.memberId),
          ...optionalColumn('householdId', input.householdId),
          status: 'open',
          openedAt: input.at,
        }
        const p = accountValues(account)
        const inserted = await client.query(
          `INSERT INTO accounts (account_id, program_id, member_id, household_id, status, merged_into, opened_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account_id) DO NOTHING`,
          p,
        )
        if (inserted.rowCount === 0) return left(alreadyExists('account', input.accountId))
        const row = emptyBalanceRow(account.accountId, input.at)
        await client.query(
          'INSERT INTO balances (account_id, as_of, available, pending, reserved, debt, sequence) VALUES ($1, $2, 0, 0, 0, 0, 0)',
          [row.accountId, row.asOf],
        )
        return right(account)
      }),

    account: async (accountId): Promise<Either<LedgerError, Account>> => {
      const { rows } = await query('SELECT * FROM accounts WHERE account_id = $1', [accountId])
      return rows[0] === undefined ? left(unknownAccount(accountId)) : right(accountFromRow(rows[0]))
    },

    nextSerial: async (sequence): Promise<Either<LedgerError, number>> => {
      const { rows } = await query(
        `INSERT INTO serials (sequence, value) VALUES ($1, 1)
         ON CONFLICT (sequence) DO UPDATE SET value = serials.value + 1 RETURNING value`,
        [sequence],
      )
      return right(rows[0].value as number)
    },

    issueCard: (input) =>
      inTransaction(async (client): Promise<Either<LedgerError, Card>> => {
        const accounts = await client.query('SELECT * FROM accounts WHERE account_id = $1 FOR SHARE', [input.accountId])
        const account = accounts.rows[0] === undefined ? undefined : accountFromRow(accounts.rows[0])
        if (account === undefined) return left(unknownAccount(input.accountId))
        if (account.status === 'merged') return left(accountMerged(account.accountId, account.mergedInto))
        if (input.memberId !== undefined && !(await memberExists(client, input.memberId))) {
          return left(unknownMember(input.memberId))
        }
        const card: Card = {
          number: input.number,
          accountId: input.accountId,
          ...optionalColumn('memberId', input.memberId),
          status: 'active',
          issuedAt: input.at,
        }
        const inserted = await client.query(
          `INSERT INTO cards (number, account_id, member_id, status, replaced_by, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (number) DO NOTHING`,
          cardValues(card),
        )
        if (inserted.rowCount === 0) return left(alreadyExists('card', input.number))
        return right(card)
      }),

    card: async (number): Promise<Either<LedgerError, Card>> => {
      const { rows } = await query('SELECT * FROM cards WHERE number = $1', [number])
      return rows[0] === undefined ? left(unknownCard(number)) : right(cardFromRow(rows[0]))
    },

    cardsOf: async (accountId): Promise<Either<LedgerError, readonly Card[]>> => {
      if (!(await accountExists(pool, accountId))) return left(unknownAccount(accountId))
      const { rows } = await query('SELECT * FROM cards WHERE account_id = $1 ORDER BY number', [accountId])
      return right(rows.map(cardFromRow))
    },

    setCardStatus: (number, status) =>
      inTransaction(async (client): Promise<Either<LedgerError, Card>> => {
        const { rows } = await client.query('SELECT * FROM cards WHERE number = $1 FOR UPDATE', [number])
        if (rows[0] === undefined) return left(unknownCard(number))
        const card = cardFromRow(rows[0])
        if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
        await client.query('UPDATE cards SET status = $2 WHERE number = $1', [number, status])
        return right({ ...card, status })
      }),

    claimCard: (number, memberId) =>
      inTransaction(async (client): Promise<Either<LedgerError, Card>> => {
        const { rows } = await client.query('SELECT * FROM cards WHERE number = $1 FOR UPDATE', [number])
        if (rows[0] === undefined) return left(unknownCard(number))
        const card = cardFromRow(rows[0])
        if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
        if (!(await memberExists(client, memberId))) return left(unknownMember(memberId))
        if (card.memberId !== undefined && card.memberId !== memberId)
          return left(cardAlreadyClaimed(number, card.memberId))
        await client.query('UPDATE cards SET member_id = $2 WHERE number = $1', [number, memberId])
        await client.query(
          'UPDATE accounts SET member_id = $2 WHERE account_id = $1 AND member_id IS NULL AND household_id IS NULL',
          [card.accountId, memberId],
        )
        return right({ ...card, memberId })
      }),

    replaceCard: async (input) =>
      asStored(
        await inTransaction(
          (client): Promise<Either<LedgerError, CardReplacement>> => replaceCardIn(transaction(client), input),
        ),
      ),

    mergeAccounts: (input): Promise<Either<LedgerError, PostingResult>> => post(mergeRequest(input)),

    saveMember: async (member): Promise<Either<LedgerError, Member>> => {
      const inserted = await query(
        'INSERT INTO members (member_id, body) VALUES ($1, $2) ON CONFLICT (member_id) DO NOTHING',
        [member.memberId, JSON.stringify(member)],
      )
      return inserted.rowCount === 0 ? left(alreadyExists('member', member.memberId)) : right(member)
    },

    member: async (memberId): Promise<Either<LedgerError, Member>> => {
      const { rows } = await query('SELECT body FROM members WHERE member_id = $1', [memberId])
      return rows[0] === undefined ? left(unknownMember(memberId)) : right(JSON.parse(rows[0].body) as Member)
    },

    saveHousehold: (household) =>
      inTransaction(async (client): Promise<Either<LedgerError, Household>> => {
        if (!(await accountExists(client, household.accountId))) return left(unknownAccount(household.accountId))
        for (const m of household.memberIds) if (!(await memberExists(client, m))) return left(unknownMember(m))
        await client.query(
          `INSERT INTO households (household_id, account_id, member_ids) VALUES ($1, $2, $3)
           ON CONFLICT (household_id) DO UPDATE SET account_id = excluded.account_id, member_ids = excluded.member_ids`,
          [household.householdId, household.accountId, JSON.stringify(household.memberIds)],
        )
        return right(household)
      }),

    household: async (householdId): Promise<Either<LedgerError, Household>> => {
      const { rows } = await query('SELECT * FROM households WHERE household_id = $1', [householdId])
      return rows[0] === undefined ? left(unknownHousehold(householdId)) : right(householdFromRow(rows[0]))
    },

    saveMembership: async (m): Promise<Either<LedgerError, ClubMembership>> => {
      if (!(await memberExists(pool, m.memberId))) return left(unknownMember(m.memberId))
      await query(
        `INSERT INTO memberships (member_id, club_id, from_at, until_at, period_months, auto_renew)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (member_id, club_id) DO UPDATE SET from_at = excluded.from_at, until_at = excluded.until_at,
           period_months = excluded.period_months, auto_renew = excluded.auto_renew`,
        [m.memberId, m.clubId, m.from, m.until, m.periodMonths, m.autoRenew],
      )
      return right(m)
    },

    membership: async (memberId, clubId): Promise<Either<LedgerError, ClubMembership | undefined>> => {
      const { rows } = await query('SELECT * FROM memberships WHERE member_id = $1 AND club_id = $2', [
        memberId,
        clubId,
      ])
      return right(rows[0] === undefined ? undefined : membershipOf(rows[0]))
    },

    close: async () => {
      if (closed) return
      closed = true
      await pool.end()
    },
  })
}

import {
  executePosting,
  type LedgerError,
  type LedgerPolicy,
  type LedgerTransaction,
  type LoyaltyStore,
  type LoyaltyTransaction,
  loyaltyStoreOver,
  type PostingPlan,
  type PostingRequest,
  type PostingResult,
  type StoredPosting,
  storeBusy,
} from '@tessera/core'
import {
  accountStateFromRow,
  addressOf,
  asStored,
  isSingleAccountPlan,
  POSTGRES_DIALECT,
  planRecords,
  policyOf,
  prefetchedLedgerTransaction,
  type SqlClient,
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
  /**
   * Sees every write transaction from inside it (a server's idempotency keys): what `beforeCommit`
   * writes with the transaction's client commits or rolls back with the booking.
   */
  readonly hooks?: PostgresTransactionHooks
}

/**
 * A port into the write transactions of the stores, called last, only when the operation succeeded
 * (after its staged writes). `beforeCommit` runs inside the transaction; a throw there rolls the
 * whole booking back and is rethrown. `withCommit` returns statements (literals only, see
 * `client.escapeLiteral`) sent with the `COMMIT` in the same round trip: an error in them rolls the
 * booking back and is thrown. While `active()` is true, postings skip the optimistic path (one
 * statement outside any transaction), so that every write runs in a transaction the hooks see.
 * @category store-postgres
 */
export interface PostgresTransactionHooks {
  readonly active?: () => boolean
  readonly beforeCommit?: (client: pg.PoolClient) => Promise<void>
  readonly withCommit?: (client: pg.PoolClient) => string | undefined
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

// ── SQL ──────────────────────────────────────────────────────────────────────────────────────────

/** The open lots and reservations of the account `b.account_id`, as JSON arrays of rows (one round trip). */
const OPEN_LOTS_AND_RESERVATIONS = `
  (SELECT coalesce(json_agg(l), '[]') FROM lots l WHERE l.account_id = b.account_id AND l.remaining > 0) AS lots,
  (SELECT coalesce(json_agg(r), '[]') FROM reservations r WHERE r.account_id = b.account_id AND r.status = 'open') AS reservations`

const STATE_COLUMNS = `a.account_id, a.program_id, a.member_id, a.household_id, a.status, a.merged_into, a.opened_at,
       b.as_of, b.available, b.pending, b.reserved, b.debt, b.sequence`

/** The upserts of a plan's lots and reservations (parameters $o+2, $o+3); `guard` may hold them back. */
const upsertLotsAndReservations = (o: number, guard = '') => `
 l AS (INSERT INTO lots SELECT * FROM json_populate_recordset(NULL::lots, $${o + 2}) ${guard}
       ON CONFLICT (account_id, lot_id) DO UPDATE SET remaining = excluded.remaining),
 r AS (INSERT INTO reservations SELECT * FROM json_populate_recordset(NULL::reservations, $${o + 3}) ${guard}
       ON CONFLICT (account_id, reservation_id) DO UPDATE
         SET points = excluded.points, takes = excluded.takes, expires_at = excluded.expires_at, status = excluded.status)`

/**
 * The CTEs that write a whole posting plan from parameters $o+1… in {@link planRecords}' order:
 * entries, lots, reservations, balance rows, accounts (each a JSON array of rows), and the
 * idempotency record when its key $o+6 is not NULL.
 */
export const planWrites = (o: number) => `
 e AS (INSERT INTO entries SELECT * FROM json_populate_recordset(NULL::entries, $${o + 1})),${upsertLotsAndReservations(o)},
 b AS (INSERT INTO balances SELECT * FROM json_populate_recordset(NULL::balances, $${o + 4})
       ON CONFLICT (account_id) DO UPDATE
         SET as_of = excluded.as_of, available = excluded.available, pending = excluded.pending,
             reserved = excluded.reserved, debt = excluded.debt, sequence = excluded.sequence),
 a AS (INSERT INTO accounts SELECT * FROM json_populate_recordset(NULL::accounts, $${o + 5})
       ON CONFLICT (account_id) DO UPDATE
         SET program_id = excluded.program_id, member_id = excluded.member_id, household_id = excluded.household_id,
             status = excluded.status, merged_into = excluded.merged_into),
 k AS (INSERT INTO postings (key, request, result)
       SELECT $${o + 6}::text, $${o + 7}::text, $${o + 8}::text WHERE $${o + 6}::text IS NOT NULL)`

/** Writes a whole posting plan in ONE statement. */
const WRITE_PLAN = { name: 'tessera_write_plan', text: `WITH ${planWrites(0)} SELECT 1` }

/**
 * A posting's reads in ONE statement: the posting stored under the key $1, the card $2 (when the
 * request names one), and the addressed account ($3, or the card's) with its state, policy, open
 * lots and reservations. `locked`: the balance row is locked `FOR UPDATE`; under READ COMMITTED the
 * sub-selects keep the snapshot taken BEFORE any wait for the lock, so `snapshot_sequence` is the
 * row's sequence as of that snapshot (when it differs, the state is read again, now locked).
 */
const prefetch = (locked: boolean) => ({
  name: `tessera_prefetch${locked ? '_locked' : ''}`,
  text: `SELECT p.request AS posting_request, p.result AS posting_result, row_to_json(c) AS card, s.*
  FROM (SELECT $1::text AS key, $2::text AS card, $3::text AS account) q
  LEFT JOIN postings p ON p.key = q.key
  LEFT JOIN cards c ON c.number = q.card
  LEFT JOIN LATERAL (SELECT ${STATE_COLUMNS}, pr.policy,
       (SELECT x.sequence FROM balances x WHERE x.account_id = b.account_id) AS snapshot_sequence, ${OPEN_LOTS_AND_RESERVATIONS}
       FROM balances b JOIN accounts a ON a.account_id = b.account_id LEFT JOIN ledger_programs pr ON pr.program_id = a.program_id
      WHERE b.account_id = coalesce(q.account, c.account_id)${locked ? ' FOR UPDATE OF b' : ''}) s ON true`,
})
const PREFETCH = prefetch(false)
/** `prefetch`, locked: a posting inside a checkout transaction. */
export const PREFETCH_LOCKED = prefetch(true)

/**
 * The optimistic fast path's one write, a compare-and-set: the balance row moves from sequence $8
 * to the plan's only if nobody posted on the account since the prefetch; entries, lots,
 * reservations and the idempotency record are written only if it did. Returns `written` 0 when the
 * row had moved (the posting is then run again on the locked path).
 */
const WRITE_IF_UNCHANGED = {
  name: 'tessera_write_if_unchanged',
  text: `WITH
 b AS (UPDATE balances AS t SET as_of = x.as_of, available = x.available, pending = x.pending, reserved = x.reserved,
              debt = x.debt, sequence = x.sequence
         FROM json_populate_recordset(NULL::balances, $4) AS x WHERE t.account_id = x.account_id AND t.sequence = $8
       RETURNING 1),
 e AS (INSERT INTO entries SELECT * FROM json_populate_recordset(NULL::entries, $1) WHERE EXISTS (SELECT 1 FROM b)),
 ${upsertLotsAndReservations(0, 'WHERE EXISTS (SELECT 1 FROM b)')},
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
    work: (client: pg.PoolClient, begin?: string, commit?: 'COMMIT') => Promise<Either<E, A>>,
    options?: Partial<TransactionOptions> & { readonly readOnly?: boolean },
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
  const hooks = options.hooks
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
          async (client, begin, commit) => {
            const result = await work(client, begin, commit)
            if (result._tag === 'Left') throw new Refused(result.left)
            if (hooks?.beforeCommit !== undefined && extra.readOnly !== true) await hooks.beforeCommit(client)
            return result
          },
          hooks !== undefined && extra.readOnly !== true
            ? { ...txOptions, deferCommit: false, ...(hooks.withCommit ? { beforeCommit: hooks.withCommit } : {}) }
            : txOptions,
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
      // The prefetch of a posting with no key and no card: the account's state alone.
      const read = async (locked: boolean) =>
        (await client.query({ ...(locked ? PREFETCH_LOCKED : PREFETCH), values: [null, null, accountId] })).rows[0]
      let r = await read(locking)
      if (r.account_id === null) return undefined
      // A posting committed while we waited for the lock: read again, now that we hold it.
      if (locking && r.snapshot_sequence !== r.sequence) r = await read(false)
      policies.set(r.program_id as string, policyOf(r.policy))
      return accountStateFromRow(r)
    },
    policy: async (programId) => policies.get(programId) ?? shared.policy(programId),
    write: async (plan, posting) => {
      await client.query({ ...WRITE_PLAN, values: planRecords(plan, posting) })
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
  const { card, account } = addressOf(request)
  const client = await pool.connect()
  let broken = false
  try {
    const pre = (await client.query({ ...PREFETCH, values: [request.key, card, account] })).rows[0]
    let captured: { plan: PostingPlan; posting: StoredPosting } | undefined
    const slow = async (): Promise<never> => {
      throw new SlowPath()
    }
    // Whatever the prefetch does not answer leaves the fast path.
    const rest: LedgerTransaction = {
      ...{ findPosting: slow, findCard: slow, findAccount: slow, loadAccountState: slow, findEntry: slow },
      ...{ reversedSoFar: slow, policy: slow, write: slow, saveAccount: slow, saveCard: slow },
    }
    const tx = prefetchedLedgerTransaction(request, pre, rest, async (plan, posting) => {
      captured = { plan, posting }
    })
    const result = await executePosting(tx, request)
    if (result._tag === 'Left' || captured === undefined) return result
    const { plan, posting } = captured
    if (!isSingleAccountPlan(plan, pre.account_id)) return undefined
    const all = planRecords(plan, posting)
    const params = [all[0], all[1], all[2], all[3], all[5], all[6], all[7], pre.sequence]
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
        readOnly: true,
      })
      if (r._tag === 'Left') throw new Error(`postgres store: ${r.left.message}`)
      return r.right
    },
    post: async (request) => {
      if (c.options.optimistic !== false && FAST_KINDS.has(request.kind) && c.options.hooks?.active?.() !== true) {
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

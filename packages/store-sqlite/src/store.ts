import { resolve } from 'node:path'
import type { CheckoutTransaction, LoyaltyTransaction, SessionData } from '@tessera/core'
import { type LoyaltyStore, loyaltyStoreOver } from '@tessera/core'
import {
  asStored,
  SQLITE_DIALECT,
  type SqlClient,
  type SqlStatement,
  sqlDueAccounts,
  sqlLoyaltyTransaction,
  sqlSnapshot,
} from '@tessera/store-sql'
import type { Statement } from 'better-sqlite3'
import { right } from 'fp-ts/lib/Either.js'
import { migrateSqlite, openDatabase, type SqliteDatabase } from './database.js'
import { SQLITE_CHECKOUT_MIGRATIONS, SQLITE_MIGRATIONS } from './schema.js'

/**
 * How {@link openSqliteStores} opens its file.
 * @category store-sqlite
 */
export interface SqliteStoreOptions {
  /** The database file (created if missing), or `:memory:` for a throw-away store. */
  readonly file: string
  /** How long a posting waits for another process holding the write lock, in ms. Default 5000. */
  readonly busyTimeoutMs?: number
  /**
   * Sees every write transaction from inside it (a till's outbox, `@tessera/sync`): what it adds
   * with the transaction's client commits or rolls back with the booking.
   */
  readonly hooks?: SqliteTransactionHooks
}

/**
 * A port into the write transactions of {@link openSqliteStores}: `begin` is called after
 * `BEGIN IMMEDIATE` with the transaction's client; the scope it returns may wrap the loyalty and
 * checkout transactions to observe what they write, and its `beforeCommit` runs last, inside the
 * transaction, only when the operation succeeded. A throw there rolls the whole booking back.
 * @category store-sqlite
 */
export interface SqliteTransactionHooks {
  readonly begin: (client: SqlClient) => SqliteTransactionScope
}

/** What a {@link SqliteTransactionHooks} sees of one write transaction. @category store-sqlite */
export interface SqliteTransactionScope {
  readonly loyalty?: (tx: LoyaltyTransaction) => LoyaltyTransaction
  readonly checkout?: (tx: CheckoutTransaction) => CheckoutTransaction
  /** A checkout session saved (opened, updated, voided). */
  readonly session?: (session: SessionData) => void
  readonly beforeCommit: () => Promise<void>
}

/**
 * A {@link SqlClient} over a better-sqlite3 connection: statements prepared once, `$n` parameters
 * rewritten to `?`, booleans bound as 0/1.
 * @category store-sqlite
 */
export const sqliteClient = (db: SqliteDatabase): SqlClient => {
  const prepared = new Map<string, { readonly statement: Statement; readonly order: readonly number[] }>()
  const prepare = (s: SqlStatement, params: readonly unknown[]) => {
    let p = prepared.get(s.text)
    if (p === undefined) {
      const order: number[] = []
      const text = s.text.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n) - 1)
        return '?'
      })
      p = { statement: db.prepare(text), order }
      prepared.set(s.text, p)
    }
    const values = p.order.map((i) => {
      const v = params[i]
      return typeof v === 'boolean' ? (v ? 1 : 0) : v
    })
    return { statement: p.statement, values }
  }
  return {
    all: async (s, params = []) => {
      const { statement, values } = prepare(s, params)
      if (statement.reader) return statement.all(...values) as Record<string, unknown>[]
      statement.run(...values)
      return []
    },
    run: async (s, params = []) => {
      const { statement, values } = prepare(s, params)
      return statement.reader ? statement.all(...values).length : statement.run(...values).changes
    },
  }
}

/**
 * One operation queue per database file and process. A transaction awaits between its statements;
 * if another store object of the same process began its own `BEGIN IMMEDIATE` meanwhile, its busy
 * wait would block the thread and the first could never commit. Store objects on one file in one
 * process therefore take turns; other processes wait on SQLite's lock as usual.
 */
const queues = new Map<string, { tail: Promise<unknown>; users: number }>()
/** In-memory databases are private to their connection: each gets a queue of its own. */
let inMemoryStores = 0

/**
 * One open connection, its queue and its transaction runner: what the loyalty and the checkout
 * store of {@link openSqliteStores} share.
 * @category store-sqlite
 */
export interface SqliteConnection {
  readonly db: SqliteDatabase
  readonly client: SqlClient
  /** Runs `op` after every earlier operation on this file in this process. */
  readonly serial: <A>(op: () => Promise<A> | A) => Promise<A>
  /**
   * `op` inside `BEGIN IMMEDIATE` (or `BEGIN DEFERRED` for a read): committed unless `keep`
   * says no (then rolled back), rolled back on a throw.
   */
  readonly inTransaction: <A>(
    mode: 'IMMEDIATE' | 'DEFERRED',
    op: (scope: SqliteTransactionScope | undefined) => Promise<A>,
    keep?: (a: A) => boolean,
  ) => Promise<A>
  readonly close: () => Promise<void>
}

/** Opens, migrates and queues a SQLite file (WAL, `synchronous=FULL`). @category store-sqlite */
export const openSqliteConnection = (options: SqliteStoreOptions): SqliteConnection => {
  const db = openDatabase({
    file: options.file,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  })
  try {
    migrateSqlite(db, SQLITE_MIGRATIONS)
    migrateSqlite(db, SQLITE_CHECKOUT_MIGRATIONS)
    // 64 MiB of page cache: the index of a pool of a million random codes stays in memory while
    // batches are added (a batch touches pages all over it).
    db.pragma('cache_size = -65536')
  } catch (e) {
    db.close()
    throw e
  }
  const file = db.memory || db.name === '' ? `memory:${++inMemoryStores}` : resolve(db.name)
  const queue = queues.get(file) ?? { tail: Promise.resolve(), users: 0 }
  queue.users++
  queues.set(file, queue)
  let closed = false
  const serial = <A>(op: () => Promise<A> | A): Promise<A> => {
    const run = queue.tail.then(() => {
      if (closed) throw new Error('sqlite store: used after close()')
      return op()
    })
    queue.tail = run.catch(() => undefined)
    return run
  }
  const client = sqliteClient(db)
  const inTransaction = <A>(
    mode: 'IMMEDIATE' | 'DEFERRED',
    op: (scope: SqliteTransactionScope | undefined) => Promise<A>,
    keep: (a: A) => boolean = () => true,
  ) =>
    serial(async () => {
      db.exec(`BEGIN ${mode}`)
      try {
        const scope = mode === 'IMMEDIATE' ? options.hooks?.begin(client) : undefined
        const result = await op(scope)
        const kept = keep(result)
        if (kept && scope !== undefined) await scope.beforeCommit()
        db.exec(kept ? 'COMMIT' : 'ROLLBACK')
        return result
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw e
      }
    })
  return {
    db,
    client,
    serial,
    inTransaction,
    close: async () => {
      if (closed) return
      await serial(() => undefined)
      closed = true
      db.close()
      if (--queue.users === 0 && queues.get(file) === queue) queues.delete(file)
    },
  }
}

/** The loyalty transaction as the scope of a write transaction sees it (itself when no hook). */
export const observed = (scope: SqliteTransactionScope | undefined, tx: LoyaltyTransaction): LoyaltyTransaction =>
  scope?.loyalty === undefined ? tx : scope.loyalty(tx)

/**
 * The SQLite {@link LoyaltyStore} on an open connection: the core's `loyaltyStoreOver` with the
 * shared SQL of `@tessera/store-sql`. Every write runs in one `BEGIN IMMEDIATE` transaction, so a
 * crash leaves each posting either fully written or absent.
 * @category store-sqlite
 */
export const sqliteLoyaltyStore = (c: SqliteConnection): LoyaltyStore =>
  loyaltyStoreOver({
    transact: async (fn) => {
      const result = await c.inTransaction(
        'IMMEDIATE',
        (scope) => fn(observed(scope, sqlLoyaltyTransaction(c.client, SQLITE_DIALECT))),
        (r) => r._tag === 'Right',
      )
      return result._tag === 'Right' ? right(asStored(result.right)) : result
    },
    read: (fn) => c.inTransaction('DEFERRED', () => fn(sqlLoyaltyTransaction(c.client, SQLITE_DIALECT, false))),
    dueAccounts: (asOf) => c.inTransaction('DEFERRED', () => sqlDueAccounts(c.client, asOf)),
    snapshot: () => c.inTransaction('DEFERRED', () => sqlSnapshot(c.client)),
    close: c.close,
  })

/**
 * Opens the SQLite loyalty store on a file (WAL, `synchronous=FULL`: a posting that returned
 * survives a power cut; migrations applied on open). Operations on one file from one process run
 * one at a time; several processes on one file wait for each other's write lock. For the checkout
 * on the same file, use {@link openSqliteStores}.
 * @category store-sqlite
 */
export const openSqliteStore = (options: SqliteStoreOptions): LoyaltyStore =>
  sqliteLoyaltyStore(openSqliteConnection(options))

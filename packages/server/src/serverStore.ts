import { AsyncLocalStorage } from 'node:async_hooks'
import type { SqliteDatabase } from '@tessera/store-sqlite'
import type pg from 'pg'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** A till's API key as stored: its public id, shop and till, the SHA-256 of its secret (never the secret). @category server */
export interface ApiKeyRow {
  readonly keyId: string
  readonly shop: string
  readonly till: string
  /** Hex SHA-256 of the secret part of the key. */
  readonly secretHash: string
  readonly createdAtMs: number
  readonly revokedAtMs?: number
}

/** An idempotency key's record: the request it answered, and the answer once there is one. @category server */
export interface IdempotencyRow {
  readonly scope: string
  readonly key: string
  /** Hex SHA-256 of the request (route and body). */
  readonly requestHash: string
  readonly status?: number
  readonly body?: string
}

/**
 * The server's own tables, in the same database as the loyalty and checkout stores: API keys and
 * idempotency keys. A booking route's key is written by the booking's own store transactions
 * ({@link keyInTransaction}); these methods read it, and store the answer of a request whose store
 * transactions could not carry it (a refusal, a replay that wrote nothing, an answer made of several
 * transactions' results).
 * @category server
 */
export interface ServerStore {
  /** Rejects when the database does not answer. */
  readonly ping: () => Promise<void>
  readonly putKey: (row: ApiKeyRow) => Promise<void>
  readonly findKey: (keyId: string) => Promise<ApiKeyRow | undefined>
  readonly listKeys: () => Promise<readonly ApiKeyRow[]>
  /** Marks a key revoked; false when there is no such key. */
  readonly revokeKey: (keyId: string, atMs: number) => Promise<boolean>
  /** The record of `scope/key`, if any. */
  readonly findIdempotency: (scope: string, key: string) => Promise<IdempotencyRow | undefined>
  /**
   * Stores the answer of `scope/key` for `requestHash` unless the key already has an answer or
   * belongs to another request: returns the record as it now stands (the first answer stands), and
   * whether it is this call's answer.
   */
  readonly complete: (
    row: Required<IdempotencyRow>,
    atMs: number,
  ) => Promise<{ readonly row: IdempotencyRow; readonly stored: boolean }>
  readonly close: () => Promise<void>
}

// ── the key inside the booking's transaction ─────────────────────────────────────────────────────

/**
 * One booking request's idempotency key, as the store transactions it runs see it (through
 * {@link bookingContext}). Set by the server around the host call of a booking route.
 * @category server
 */
export interface BookingContext {
  readonly scope: string
  readonly key: string
  readonly requestHash: string
  readonly atMs: number
  /**
   * The route's 200 answer from the result of its checkout transaction (close, returns): the bytes
   * are then stored by that transaction itself. Absent: the transactions store the key alone, and the
   * server stores the answer after (it is derivable: the core replays the booking by its key).
   */
  readonly answerOf?: (result: unknown) => string
  /** The answer of the checkout transaction in progress (set inside it, before its commit). */
  pending?: string
  /** The answer a transaction of this request wrote, before its commit. */
  tentative?: string
  /** The answer a committed transaction of this request stored: the bytes to send. */
  answered?: string
}

/** The key of a booking context belongs to another request, or already has another request's answer. */
export class IdempotencyRefusal extends Error {
  constructor(
    readonly reason: 'conflict' | 'answered',
    readonly row: IdempotencyRow,
  ) {
    super(`idempotency key ${row.key}: ${reason === 'conflict' ? 'used with another request' : 'already answered'}`)
  }
}

/** The booking request in progress, for the store hooks. @category server */
export const bookingContext = new AsyncLocalStorage<BookingContext>()

/** A query inside a store transaction: `$n` parameters, rows back. */
export type TransactionQuery = (
  statement: { readonly name: string; readonly text: string },
  params: readonly unknown[],
) => Promise<readonly Record<string, unknown>[]>

const KEY_SQL = {
  // Inserts the key, or fills a key stored without an answer; nothing when the key is another
  // request's or already answered (then no row comes back).
  upsert: {
    name: 'server_idempotency_upsert',
    text: `INSERT INTO server_idempotency (scope, key, request_hash, status, body, created_at_ms)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (scope, key) DO UPDATE SET status = excluded.status, body = excluded.body
      WHERE server_idempotency.request_hash = excluded.request_hash AND server_idempotency.status IS NULL
      RETURNING status`,
  },
  find: {
    name: 'server_idempotency_find',
    text: 'SELECT scope, key, request_hash, status, body FROM server_idempotency WHERE scope = $1 AND key = $2',
  },
} as const

/**
 * The store hook of the server (SQLite's `hooks.begin(...).beforeCommit`, PostgreSQL's
 * `hooks.beforeCommit`): inside every write transaction of a booking request, before its commit,
 * writes the request's idempotency key, its request hash, and the answer when the transaction made
 * it (close, returns). A key of another request, or one another request already answered, throws
 * {@link IdempotencyRefusal}: the booking rolls back, and the server answers 409 or the stored answer.
 * @category server
 */
export const keyInTransaction = async (query: TransactionQuery): Promise<void> => {
  const ctx = bookingContext.getStore()
  // Not a booking request, or one whose answer is already committed (a later write of the same close).
  if (ctx === undefined || ctx.answered !== undefined) return
  const body = ctx.pending ?? null
  const rows = await query(KEY_SQL.upsert, [
    ctx.scope,
    ctx.key,
    ctx.requestHash,
    body === null ? null : 200,
    body,
    ctx.atMs,
  ])
  if (rows.length === 1) {
    if (body !== null) ctx.tentative = body
    return
  }
  const found = (await query(KEY_SQL.find, [ctx.scope, ctx.key]))[0] as unknown as IdemSqlRow
  const row = idemOf(found)
  throw new IdempotencyRefusal(row.requestHash === ctx.requestHash ? 'answered' : 'conflict', row)
}

/**
 * PostgreSQL's form of {@link keyInTransaction}, sent with the booking's `COMMIT` in one round trip
 * (`withCommit`): the same upsert as literals, which fails (a NULL `request_hash`, 23502) when the
 * key is another request's or already answered, so that the booking rolls back; the server then
 * reads the key ({@link isKeyRefusal}).
 * @category server
 */
export const keyWithCommit = (literal: (value: string) => string): string | undefined => {
  const ctx = bookingContext.getStore()
  if (ctx === undefined || ctx.answered !== undefined) return undefined
  const body = ctx.pending
  ctx.tentative = body
  return `INSERT INTO server_idempotency (scope, key, request_hash, status, body, created_at_ms)
    VALUES (${literal(ctx.scope)}, ${literal(ctx.key)}, ${literal(ctx.requestHash)}, ${body === undefined ? 'NULL' : 200},
      ${body === undefined ? 'NULL' : literal(body)}, ${Math.trunc(ctx.atMs)})
    ON CONFLICT (scope, key) DO UPDATE SET status = excluded.status, body = excluded.body,
      request_hash = CASE WHEN server_idempotency.request_hash = excluded.request_hash
        AND server_idempotency.status IS NULL THEN excluded.request_hash END`
}

/** The error of a {@link keyWithCommit} that found the key another request's or already answered. @category server */
export const isKeyRefusal = (e: unknown): boolean =>
  e instanceof IdempotencyRefusal ||
  (typeof e === 'object' &&
    e !== null &&
    (e as { code?: unknown }).code === '23502' &&
    (e as { table?: unknown }).table === 'server_idempotency')

// ── SQLite ───────────────────────────────────────────────────────────────────────────────────────

const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS server_api_keys (
  key_id TEXT PRIMARY KEY, shop TEXT NOT NULL, till TEXT NOT NULL, secret_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER);
CREATE TABLE IF NOT EXISTS server_idempotency (
  scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER, body TEXT,
  created_at_ms INTEGER NOT NULL, PRIMARY KEY (scope, key));`

interface KeySqlRow {
  key_id: string
  shop: string
  till: string
  secret_hash: string
  created_at_ms: number | string
  revoked_at_ms: number | string | null
}
interface IdemSqlRow {
  scope: string
  key: string
  request_hash: string
  status: number | null
  body: string | null
}

const keyOf = (r: KeySqlRow): ApiKeyRow => ({
  keyId: r.key_id,
  shop: r.shop,
  till: r.till,
  secretHash: r.secret_hash,
  createdAtMs: Number(r.created_at_ms),
  ...(r.revoked_at_ms !== null ? { revokedAtMs: Number(r.revoked_at_ms) } : {}),
})
const idemOf = (r: IdemSqlRow): IdempotencyRow => ({
  scope: r.scope,
  key: r.key,
  requestHash: r.request_hash,
  ...(r.status !== null ? { status: r.status } : {}),
  ...(r.body !== null ? { body: r.body } : {}),
})

/** `$n` parameters (each once, in order) as SQLite's `?`. */
const sqlitePositional = (text: string) => text.replace(/\$\d+/g, '?')

/**
 * The server tables on a SQLite connection of its own to the store's file (WAL lets it sit beside
 * the store's connection; `busy_timeout` covers a store transaction in progress).
 * @category server
 */
export const sqliteServerStore = (db: SqliteDatabase): ServerStore => {
  db.exec(SQLITE_SCHEMA)
  const q = {
    ping: db.prepare('SELECT 1 AS one'),
    putKey: db.prepare(
      `INSERT INTO server_api_keys (key_id, shop, till, secret_hash, created_at_ms, revoked_at_ms)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    findKey: db.prepare('SELECT * FROM server_api_keys WHERE key_id = ?'),
    listKeys: db.prepare('SELECT * FROM server_api_keys ORDER BY created_at_ms, key_id'),
    revoke: db.prepare('UPDATE server_api_keys SET revoked_at_ms = ? WHERE key_id = ? AND revoked_at_ms IS NULL'),
    exists: db.prepare('SELECT 1 AS one FROM server_api_keys WHERE key_id = ?'),
    find: db.prepare('SELECT * FROM server_idempotency WHERE scope = ? AND key = ?'),
    complete: db.prepare(sqlitePositional(KEY_SQL.upsert.text)),
  }
  return {
    ping: async () => {
      q.ping.get()
    },
    putKey: async (r) => {
      q.putKey.run(r.keyId, r.shop, r.till, r.secretHash, r.createdAtMs, r.revokedAtMs ?? null)
    },
    findKey: async (keyId) => {
      const row = q.findKey.get(keyId) as KeySqlRow | undefined
      return row === undefined ? undefined : keyOf(row)
    },
    listKeys: async () => (q.listKeys.all() as KeySqlRow[]).map(keyOf),
    revokeKey: async (keyId, atMs) => {
      q.revoke.run(atMs, keyId)
      return q.exists.get(keyId) !== undefined
    },
    findIdempotency: async (scope, key) => {
      const row = q.find.get(scope, key) as IdemSqlRow | undefined
      return row === undefined ? undefined : idemOf(row)
    },
    complete: async (r, atMs) => {
      const stored = q.complete.all(r.scope, r.key, r.requestHash, r.status, r.body, atMs).length === 1
      return { row: idemOf(q.find.get(r.scope, r.key) as IdemSqlRow), stored }
    },
    close: async () => {
      db.close()
    },
  }
}

// ── PostgreSQL ───────────────────────────────────────────────────────────────────────────────────

const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS server_api_keys (
  key_id text PRIMARY KEY, shop text NOT NULL, till text NOT NULL, secret_hash text NOT NULL,
  created_at_ms bigint NOT NULL, revoked_at_ms bigint);
CREATE TABLE IF NOT EXISTS server_idempotency (
  scope text NOT NULL, key text NOT NULL, request_hash text NOT NULL, status integer, body text,
  created_at_ms bigint NOT NULL, PRIMARY KEY (scope, key));`

/**
 * The server tables on a PostgreSQL pool to the store's database. An answer is stored by one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE` (the first answer stands), then read back.
 * @category server
 */
export const postgresServerStore = async (pool: pg.Pool): Promise<ServerStore> => {
  try {
    await pool.query(POSTGRES_SCHEMA)
  } catch (e) {
    // Two servers creating the tables at once collide on the catalog: the tables now exist.
    const code = (e as { code?: string }).code
    if (code !== '23505' && code !== '42P07' && code !== '42710') throw e
  }
  return {
    ping: async () => {
      await pool.query('SELECT 1')
    },
    putKey: async (r) => {
      await pool.query(
        `INSERT INTO server_api_keys (key_id, shop, till, secret_hash, created_at_ms, revoked_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [r.keyId, r.shop, r.till, r.secretHash, r.createdAtMs, r.revokedAtMs ?? null],
      )
    },
    findKey: async (keyId) => {
      const { rows } = await pool.query<KeySqlRow>('SELECT * FROM server_api_keys WHERE key_id = $1', [keyId])
      return rows[0] === undefined ? undefined : keyOf(rows[0])
    },
    listKeys: async () =>
      (await pool.query<KeySqlRow>('SELECT * FROM server_api_keys ORDER BY created_at_ms, key_id')).rows.map(keyOf),
    revokeKey: async (keyId, atMs) => {
      await pool.query('UPDATE server_api_keys SET revoked_at_ms = $1 WHERE key_id = $2 AND revoked_at_ms IS NULL', [
        atMs,
        keyId,
      ])
      return (await pool.query('SELECT 1 FROM server_api_keys WHERE key_id = $1', [keyId])).rowCount === 1
    },
    findIdempotency: async (scope, key) => {
      const { rows } = await pool.query<IdemSqlRow>({ ...KEY_SQL.find, values: [scope, key] })
      return rows[0] === undefined ? undefined : idemOf(rows[0])
    },
    complete: async (r, atMs) => {
      const up = await pool.query({
        ...KEY_SQL.upsert,
        values: [r.scope, r.key, r.requestHash, r.status, r.body, atMs],
      })
      if (up.rowCount === 1) return { row: r, stored: true }
      const { rows } = await pool.query<IdemSqlRow>({ ...KEY_SQL.find, values: [r.scope, r.key] })
      return { row: idemOf(rows[0] as IdemSqlRow), stored: false }
    },
    close: async () => {
      await pool.end()
    },
  }
}

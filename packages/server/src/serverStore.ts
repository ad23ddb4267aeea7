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
 * idempotency keys. Bookings themselves are idempotent in the core (transaction, return and posting
 * ids), so a record that stays claimed without an answer (a crash) is completed by the next retry.
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
  /** Claims `scope/key` for `requestHash`: the existing row when it was claimed before, else undefined (now claimed). */
  readonly claim: (row: IdempotencyRow, atMs: number) => Promise<IdempotencyRow | undefined>
  /** Stores the answer of a claimed key; the first answer stands and is returned. */
  readonly complete: (
    scope: string,
    key: string,
    status: number,
    body: string,
  ) => Promise<{ readonly status: number; readonly body: string } | undefined>
  /** Drops a claim that got no answer worth keeping (a 5xx), so that a retry runs afresh. */
  readonly release: (scope: string, key: string) => Promise<void>
  readonly close: () => Promise<void>
}

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
    claim: db.prepare(
      `INSERT INTO server_idempotency (scope, key, request_hash, created_at_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (scope, key) DO NOTHING`,
    ),
    find: db.prepare('SELECT * FROM server_idempotency WHERE scope = ? AND key = ?'),
    complete: db.prepare(
      'UPDATE server_idempotency SET status = ?, body = ? WHERE scope = ? AND key = ? AND status IS NULL',
    ),
    release: db.prepare('DELETE FROM server_idempotency WHERE scope = ? AND key = ? AND status IS NULL'),
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
    claim: async (row, atMs) => {
      const inserted = q.claim.run(row.scope, row.key, row.requestHash, atMs)
      if (inserted.changes === 1) return undefined
      return idemOf(q.find.get(row.scope, row.key) as IdemSqlRow)
    },
    complete: async (scope, key, status, body) => {
      q.complete.run(status, body, scope, key)
      const row = q.find.get(scope, key) as IdemSqlRow | undefined
      return row?.status == null || row.body === null ? undefined : { status: row.status, body: row.body }
    },
    release: async (scope, key) => {
      q.release.run(scope, key)
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
 * The server tables on a PostgreSQL pool to the store's database. A claim is one
 * `INSERT … ON CONFLICT DO NOTHING`, so two tills retrying at once see one claim.
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
    claim: async (row, atMs) => {
      for (;;) {
        const inserted = await pool.query(
          `INSERT INTO server_idempotency (scope, key, request_hash, created_at_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, key) DO NOTHING`,
          [row.scope, row.key, row.requestHash, atMs],
        )
        if (inserted.rowCount === 1) return undefined
        const { rows } = await pool.query<IdemSqlRow>(
          'SELECT * FROM server_idempotency WHERE scope = $1 AND key = $2',
          [row.scope, row.key],
        )
        // Released between the insert and the read: claim again.
        if (rows[0] !== undefined) return idemOf(rows[0])
      }
    },
    complete: async (scope, key, status, body) => {
      // One round trip: the update when the claim had no answer yet, else the answer already there.
      const { rows } = await pool.query<IdemSqlRow>(
        `WITH done AS (
           UPDATE server_idempotency SET status = $1, body = $2
           WHERE scope = $3 AND key = $4 AND status IS NULL RETURNING status, body)
         SELECT status, body FROM done
         UNION ALL
         SELECT status, body FROM server_idempotency
         WHERE scope = $3 AND key = $4 AND NOT EXISTS (SELECT 1 FROM done)`,
        [status, body, scope, key],
      )
      const row = rows[0]
      return row?.status == null || row.body === null ? undefined : { status: row.status, body: row.body }
    },
    release: async (scope, key) => {
      await pool.query('DELETE FROM server_idempotency WHERE scope = $1 AND key = $2 AND status IS NULL', [scope, key])
    },
    close: async () => {
      await pool.end()
    },
  }
}

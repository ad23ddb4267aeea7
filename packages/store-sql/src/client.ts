import type { CheckoutStore, LoyaltyStore } from '@tessera/core'
import type { SqlRow } from './rows.js'

/**
 * A SQL statement as the stores write it: a stable name (PostgreSQL prepares it once per
 * connection under that name) and its text, with numbered parameters `$1`, `$2`… (a SQLite client
 * rewrites them to `?`).
 * @category store-sql
 */
export interface SqlStatement {
  readonly name: string
  readonly text: string
}

/** Names a statement: `tessera_<name>`. @category store-sql */
export const sql = (name: string, text: string): SqlStatement => ({ name: `tessera_${name}`, text })

/**
 * What the shared store code needs of a database connection that is inside the caller's
 * transaction: rows of a query, and the rows a write changed. Implemented over better-sqlite3 by
 * `@tessera/store-sqlite` and over pg by `@tessera/store-postgres`.
 * @category store-sql
 */
export interface SqlClient {
  readonly all: (statement: SqlStatement, params?: readonly unknown[]) => Promise<readonly SqlRow[]>
  /** Runs a write and answers how many rows it changed (for `RETURNING`, how many it returned). */
  readonly run: (statement: SqlStatement, params?: readonly unknown[]) => Promise<number>
}

/**
 * What differs between the SQL engines in the statements the stores share: only how a read takes
 * row locks. SQLite holds the whole file under `BEGIN IMMEDIATE`, so it needs none.
 * @category store-sql
 */
export interface SqlDialect {
  /** Appended to a locking read: `' FOR UPDATE'`, or `''`. */
  readonly forUpdate: string
  /** Appended to the account-state read to lock its balance row: `' FOR UPDATE OF b'`, or `''`. */
  readonly forUpdateOfBalance: string
}

/** The dialect of SQLite: no row locks (the write transaction holds the file). @category store-sql */
export const SQLITE_DIALECT: SqlDialect = { forUpdate: '', forUpdateOfBalance: '' }

/** The dialect of PostgreSQL and compatible engines: `SELECT … FOR UPDATE`. @category store-sql */
export const POSTGRES_DIALECT: SqlDialect = { forUpdate: ' FOR UPDATE', forUpdateOfBalance: ' FOR UPDATE OF b' }

/**
 * The loyalty and checkout stores of one database on ONE connection or pool, as each SQL store's
 * `open…Stores()` returns them: a close posts its points in the same transaction as its codes,
 * usage and receipt. `close()` closes both.
 * @category store-sql
 */
export interface SqlStores {
  readonly loyalty: LoyaltyStore
  readonly checkout: CheckoutStore
  readonly close: () => Promise<void>
}

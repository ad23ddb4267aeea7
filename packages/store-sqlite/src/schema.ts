import { checkoutMigrations, loyaltyMigrations, SQLITE_TYPES } from '@tessera/store-sql'
import type { SqliteMigration } from './database.js'

/**
 * The schema of the SQLite loyalty store, as versioned migrations: the tables every SQL store
 * shares (`@tessera/store-sql`), in SQLite's types.
 * @category store-sqlite
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = loyaltyMigrations(SQLITE_TYPES)

/**
 * The checkout tables of the SQLite store (versions from 1001, beside the loyalty store's).
 * @category store-sqlite
 */
export const SQLITE_CHECKOUT_MIGRATIONS: readonly SqliteMigration[] = checkoutMigrations(SQLITE_TYPES)

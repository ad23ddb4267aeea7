import { checkoutMigrations, loyaltyMigrations, POSTGRES_TYPES } from '@tessera/store-sql'
import type { Migration } from './migrate.js'

/**
 * The schema of the Postgres loyalty store, as versioned migrations: the tables every SQL store
 * shares (`@tessera/store-sql`), in PostgreSQL's types. No advisory locks, no extensions: the SQL
 * fits Postgres-compatible distributed engines.
 * @category store-postgres
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = loyaltyMigrations(POSTGRES_TYPES)

/**
 * The checkout tables of the Postgres store (versions from 1001). A close or return row whose
 * `request` is NULL is a claim: the id was taken by a transaction in flight; readers skip it.
 * @category store-postgres
 */
export const POSTGRES_CHECKOUT_MIGRATIONS: readonly Migration[] = checkoutMigrations(POSTGRES_TYPES)

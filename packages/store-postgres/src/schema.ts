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
 * `request` is NULL is a claim: the id was taken by a transaction in flight; readers skip it. A
 * campaign's usage is its row plus its slots: a close books a campaign it did not lock (one without
 * limits) into the slot of its connection, so concurrent closes do not queue on one row.
 * @category store-postgres
 */
export const POSTGRES_CHECKOUT_MIGRATIONS: readonly Migration[] = [
  ...checkoutMigrations(POSTGRES_TYPES),
  {
    version: 1901,
    name: 'checkout (postgres): counters of campaigns without limits split into slots, summed when read',
    sql: `CREATE TABLE checkout_campaign_slots (
  campaign_id text NOT NULL, slot integer NOT NULL,
  redemptions bigint NOT NULL, discount_spent bigint NOT NULL, points_spent bigint NOT NULL,
  PRIMARY KEY (campaign_id, slot));`,
  },
]

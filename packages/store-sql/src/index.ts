/**
 * `@tessera/store-sql`: what Tessera's SQL stores share, so that `@tessera/store-sqlite` and
 * `@tessera/store-postgres` keep only their dialect's SQL text and their transaction runner: the
 * schema shape ({@link loyaltyMigrations}, {@link checkoutMigrations}), the row readers and
 * writers, and the loyalty transaction of the core's planners over any {@link SqlClient}.
 * @packageDocumentation
 */
export * from './checkout.js'
export * from './client.js'
export * from './loyalty.js'
export * from './prefetch.js'
export * from './rows.js'
export * from './schema.js'
export * from './staged.js'

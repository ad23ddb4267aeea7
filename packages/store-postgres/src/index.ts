/**
 * `@tessera/store-postgres`: Tessera's central loyalty store on PostgreSQL (pg), for a chain's back
 * office. Row-locked (or serializable) transactions with retry on 40001/40P01, no advisory locks,
 * versioned migrations: the SQL fits Postgres-compatible distributed engines.
 * @packageDocumentation
 */
export * from './checkout/index.js'
export * from './migrate.js'
export * from './schema.js'
export * from './store.js'
export * from './testing.js'
export * from './transaction.js'

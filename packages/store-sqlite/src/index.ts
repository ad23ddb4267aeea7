/**
 * `@tessera/store-sqlite`: Tessera's embedded loyalty store on SQLite (better-sqlite3, WAL,
 * `synchronous=FULL`): the default for a till or a single shop.
 * @packageDocumentation
 */
export * from './checkout/index.js'
export * from './database.js'
export * from './schema.js'
export * from './store.js'

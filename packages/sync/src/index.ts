/**
 * `@tessera/sync`: tills that keep selling offline. Each till books on its own SQLite file and
 * writes, in the same transaction, an outbox of immutable entries; a publisher drains it to NATS
 * JetStream (`Nats-Msg-Id` = entry id); the head office applies each entry once to PostgreSQL.
 * @packageDocumentation
 */
export * from './entry/entry.js'
export * from './till/outbox.js'
export * from './till/till.js'

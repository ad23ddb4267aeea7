/**
 * `@tessera/sync`: tills that keep selling offline. Each till books on its own SQLite file and
 * writes, in the same transaction, an outbox of immutable entries; a publisher drains it to NATS
 * JetStream (`Nats-Msg-Id` = entry id); the head office applies each entry once to PostgreSQL.
 * @packageDocumentation
 */
export * from './entry/entry.js'
export * from './headoffice/apply.js'
export * from './headoffice/consumer.js'
export * from './headoffice/report.js'
export * from './headoffice/schema.js'
export * from './headoffice/status.js'
export * from './nats/server.js'
export * from './nats/stream.js'
export * from './online/facts.js'
export * from './publisher/publisher.js'
export * from './sim/link.js'
export * from './sim/simulate.js'
export * from './till/outbox.js'
export * from './till/till.js'

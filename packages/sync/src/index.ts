/**
 * `@tessera/sync`: tills that keep selling offline, joined to the head office over NATS JetStream.
 * Each till books on its own SQLite file and writes, in the same transaction, an outbox of
 * immutable entries; a publisher drains it to JetStream (`Nats-Msg-Id` = entry id); the head office
 * applies each entry once to PostgreSQL. The signed campaign bundle goes the other way (head office
 * → tills), and the domain events out (head office → CRM).
 * @packageDocumentation
 */
export * from './bundle/index.js'
export * from './entry/entry.js'
export * from './events/index.js'
export * from './headoffice/apply.js'
export * from './headoffice/consumer.js'
export * from './headoffice/events.js'
export * from './headoffice/report.js'
export * from './headoffice/schema.js'
export * from './headoffice/status.js'
export * from './nats/linkState.js'
export * from './nats/server.js'
export * from './nats/stream.js'
export * from './online/facts.js'
export * from './publisher/publisher.js'
export * from './sim/link.js'
export * from './sim/simulate.js'
export * from './till/outbox.js'
export * from './till/till.js'

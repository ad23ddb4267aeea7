/**
 * `@tessera/sync`: tills that keep selling offline, joined to the head office over NATS JetStream.
 * The signed campaign bundle (head office → tills) and the domain events out (head office → CRM).
 * @packageDocumentation
 */
export * from './bundle/index.js'
export * from './events/index.js'

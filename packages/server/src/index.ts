/**
 * `@tessera/server`: Tessera's HTTP loyalty host, on Fastify 5. `createServer` returns the Fastify
 * instance (mount it, `listen`, or `inject` in tests); `openServerStores` opens SQLite (one shop) or
 * PostgreSQL (a chain); `createApiKey` makes a till's key.
 * @packageDocumentation
 */
export * from './keys.js'
export * from './limiter.js'
export * from './openapi.js'
export * from './problems.js'
export * from './server.js'
export * from './serverStore.js'
export * from './start.js'
export * from './stores.js'
export * from './wire.js'

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { CheckoutStore, LoyaltyStore } from '@tessera/core'
import { openPostgresStores } from '@tessera/store-postgres'
import { openDatabase, openSqliteStores } from '@tessera/store-sqlite'
import pg from 'pg'
import {
  bookingContext,
  keyInTransaction,
  keyWithCommit,
  postgresServerStore,
  type ServerStore,
  sqliteServerStore,
} from './serverStore.js'

/**
 * The stores a server runs on, all in one database: the loyalty ledger, the checkout, and the
 * server's own tables (API keys, idempotency keys). `close()` closes them all.
 * @category server
 */
export interface ServerStores {
  readonly kind: 'sqlite' | 'postgres'
  readonly loyalty: LoyaltyStore
  readonly checkout: CheckoutStore
  readonly server: ServerStore
  readonly close: () => Promise<void>
}

/** Where the stores are: a PostgreSQL URL (a chain) or a SQLite file (one shop). @category server */
export type StoreLocation =
  | { readonly databaseUrl: string; readonly maxConnections?: number }
  | { readonly file: string }

/**
 * The checkout store whose transactions hand their result to the booking request in progress: the
 * answer of a close or a return is encoded inside its transaction, so that the hook stores it there.
 */
const answeringCheckout = (checkout: CheckoutStore): CheckoutStore => ({
  ...checkout,
  transact: async (fn) => {
    const result = await checkout.transact(async (tx) => {
      const r = await fn(tx)
      const ctx = bookingContext.getStore()
      if (ctx !== undefined) {
        ctx.tentative = undefined
        ctx.pending = ctx.answerOf !== undefined && r._tag === 'Right' ? ctx.answerOf(r.right) : undefined
      }
      return r
    })
    const ctx = bookingContext.getStore()
    // Committed: the answer its hook wrote is this request's.
    if (ctx !== undefined && result._tag === 'Right' && ctx.tentative !== undefined) ctx.answered = ctx.tentative
    if (ctx !== undefined) ctx.pending = undefined
    return result
  },
})

/** One backend's stores with the server's own tables beside them, closed together. */
const serverStoresOf = (
  kind: ServerStores['kind'],
  stores: { readonly loyalty: LoyaltyStore; readonly checkout: CheckoutStore; readonly close: () => Promise<void> },
  server: ServerStore,
): ServerStores => ({
  kind,
  loyalty: stores.loyalty,
  checkout: answeringCheckout(stores.checkout),
  server,
  close: async () => {
    await server.close()
    await stores.close()
  },
})

/**
 * Opens the stores of a location, applying migrations. The one place where the server knows which
 * backend it runs on.
 * @category server
 */
export const openServerStores = async (location: StoreLocation): Promise<ServerStores> => {
  if ('databaseUrl' in location) {
    const max = location.maxConnections ?? 20
    const stores = await openPostgresStores({
      connectionString: location.databaseUrl,
      maxConnections: max,
      // The idempotency key of a booking request, in each of its write transactions.
      hooks: {
        active: () => bookingContext.getStore() !== undefined,
        withCommit: (client) => keyWithCommit((v) => client.escapeLiteral(v)),
      },
    })
    // The server's own tables: API keys, and the idempotency keys' table the hook writes.
    const pool = new pg.Pool({ connectionString: location.databaseUrl, max: Math.max(2, Math.ceil(max / 2)) })
    pool.on('error', () => undefined)
    const server = await postgresServerStore(pool)
    return serverStoresOf('postgres', stores, server)
  }
  if (location.file !== ':memory:') mkdirSync(dirname(location.file), { recursive: true })
  const stores = openSqliteStores({
    file: location.file,
    // The idempotency key of a booking request, in each of its write transactions.
    hooks: { begin: (client) => ({ beforeCommit: () => keyInTransaction((s, params) => client.all(s, params)) }) },
  })
  const server = sqliteServerStore(openDatabase({ file: location.file }))
  return serverStoresOf('sqlite', stores, server)
}

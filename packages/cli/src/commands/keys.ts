import { systemClock } from '@tessera/core'
import { createApiKey, openServerStores, rotateApiKey, type ServerStores } from '@tessera/server'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT } from '../io.js'
import { type StoreOptions, withStoreOptions } from './store.js'

/** Opens the server's stores on the store the options name (the server's own key table is there). */
const usingServerStores = async <A>(options: StoreOptions, work: (stores: ServerStores) => Promise<A>) => {
  let stores: ServerStores
  try {
    stores = await openServerStores(
      options.databaseUrl !== undefined
        ? { databaseUrl: options.databaseUrl, maxConnections: 2 }
        : { file: options.db },
    )
  } catch (e) {
    throw new CommandFailure(`cannot open the store: ${(e as Error).message}`)
  }
  try {
    return await work(stores)
  } finally {
    await stores.close()
  }
}

/**
 * `tessera keys create --shop S --till T`: prints a new API key of a till for `@tessera/server`, once
 * (only its SHA-256 is stored); `keys rotate KEY_ID` (a new key, the old one revoked), `keys revoke
 * KEY_ID`, `keys list`. Uses the system clock for the times.
 */
export const registerKeys = (program: Command, io: CliIo, now: () => number = systemClock.now) => {
  const keys = program.command('keys').description("the tills' API keys of the HTTP server")
  withStoreOptions(
    keys
      .command('create')
      .description('print a new key for a till, once')
      .requiredOption('--shop <id>', 'the shop (the storeId of its baskets)')
      .requiredOption('--till <id>', 'the till (its terminalId)'),
  ).action(async (options: StoreOptions & { shop: string; till: string }) => {
    if (options.shop.trim() === '' || options.till.trim() === '')
      throw new CommandFailure('--shop and --till must not be empty')
    const made = await usingServerStores(options, (s) =>
      createApiKey(s.server, { shop: options.shop, till: options.till, atMs: now() }),
    )
    io.out(`${made.key}\n`)
  })
  withStoreOptions(
    keys.command('rotate <keyId>').description('print a new key for the same till; the old one is revoked'),
  ).action(async (keyId: string, options: StoreOptions) => {
    const made = await usingServerStores(options, (s) => rotateApiKey(s.server, keyId, now()))
    if (made === undefined) throw new CommandFailure(`no key ${keyId}`, EXIT.negative)
    io.out(`${made.key}\n`)
  })
  withStoreOptions(
    keys.command('revoke <keyId>').description('revoke a key (its id: the part between tk_ and the dot)'),
  ).action(async (keyId: string, options: StoreOptions) => {
    const done = await usingServerStores(options, (s) => s.server.revokeKey(keyId, now()))
    if (!done) throw new CommandFailure(`no key ${keyId}`, EXIT.negative)
    io.out(`revoked ${keyId}\n`)
  })
  withStoreOptions(keys.command('list').description('the keys: id, shop, till, status')).action(
    async (options: StoreOptions) => {
      const rows = await usingServerStores(options, (s) => s.server.listKeys())
      for (const r of rows)
        io.out(`${r.keyId}\t${r.shop}\t${r.till}\t${r.revokedAtMs === undefined ? 'active' : 'revoked'}\n`)
    },
  )
}

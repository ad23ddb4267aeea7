import { type CheckoutStore, isIsoDateTime, type LedgerError, type LoyaltyStore } from '@tessera/core'
import { openPostgresStore, openPostgresStores } from '@tessera/store-postgres'
import { openSqliteStore, openSqliteStores } from '@tessera/store-sqlite'
import type { Command } from 'commander'
import type { Either } from 'fp-ts/lib/Either.js'
import { CommandFailure, EXIT } from '../io.js'

/** The options every ledger command takes to find its store. */
export interface StoreOptions {
  readonly db: string
  readonly databaseUrl?: string
}

/** Adds `--db FILE` (SQLite, default `./tessera.db`) and `--database-url URL` (Postgres) to a command. */
export const withStoreOptions = (command: Command): Command =>
  command
    .option('--db <file>', 'the SQLite database file', './tessera.db')
    .option('--database-url <url>', 'use this PostgreSQL database instead of SQLite (postgres://…)')

/** Opens the store the options name, runs `work` on it and closes it, whatever happens. */
export const usingStore = async <A>(options: StoreOptions, work: (store: LoyaltyStore) => Promise<A>): Promise<A> => {
  let store: LoyaltyStore
  try {
    store =
      options.databaseUrl !== undefined
        ? await openPostgresStore({ connectionString: options.databaseUrl, maxConnections: 2 })
        : openSqliteStore({ file: options.db })
  } catch (e) {
    const where = options.databaseUrl !== undefined ? `--database-url ${options.databaseUrl}` : `--db ${options.db}`
    throw new CommandFailure(`cannot open the store (${where}): ${(e as Error).message}`)
  }
  try {
    return await work(store)
  } finally {
    await store.close()
  }
}

/** Opens the loyalty and checkout stores the options name (one file or one pool), runs `work`, closes them. */
export const usingStores = async <A>(
  options: StoreOptions,
  work: (stores: { loyalty: LoyaltyStore; checkout: CheckoutStore }) => Promise<A>,
): Promise<A> => {
  let stores: { loyalty: LoyaltyStore; checkout: CheckoutStore; close: () => Promise<void> }
  try {
    stores =
      options.databaseUrl !== undefined
        ? await openPostgresStores({ connectionString: options.databaseUrl, maxConnections: 2 })
        : openSqliteStores({ file: options.db })
  } catch (e) {
    const where = options.databaseUrl !== undefined ? `--database-url ${options.databaseUrl}` : `--db ${options.db}`
    throw new CommandFailure(`cannot open the store (${where}): ${(e as Error).message}`)
  }
  try {
    return await work(stores)
  } finally {
    await stores.close()
  }
}

/** Unwraps a store result, or fails the command with the ledger error's message (exit 2 by default). */
export const orLedgerFail = <A>(e: Either<LedgerError, A>, exitCode: number = EXIT.badInput): A => {
  if (e._tag === 'Left') throw new CommandFailure(e.left.message, exitCode)
  return e.right
}

/** Parses an option that must be an ISO-8601 date-time with an offset, to epoch milliseconds. */
export const instantOption = (name: string, value: string): number => {
  if (!isIsoDateTime(value)) {
    throw new CommandFailure(
      `${name} must be an ISO-8601 date-time with an offset (e.g. 2026-11-26T10:00:00+01:00), got "${value}"`,
    )
  }
  return Date.parse(value)
}

import type { AddressInfo } from 'node:net'
import type { Campaign, Clock, Keyring, Program } from '@tessera/core'
import type { FastifyInstance } from 'fastify'
import { createServer, type ServerConfig } from './server.js'
import { openServerStores, type ServerStores, type StoreLocation } from './stores.js'

/** What {@link startServer} runs. @category server */
export interface StartOptions {
  readonly location: StoreLocation
  readonly port?: number
  readonly host?: string
  readonly campaigns: readonly Campaign[]
  readonly program?: Program
  readonly keys: { readonly keyring: Keyring; readonly keyId: string }
  readonly clock: Clock
  readonly storeTimeZone?: string
  readonly logger?: boolean | Record<string, unknown>
  /** The code guard's limits (see `ServerConfig.codeAttempts`). */
  readonly codeAttempts?: ServerConfig['codeAttempts']
  /** Fastify's `trustProxy` (see `ServerConfig.trustProxy`). */
  readonly trustProxy?: ServerConfig['trustProxy']
  /** Mounts `POST /v1/commercetools/extension` (see `ServerConfig.commercetools`). */
  readonly commercetools?: ServerConfig['commercetools']
  /** Runs on the open stores before the server listens (seeding, a key for the demo till). */
  readonly prepare?: (stores: ServerStores) => Promise<void>
  /** Runs on the server before it listens (a shop's own routes or hooks). */
  readonly configure?: (app: FastifyInstance) => void
}

/** A listening server. `stop()` is the graceful shutdown. @category server */
export interface Started {
  readonly app: FastifyInstance
  readonly stores: ServerStores
  readonly url: string
  /** Stops accepting, lets the requests in flight (closes included) finish, then closes the stores. */
  readonly stop: () => Promise<void>
}

/** Opens the stores, creates the server and listens (default 127.0.0.1, a free port). @category server */
export const startServer = async (options: StartOptions): Promise<Started> => {
  const stores = await openServerStores(options.location)
  try {
    await options.prepare?.(stores)
    const app = createServer({
      store: stores,
      campaigns: options.campaigns,
      ...(options.program !== undefined ? { program: options.program } : {}),
      keys: options.keys,
      clock: options.clock,
      ...(options.storeTimeZone !== undefined ? { storeTimeZone: options.storeTimeZone } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.commercetools !== undefined ? { commercetools: options.commercetools } : {}),
      ...(options.codeAttempts !== undefined ? { codeAttempts: options.codeAttempts } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    })
    options.configure?.(app)
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
    const address = app.server.address() as AddressInfo
    let stopping: Promise<void> | undefined
    return {
      app,
      stores,
      url: `http://${address.address}:${address.port}`,
      stop: () => {
        stopping ??= (async () => {
          await app.close()
          await stores.close()
        })()
        return stopping
      },
    }
  } catch (e) {
    await stores.close()
    throw e
  }
}

/** Stops the server gracefully on SIGTERM and SIGINT, then exits. @category server */
export const stopOnSignals = (started: Started, log: (line: string) => void = () => undefined) => {
  const stop = (signal: string) => {
    log(`Tessera stopping (${signal}): finishing requests in flight`)
    started.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
}

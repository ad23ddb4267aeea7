import { readFileSync } from 'node:fs'
import { type Campaign, decodeCampaigns, decodeKeyring, decodeProgram, type Program, systemClock } from '@tessera/core'
import { Command, InvalidArgumentError } from 'commander'
import { createApiKey, rotateApiKey } from './keys.js'
import { startServer, stopOnSignals } from './start.js'
import { openServerStores, type StoreLocation } from './stores.js'

/*
 * `tessera-server`: a thin bin over the library. `serve` runs the server on SQLite (`--sqlite`) or
 * PostgreSQL (`DATABASE_URL`); `keys create|rotate|revoke|list` manage the tills' API keys.
 */

const port = (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)')
  return n
}

const readJson = (file: string, what: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new Error(`${what} ${file}: ${(e as Error).message}`)
  }
}

/** The store a command runs on: `DATABASE_URL` when set, else the SQLite file. */
export const locationOf = (sqlite: string, env: NodeJS.ProcessEnv = process.env): StoreLocation =>
  env.DATABASE_URL !== undefined && env.DATABASE_URL !== '' ? { databaseUrl: env.DATABASE_URL } : { file: sqlite }

const DEFAULT_FILE = '.tessera/serve/shop.sqlite'

/** Runs the bin; resolves to the exit code. */
export const run = async (argv: readonly string[], out: (line: string) => void = console.log): Promise<number> => {
  const program = new Command('tessera-server').description("Tessera's HTTP loyalty host").exitOverride()
  let code = 0
  program
    .command('serve')
    .description('serve the v1 API (DATABASE_URL selects PostgreSQL, else the SQLite file)')
    .option('--port <n>', 'port', port, 8080)
    .option('--host <h>', 'interface', '127.0.0.1')
    .option('--sqlite <file>', 'SQLite file', DEFAULT_FILE)
    .requiredOption('--campaigns <file>', 'campaigns (a JSON array)')
    .option('--program <file>', 'program (JSON)')
    .requiredOption('--keyring <file>', 'coupon signing keys { "keys": { id: secret } }; the first id signs')
    .option(
      '--commercetools <strategy>',
      'mount POST /v1/commercetools/extension, writing directDiscounts or externalPrice',
    )
    .action(
      async (o: {
        port: number
        host: string
        sqlite: string
        campaigns: string
        program?: string
        keyring: string
        commercetools?: string
      }) => {
        if (
          o.commercetools !== undefined &&
          o.commercetools !== 'directDiscounts' &&
          o.commercetools !== 'externalPrice'
        )
          throw new Error(`--commercetools: must be directDiscounts or externalPrice, got ${o.commercetools}`)
        const campaigns = decodeCampaigns(readJson(o.campaigns, 'campaigns'))
        if (campaigns._tag === 'Left') throw new Error(campaigns.left.message)
        let prog: Program | undefined
        if (o.program !== undefined) {
          const p = decodeProgram(readJson(o.program, 'program'))
          if (p._tag === 'Left') throw new Error(p.left.message)
          prog = p.right
        }
        const keyring = decodeKeyring(readJson(o.keyring, 'keyring'))
        if (keyring._tag === 'Left') throw new Error(keyring.left.message)
        const keyId = Object.keys(keyring.right)[0] as string
        const started = await startServer({
          location: locationOf(o.sqlite),
          port: o.port,
          host: o.host,
          campaigns: campaigns.right as Campaign[],
          ...(prog !== undefined ? { program: prog } : {}),
          keys: { keyring: keyring.right, keyId },
          clock: systemClock,
          logger: { level: process.env.LOG_LEVEL ?? 'info' },
          ...(o.commercetools !== undefined
            ? { commercetools: { strategy: o.commercetools as 'directDiscounts' | 'externalPrice' } }
            : {}),
        })
        out(`Tessera listening on ${started.url}`)
        stopOnSignals(started, out)
        await new Promise<void>(() => undefined) // until a signal
      },
    )
  const keys = program.command('keys').description("manage the tills' API keys")
  const withStores = async <A>(sqlite: string, f: (s: Awaited<ReturnType<typeof openServerStores>>) => Promise<A>) => {
    const stores = await openServerStores(locationOf(sqlite))
    try {
      return await f(stores)
    } finally {
      await stores.close()
    }
  }
  keys
    .command('create')
    .description('print a new key for a till, once (only its hash is stored)')
    .requiredOption('--shop <id>', 'shop (store id of its baskets)')
    .requiredOption('--till <id>', 'till (terminal id)')
    .option('--sqlite <file>', 'SQLite file', DEFAULT_FILE)
    .action(async (o: { shop: string; till: string; sqlite: string }) => {
      const made = await withStores(o.sqlite, (s) =>
        createApiKey(s.server, { shop: o.shop, till: o.till, atMs: Date.now() }),
      )
      out(made.key)
    })
  keys
    .command('rotate <keyId>')
    .description('print a new key for the same till and revoke the old one')
    .option('--sqlite <file>', 'SQLite file', DEFAULT_FILE)
    .action(async (keyId: string, o: { sqlite: string }) => {
      const made = await withStores(o.sqlite, (s) => rotateApiKey(s.server, keyId, Date.now()))
      if (made === undefined) {
        out(`no key ${keyId}`)
        code = 1
      } else out(made.key)
    })
  keys
    .command('revoke <keyId>')
    .description('revoke a key (the part after tk_ and before the dot)')
    .option('--sqlite <file>', 'SQLite file', DEFAULT_FILE)
    .action(async (keyId: string, o: { sqlite: string }) => {
      const done = await withStores(o.sqlite, (s) => s.server.revokeKey(keyId, Date.now()))
      out(done ? `revoked ${keyId}` : `no key ${keyId}`)
      if (!done) code = 1
    })
  keys
    .command('list')
    .description('the keys: id, shop, till, revoked')
    .option('--sqlite <file>', 'SQLite file', DEFAULT_FILE)
    .action(async (o: { sqlite: string }) => {
      const rows = await withStores(o.sqlite, (s) => s.server.listKeys())
      for (const r of rows)
        out(`${r.keyId}\t${r.shop}\t${r.till}\t${r.revokedAtMs === undefined ? 'active' : 'revoked'}`)
    })
  try {
    await program.parseAsync([...argv])
  } catch (e) {
    const c = (e as { exitCode?: number }).exitCode
    if (typeof c === 'number') return c
    throw e
  }
  return code
}

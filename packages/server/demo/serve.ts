import { join } from 'node:path'
import { systemClock } from '@tessera/core'
import { Command, InvalidArgumentError } from 'commander'
import { DEMO_KEY_ID, localIso, openDemoShop, seedDemoStores } from '../../../examples/till-simulator/src/shop/shop.js'
import { createApiKey } from '../src/keys.js'
import { startServer, stopOnSignals } from '../src/start.js'

/*
 * `pnpm serve`: the server on the till simulator's demo shop (its campaigns, program, cards and
 * members), on embedded SQLite in `.tessera/serve/`, or on PostgreSQL when DATABASE_URL is set;
 * either store is seeded with the same demo members when it is new. Prints three
 * lines for scripts: the URL, the demo shop's store id, and a new key for its till 01 (the older
 * keys of that till are revoked: only a hash is stored, so a key is printed once).
 */

const cli = new Command('serve')
  .option(
    '--port <n>',
    'port (0: a free one)',
    (v) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number')
      return n
    },
    8080,
  )
  .option('--data <dir>', 'data folder', '.tessera/serve')
  .option('--members <n>', 'members to seed in a new store', (v) => Number(v), 1200)
  .parse(process.argv)
const options = cli.opts<{ port: number; data: string; members: number }>()

const databaseUrl = process.env.DATABASE_URL
const file = join(options.data, 'shop.sqlite')
const today = localIso(systemClock.now()).slice(0, 10) as never
// On SQLite the demo shop seeds the file itself; on PostgreSQL it lends only its documents.
const shop = await openDemoShop({
  file: databaseUrl ? ':memory:' : file,
  day: today,
  clock: systemClock,
  members: databaseUrl ? 1 : options.members,
})
if (shop._tag === 'Left') {
  process.stderr.write(`serve: ${shop.left.message}\n`)
  process.exit(1)
}
const { campaigns, program, keyring, storeId, timeZone } = shop.right
await shop.right.close()

let tillKey = ''
const started = await startServer({
  location: databaseUrl ? { databaseUrl } : { file },
  port: options.port,
  campaigns,
  program,
  keys: { keyring, keyId: DEMO_KEY_ID },
  clock: systemClock,
  storeTimeZone: timeZone,
  logger: { level: process.env.LOG_LEVEL ?? 'warn' },
  prepare: async (stores) => {
    if (databaseUrl) {
      const seeded = await seedDemoStores(stores, { day: today, members: options.members })
      if (seeded._tag === 'Left') throw new Error(`serve: ${seeded.left.message}`)
    }
    const now = systemClock.now()
    for (const k of await stores.server.listKeys())
      if (k.shop === storeId && k.till === '01' && k.revokedAtMs === undefined)
        await stores.server.revokeKey(k.keyId, now)
    tillKey = (await createApiKey(stores.server, { shop: storeId, till: '01', atMs: now })).key
  },
})
console.log(`Tessera listening on ${started.url}`)
console.log(`demo shop: ${storeId}`)
console.log(`demo till key: ${tillKey}`)
stopOnSignals(started, (line) => console.error(line))

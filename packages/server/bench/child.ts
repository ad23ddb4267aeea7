/**
 * The server side of `pnpm bench:server`, in its own process so that the load generator does not
 * share its event loop: `tessera-price` (the server on SQLite with the engine benchmark's 1,000
 * campaigns), `tessera-close` (the server on a PostgreSQL database), or `bare` (a bare Fastify route
 * that decodes the same JSON and answers a body of the same size). Prints `{"url": …}` when ready.
 */
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { type Campaign, decodeCampaigns, type Program, systemClock } from '@tessera/core'
import Fastify from 'fastify'
import { catalogue, rng, campaigns as workloadCampaigns } from '../../core/bench/workload.js'
import { startServer } from '../src/start.js'

export const SEED = 20_261_126
export const CLOSE_PROGRAM: Program = { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 0 }
export const XMAS: Campaign = {
  id: 'xmas',
  status: 'active',
  code: { required: true, pool: 'XMAS26' },
  reward: { amountOff: { of: 'basket', amount: 500 } },
}
export const KEYS = { keyring: { K1: new Uint8Array(32).fill(7) }, keyId: 'K1' }

/** The engine benchmark's 1,000 campaigns (the same seed and draw order as bench:engine). */
export const engineCampaigns = (): readonly Campaign[] => {
  const r = rng(SEED)
  catalogue(r)
  const decoded = decodeCampaigns(workloadCampaigns(r, 1_000))
  if (decoded._tag === 'Left') throw new Error(decoded.left.message)
  return decoded.right
}

const main = async () => {
  const [mode, arg] = process.argv.slice(2)
  let url: string
  if (mode === 'bare') {
    const sizes = JSON.parse(readFileSync(arg as string, 'utf8')) as Record<string, number>
    const bodies = new Map(Object.entries(sizes).map(([id, n]) => [id, `{"pad":"${'x'.repeat(Math.max(0, n - 10))}"}`]))
    const app = Fastify({ bodyLimit: 256 * 1024 })
    app.post('/v1/price', async (request, reply) => {
      const id = (request.body as { basket: { id: string } }).basket.id
      return reply.type('application/json').send(bodies.get(id) ?? '{}')
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  } else {
    const started = await startServer({
      location: mode === 'tessera-price' ? { file: arg as string } : { databaseUrl: arg as string, maxConnections: 20 },
      campaigns: mode === 'tessera-price' ? engineCampaigns() : [XMAS],
      program: CLOSE_PROGRAM,
      keys: KEYS,
      clock: systemClock,
    })
    url = started.url
    process.once('SIGTERM', () => void started.stop().then(() => process.exit(0)))
  }
  process.once('SIGTERM', () => process.exit(0))
  // The CPU this process has used (µs), on request: the bench divides it by the requests served.
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage()
    console.log(JSON.stringify({ cpuMicros: user + system }))
  })
  console.log(JSON.stringify({ url }))
}

if (process.argv[1]?.endsWith('child.ts')) await main()

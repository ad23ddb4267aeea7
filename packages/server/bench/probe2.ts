import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '@tessera/core'
import { baskets, catalogue, rng, campaigns as workloadCampaigns } from '../../core/bench/workload.js'
import { createApiKey, createServer, openServerStores } from '../src/index.js'
import { CLOSE_PROGRAM, engineCampaigns, KEYS, SEED } from './child.js'

const r = rng(SEED)
const products = catalogue(r)
workloadCampaigns(r, 1_000)
const pool = baskets(r, products, 200, 40).map((w) => {
  const { card: _c, ...a } = w.basket as Record<string, unknown>
  return JSON.stringify({ basket: a })
})
const dir = mkdtempSync(join(tmpdir(), 'probe-'))
const stores = await openServerStores({ file: join(dir, 'p.sqlite') })
const { key } = await createApiKey(stores.server, { shop: '0042', till: '01', atMs: 0 })
const app = createServer({
  store: stores,
  campaigns: engineCampaigns(),
  program: CLOSE_PROGRAM,
  keys: KEYS,
  clock: systemClock,
})
await app.ready()
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
for (let k = 0; k < 400; k++)
  await app.inject({ method: 'POST', url: '/v1/price', headers, payload: pool[k % 200] as string })
const { Session } = await import('node:inspector/promises')
const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.start')
const st = process.cpuUsage()
for (let k = 0; k < 1000; k++)
  await app.inject({ method: 'POST', url: '/v1/price', headers, payload: pool[k % 200] as string })
const u = process.cpuUsage(st)
console.log('per inject µs CPU', ((u.user + u.system) / 1000).toFixed(0))
const { profile } = await session.post('Profiler.stop')
const { writeFileSync } = await import('node:fs')
writeFileSync('/tmp/inject.cpuprofile', JSON.stringify(profile))
await app.close()
await stores.close()

/**
 * The server benchmark: `pnpm bench:server`. Load on loopback with autocannon, bounded in time, the
 * server in a child process; each figure beside its peer's from the same run, and the ratio.
 *
 * 1. `POST /v1/price`, 40-line baskets, the engine benchmark's 1,000 campaigns, the server on SQLite,
 *    against a bare Fastify route that decodes the same JSON and answers a body of the same size.
 *    Target: ≥ 0.5 of its throughput, p99 under 20 ms at 16 connections.
 * 2. `POST /v1/close` on PostgreSQL at 16 connections (each close its own code of one campaign, and
 *    points-only closes), against the same closes in process (`createCheckout` over the same store,
 *    16 concurrent tills: the workload of `bench:checkout`) on the same database. Target: ≥ 0.7.
 *
 *   DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_SECONDS (default 10),
 *   BENCH_CONNECTIONS (default 16), BENCH_ROUNDS (turns of the two sides of each figure, default 3), BENCH_ONLY (`price` or `close`: that part alone),
 *   BENCH_CPU_PROF (a folder: the server children run with `node --cpu-prof` into it)
 *
 * Prints a table, then ONE JSON line last.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import {
  type Basket,
  createCheckout,
  cryptoRandomSource,
  drawCodes,
  enginePricer,
  minor,
  parseCodePattern,
  type Sku,
  systemClock,
} from '@tessera/core'
import { createTestDatabase } from '@tessera/store-postgres'
import autocannon from 'autocannon'
import { baskets, catalogue, rng, campaigns as workloadCampaigns } from '../../core/bench/workload.js'
import { createApiKey } from '../src/keys.js'
import { openServerStores } from '../src/stores.js'
import { CLOSE_PROGRAM, KEYS, SEED, XMAS } from './child.js'

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const ONLY = process.env.BENCH_ONLY
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CPU_PROF = process.env.BENCH_CPU_PROF
const BASKETS = 200
const CARDS_PER_TILL = 50
const AT = '2026-11-26T10:15:00+01:00'
const progress = (m: string) => process.stderr.write(`bench:server: ${m}\n`)

const children: ChildProcess[] = []
/** Starts bench/child.ts in its own process; resolves to its URL. */
const child = async (...args: string[]) => {
  const p = spawn(
    process.execPath,
    [
      ...(CPU_PROF !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []),
      '--import',
      'tsx',
      '--conditions=@tessera/source',
      join(import.meta.dirname, 'child.ts'),
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  children.push(p)
  const lines = createInterface({ input: p.stdout as NodeJS.ReadableStream })
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    p.once('exit', (c) => reject(new Error(`bench child ${args[0]} exited ${c}`)))
  })
  /** The CPU time the child has used so far, in µs (SIGUSR2, answered on its stdout). */
  const cpu = () =>
    new Promise<number>((resolve) => {
      lines.once('line', (l) => resolve((JSON.parse(l) as { cpuMicros: number }).cpuMicros))
      p.kill('SIGUSR2')
    })
  return { url: (JSON.parse(line) as { url: string }).url, cpu, stop: () => p.kill('SIGTERM') }
}

/** A load on a child, with the child's CPU time per request served (µs): a figure the machine's load moves less. */
const measured = async (c: { readonly cpu: () => Promise<number> }, run: () => Promise<Load>) => {
  const before = await c.cpu()
  const r = await run()
  const used = (await c.cpu()) - before
  return { ...r, cpuMicrosPerRequest: Math.round(used / Math.max(1, r.requests)) }
}

interface Load {
  readonly perSecond: number
  readonly p99Ms: number
  readonly requests: number
  readonly non2xx: number
}
const load = async (
  url: string,
  path: string,
  headers: Record<string, string>,
  body: (i: number) => string,
  keyPrefix = 'k',
) => {
  let i = 0
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => {
          const n = i++
          return {
            ...req,
            headers: { ...headers, ...(req.headers ?? {}), 'idempotency-key': `${keyPrefix}-${n}` },
            body: body(n),
          }
        },
      },
    ],
    headers: { 'content-type': 'application/json', ...headers },
  })
  return {
    perSecond: Math.round(r.requests.average),
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx + r.errors + r.timeouts,
  } satisfies Load
}

type InProcess = Load & { readonly cpuMicrosPerRequest: number }

const results: Record<string, Record<string, unknown>> = {}
/** The median of the rounds' figures (each side's, and the rounds' ratios). */
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
const loadAtStart = loadavg()[0]?.toFixed(2)

try {
  // ── 1. price ──
  if (ONLY === undefined || ONLY === 'price') {
    const r = rng(SEED)
    const products = catalogue(r)
    workloadCampaigns(r, 1_000) // the same draws as bench:engine, so the same baskets follow
    const pool = baskets(r, products, BASKETS, 40).map((w) => {
      const { card: _card, ...anonymous } = w.basket as Record<string, unknown>
      return JSON.stringify({ basket: anonymous })
    })
    const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-server-'))
    try {
      const file = join(dir, 'price.sqlite')
      const stores = await openServerStores({ file })
      const { key } = await createApiKey(stores.server, { shop: '0042', till: '01', atMs: 0 })
      await stores.close()
      const auth = { authorization: `Bearer ${key}` }
      const tessera = await child('tessera-price', file)
      // The bare route answers as many bytes as Tessera does for each basket.
      const sizes: Record<string, number> = {}
      for (const body of pool) {
        const res = await fetch(`${tessera.url}/v1/price`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body,
        })
        const text = await res.text()
        if (res.status !== 200) throw new Error(`price answered ${res.status}: ${text.slice(0, 300)}`)
        sizes[(JSON.parse(body) as { basket: { id: string } }).basket.id] = Buffer.byteLength(text)
      }
      writeFileSync(join(dir, 'sizes.json'), JSON.stringify(sizes))
      const bare = await child('bare', join(dir, 'sizes.json'))
      progress(
        `price: ${ROUNDS} rounds of ${SECONDS} s on the bare route then ${SECONDS} s on Tessera, ${CONNECTIONS} connections`,
      )
      const rounds: [Load & { cpuMicrosPerRequest: number }, Load & { cpuMicrosPerRequest: number }][] = []
      for (let round = 0; round < ROUNDS; round++) {
        const peer = await measured(bare, () => load(bare.url, '/v1/price', {}, (i) => pool[i % pool.length] as string))
        const ours = await measured(tessera, () =>
          load(tessera.url, '/v1/price', auth, (i) => pool[i % pool.length] as string),
        )
        rounds.push([peer, ours])
      }
      tessera.stop()
      bare.stop()
      const mean = Object.values(sizes).reduce((s, n) => s + n, 0) / pool.length
      const ratios = rounds.map(([peer, ours]) => Math.round((ours.perSecond / peer.perSecond) * 100) / 100)
      results.price = {
        tesseraPerSecond: median(rounds.map((r) => r[1].perSecond)),
        tesseraP99Ms: median(rounds.map((r) => r[1].p99Ms)),
        barePerSecond: median(rounds.map((r) => r[0].perSecond)),
        bareP99Ms: median(rounds.map((r) => r[0].p99Ms)),
        ratio: median(ratios),
        roundRatios: ratios,
        tesseraCpuMicrosPerRequest: median(rounds.map((r) => r[1].cpuMicrosPerRequest)),
        bareCpuMicrosPerRequest: median(rounds.map((r) => r[0].cpuMicrosPerRequest)),
        meanResponseBytes: Math.round(mean),
        failed: rounds.reduce((n, [peer, ours]) => n + peer.non2xx + ours.non2xx, 0),
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  // ── 2. close on PostgreSQL ──
  if (ONLY === undefined || ONLY === 'close') {
    const db = await createTestDatabase(SERVER)
    try {
      const stores = await openServerStores({ databaseUrl: db.url, maxConnections: CONNECTIONS + 4 })
      const { key } = await createApiKey(stores.server, { shop: '0042', till: '01', atMs: 0 })
      const at = Date.parse(AT) - 86_400_000
      for (let t = 0; t < CONNECTIONS; t++)
        for (let c = 0; c < CARDS_PER_TILL; c++) {
          await stores.loyalty.openAccount({ accountId: `till${t}-m${c}`, programId: 'club', at })
          await stores.loyalty.issueCard({ number: `card-${t}-${c}`, accountId: `till${t}-m${c}`, at })
        }
      const pattern = parseCodePattern('XMAS-####-####')
      if (pattern._tag === 'Left') throw new Error(pattern.left.message)
      await stores.checkout.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
      const codes = drawCodes(pattern.right, cryptoRandomSource, 200_000)
      for (let i = 0; i < codes.length; i += 50_000)
        await stores.checkout.addCodes('XMAS26', codes.slice(i, i + 50_000))
      let nextCode = 0
      const basketOf = (id: string, n: number, withCode: boolean): Basket => ({
        id,
        storeId: '0042',
        terminalId: String(n % CONNECTIONS),
        channel: 'store',
        currency: 'EUR' as Basket['currency'],
        pricesIncludeTax: true,
        at: AT as Basket['at'],
        card: `card-${n % CONNECTIONS}-${Math.floor(n / CONNECTIONS) % CARDS_PER_TILL}`,
        ...(withCode ? { codes: [codes[nextCode++] as string] } : {}),
        lines: [
          { id: '1', sku: 'A' as Sku, quantity: 2, unitPrice: minor(1000), amount: minor(2000), categories: ['x'] },
        ],
      })

      /** The same closes in process: `createCheckout` over the same store, CONNECTIONS concurrent tills. */
      const inProcess = async (prefix: string, withCode: boolean) => {
        const campaigns = withCode ? [XMAS] : []
        const checkout = createCheckout({
          store: stores.checkout,
          price: enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' }, CLOSE_PROGRAM),
          campaigns,
          program: CLOSE_PROGRAM,
          ...KEYS,
          clock: systemClock,
          storeTimeZone: 'Europe/Paris',
        })
        let n = 0
        let closes = 0
        const latencies: number[] = []
        const cpu0 = process.cpuUsage()
        const until = performance.now() + SECONDS * 1000
        const t0 = performance.now()
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async () => {
            while (performance.now() < until) {
              const i = n++
              const s = performance.now()
              const r = await checkout.close({ basket: basketOf(`${prefix}-${i}`, i, withCode), tenders: [] })
              latencies.push(performance.now() - s)
              if (r._tag === 'Left') throw new Error(r.left.message)
              closes++
            }
          }),
        )
        latencies.sort((a, b) => a - b)
        return {
          perSecond: Math.round(closes / ((performance.now() - t0) / 1000)),
          p99Ms: Math.round((latencies[Math.floor(latencies.length * 0.99)] ?? 0) * 10) / 10,
          requests: closes,
          non2xx: 0,
          // This process's CPU per close (the checkout and its pg client; nothing else runs meanwhile).
          cpuMicrosPerRequest: (() => {
            const u = process.cpuUsage(cpu0)
            return Math.round((u.user + u.system) / Math.max(1, closes))
          })(),
        } satisfies InProcess
      }
      const overHttp = async (url: string, prefix: string, withCode: boolean) =>
        load(
          url,
          '/v1/close',
          { authorization: `Bearer ${key}` },
          (i) => {
            const basket = basketOf(`${prefix}-${i}`, i, withCode)
            return JSON.stringify({ transactionId: basket.id, basket, tenders: [] })
          },
          prefix,
        )

      // The two sides take turns, ROUNDS times, so that a change of the machine's load (shared CPUs)
      // falls on both: each figure is the median of its rounds, each ratio that of the rounds' ratios.
      progress(
        `close: ${ROUNDS} rounds of ${SECONDS} s per run, in process and over HTTP in turn, with a code then points only`,
      )
      const server = await child('tessera-close', db.url)
      const rounds: {
        code: [InProcess, Load & { cpuMicrosPerRequest: number }]
        plain: [InProcess, Load & { cpuMicrosPerRequest: number }]
      }[] = []
      for (let round = 0; round < ROUNDS; round++) {
        const inCode = await inProcess(`in-code-${round}`, true)
        const httpCode = await measured(server, () => overHttp(server.url, `http-code-${round}`, true))
        const inPlain = await inProcess(`in-plain-${round}`, false)
        const httpPlain = await measured(server, () => overHttp(server.url, `http-plain-${round}`, false))
        rounds.push({ code: [inCode, httpCode], plain: [inPlain, httpPlain] })
      }
      server.stop()
      await stores.close()
      const summary = (which: 'code' | 'plain') => {
        const ins = rounds.map((r) => r[which][0])
        const https = rounds.map((r) => r[which][1])
        const ratios = rounds.map((r) => Math.round((r[which][1].perSecond / r[which][0].perSecond) * 100) / 100)
        return {
          httpPerSecond: median(https.map((x) => x.perSecond)),
          httpP99Ms: median(https.map((x) => x.p99Ms)),
          inProcessPerSecond: median(ins.map((x) => x.perSecond)),
          inProcessP99Ms: median(ins.map((x) => x.p99Ms)),
          httpServerCpuMicrosPerClose: median(https.map((x) => x.cpuMicrosPerRequest)),
          inProcessCpuMicrosPerClose: median(ins.map((x) => x.cpuMicrosPerRequest)),
          ratio: median(ratios),
          roundRatios: ratios,
          failed: https.reduce((n, x) => n + x.non2xx, 0),
        }
      }
      results.close = summary('code')
      results.closePointsOnly = summary('plain')
    } finally {
      await new Promise((r) => setTimeout(r, 500))
      await db.drop()
    }
  }
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
}

console.table(results)
console.log(
  JSON.stringify({
    bench: 'server',
    seconds: SECONDS,
    connections: CONNECTIONS,
    cpus: cpus().length,
    load: loadAtStart,
    ...results,
  }),
)

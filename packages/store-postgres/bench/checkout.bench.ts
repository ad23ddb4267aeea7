/**
 * The checkout store benchmark: a pool of 1,000,000 generated codes (`XMAS-####-####`) streamed in
 * batches of 50,000 into SQLite and Postgres (the time counted is the time spent in `addCodes`),
 * then full closes per second: one till on SQLite, 16 concurrent tills on Postgres (each with its
 * own cards). Closes with a code all book the usage row of its one campaign (the hot row that keeps
 * a budget exact); points-only closes share no row. On Postgres, the closes that redeem a code
 * alternate in 2-second slices with pgbench tpcb-like at as many clients on the same server (scale
 * = clients, one branch each, as each till has its own cards), so that the machine's load weighs
 * on both alike; `pgbenchTps` and `ratio` (closes/s over pgbench tps) come from that same run.
 * `closeClientCpuMs` is the CPU this process (the checkout and the driver) spends per close, apart
 * from the server's: on a machine the tills share with PostgreSQL, it is what the server cannot have.
 *
 *   pnpm bench:checkout          (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 *                                 BENCH_CODES, default 1000000; BENCH_BATCH, default 50000;
 *                                 BENCH_SECONDS, default 10; BENCH_TILLS, default 16; needs pgbench,
 *                                 on PATH or in /usr/lib/postgresql/15/bin; BENCH_ONLY=postgres
 *                                 skips the SQLite part, for profiling)
 *
 * Prints a table, then ONE JSON line last.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type Basket,
  type Campaign,
  type CheckoutStore,
  createCheckout,
  cryptoRandomSource,
  drawCodes,
  enginePricer,
  type LoyaltyStore,
  minor,
  type Program,
  parseCodePattern,
  type Sku,
  systemClock,
} from '@tessera/core'
import { openSqliteStores } from '@tessera/store-sqlite'
import pg from 'pg'
import { openPostgresStores } from '../src/checkout/store.js'
import { createTestDatabase } from '../src/testing.js'
import { initPgbench, runPgbench } from './pgbench.js'

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const CODES = Number(process.env.BENCH_CODES ?? 1_000_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const BATCH = Number(process.env.BENCH_BATCH ?? 50_000)
const TILLS = Number(process.env.BENCH_TILLS ?? 16)
const CARDS_PER_TILL = 50
const AT = '2026-11-26T10:15:00+01:00'

const program: Program = { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 0 }
const xmas: Campaign = {
  id: 'xmas',
  status: 'active',
  code: { required: true, pool: 'XMAS26' },
  reward: { amountOff: { of: 'basket', amount: 500 } },
}

const pattern = (() => {
  const p = parseCodePattern('XMAS-####-####')
  if (p._tag === 'Left') throw new Error(p.left.message)
  return p.right
})()

/** Streams `CODES` codes into the pool in batches; returns the codes and the seconds spent in `addCodes`. */
const loadCodes = async (store: CheckoutStore) => {
  const put = await store.putPool({
    id: 'XMAS26',
    kind: { type: 'singleUse' },
    pattern: 'XMAS-####-####',
    campaignId: 'xmas',
  })
  if (put._tag === 'Left') throw new Error(put.left.message)
  const codes: string[] = []
  let added = 0
  let ms = 0
  for (let done = 0; done < CODES; done += BATCH) {
    const batch = drawCodes(pattern, cryptoRandomSource, Math.min(BATCH, CODES - done))
    const t0 = performance.now()
    const r = await store.addCodes('XMAS26', batch)
    ms += performance.now() - t0
    if (r._tag === 'Left') throw new Error(r.left.message)
    added += r.right.added
    for (const c of batch) codes.push(c)
  }
  return { codes, added, seconds: ms / 1000 }
}

const openCards = async (loyalty: LoyaltyStore, tills: number) => {
  const at = Date.parse(AT) - 86_400_000
  for (let t = 0; t < tills; t++) {
    for (let c = 0; c < CARDS_PER_TILL; c++) {
      const accountId = `till${t}-m${c}`
      await loyalty.openAccount({ accountId, programId: 'club', at })
      await loyalty.issueCard({ number: `card-${t}-${c}`, accountId, at })
    }
  }
}

/**
 * Closes baskets on `tills` concurrent tills for SECONDS. With `codes`, each close redeems its own
 * code of the one campaign (whose usage row every close books: the hot row); without, closes only
 * earn points, each till on its own cards. With `pgbenchUrl`, the closes run in 2-second slices
 * (1 s for a run shorter than 4 s), each followed by a slice of pgbench tpcb-like at `tills`
 * clients; pgbench's tps is then averaged over its slices.
 */
const runCloses = async (
  store: CheckoutStore,
  codes: readonly string[] | undefined,
  tills: number,
  prefix: string,
  pgbenchUrl?: string,
) => {
  const campaigns = codes === undefined ? [] : [xmas]
  const checkout = createCheckout({
    store,
    price: enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' }, program),
    campaigns,
    program,
    keyring: { K1: new Uint8Array(32).fill(7) },
    keyId: 'K1',
    clock: systemClock,
    storeTimeZone: 'Europe/Paris',
  })
  let next = 0
  let closes = 0
  const counters = Array.from({ length: tills }, () => 0)
  const latencies: number[] = []
  const till = async (t: number, until: number) => {
    while (performance.now() < until) {
      const i = counters[t]!++
      const code = codes?.[next++]
      const basket: Basket = {
        id: `${prefix}-${t}-${i}`,
        storeId: '0042',
        terminalId: String(t),
        channel: 'store',
        currency: 'EUR' as Basket['currency'],
        pricesIncludeTax: true,
        at: AT as Basket['at'],
        card: `card-${t}-${i % CARDS_PER_TILL}`,
        ...(code === undefined ? {} : { codes: [code] }),
        lines: [
          { id: '1', sku: 'A' as Sku, quantity: 2, unitPrice: minor(1000), amount: minor(2000), categories: ['x'] },
        ],
      }
      const t0 = performance.now()
      const r = await checkout.close({ basket, tenders: [] })
      latencies.push(performance.now() - t0)
      if (r._tag === 'Left') throw new Error(r.left.message)
      if (r.right.discountTotal !== (code === undefined ? 0 : 500))
        throw new Error(`close ${basket.id}: wrong discount`)
      closes++
    }
  }
  const slice = pgbenchUrl === undefined ? SECONDS : SECONDS >= 4 ? 2 : 1
  const slices = Math.max(1, Math.round(SECONDS / slice))
  let seconds = 0
  let transactions = 0
  // The CPU this process spends (the checkout's own work and the driver's), apart from the server's.
  let cpuMicros = 0
  for (let s = 0; s < slices; s++) {
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    await Promise.all(counters.map((_, t) => till(t, t0 + slice * 1000)))
    const cpu = process.cpuUsage(cpu0)
    cpuMicros += cpu.user + cpu.system
    seconds += (performance.now() - t0) / 1000
    if (pgbenchUrl !== undefined) transactions += (await runPgbench(pgbenchUrl, tills, 2, slice)) * slice
  }
  latencies.sort((a, b) => a - b)
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0
  return {
    closes,
    perSecond: Math.round(closes / seconds),
    p99Ms: Math.round(p99 * 10) / 10,
    clientCpuMsPerClose: Math.round(cpuMicros / closes) / 1000,
    pgbenchTps: Math.round(transactions / (slices * slice)),
  }
}

const results: Record<string, unknown> = {}

// ── SQLite ──
if (process.env.BENCH_ONLY !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-checkout-'))
  const stores = openSqliteStores({ file: join(dir, 'bench.db') })
  const store = stores.checkout
  try {
    const load = await loadCodes(store)
    await openCards(stores.loyalty, 1)
    const closes = await runCloses(store, load.codes, 1, 'code')
    const plain = await runCloses(store, undefined, 1, 'plain')
    results.sqlite = {
      codes: load.added,
      codesPerSecond: Math.round(load.added / load.seconds),
      loadSeconds: Math.round(load.seconds * 10) / 10,
      closesPerSecond: closes.perSecond,
      closeP99Ms: closes.p99Ms,
      pointsOnlyClosesPerSecond: plain.perSecond,
      pointsOnlyP99Ms: plain.p99Ms,
    }
  } finally {
    await stores.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

// ── Postgres ──
{
  const db = await createTestDatabase(SERVER)
  const pgbenchDb = await createTestDatabase(SERVER)
  const stores = await openPostgresStores({ connectionString: db.url, maxConnections: TILLS + 4 })
  const store = stores.checkout
  try {
    const load = await loadCodes(store)
    await openCards(stores.loyalty, TILLS)
    await initPgbench(pgbenchDb.url, TILLS)
    const closes = await runCloses(store, load.codes, TILLS, 'code', pgbenchDb.url)
    const plain = await runCloses(store, undefined, TILLS, 'plain')
    // Lost races show here: deadlocks detected, and transactions rolled back (retried or refused).
    const stats = new pg.Client({ connectionString: db.url })
    await stats.connect()
    const { rows } = await stats.query(
      'SELECT deadlocks, xact_rollback FROM pg_stat_database WHERE datname = current_database()',
    )
    await stats.end()
    results.postgres = {
      deadlocks: Number(rows[0].deadlocks),
      rollbacks: Number(rows[0].xact_rollback),
      codes: load.added,
      codesPerSecond: Math.round(load.added / load.seconds),
      loadSeconds: Math.round(load.seconds * 10) / 10,
      tills: TILLS,
      closesPerSecond: closes.perSecond,
      closeP99Ms: closes.p99Ms,
      closeClientCpuMs: closes.clientCpuMsPerClose,
      pointsOnlyClosesPerSecond: plain.perSecond,
      pointsOnlyP99Ms: plain.p99Ms,
      pgbenchTps: closes.pgbenchTps,
      ratio: Math.round((closes.perSecond / closes.pgbenchTps) * 100) / 100,
    }
  } finally {
    await stores.close()
    await db.drop()
    await pgbenchDb.drop()
  }
}

console.table(results)
console.log(JSON.stringify({ bench: 'checkout', codes: CODES, seconds: SECONDS, ...results }))

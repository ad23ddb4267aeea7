/**
 * The simulator benchmark: `pnpm bench:simulate`.
 *
 * Replays a stream of N baskets of 40 lines, in time order, against the engine benchmark's 1,000
 * campaigns (the same seeded generators), and evaluates the same baskets with bare `evaluate` (the
 * engine benchmark's loop) in the same run. The stream is made in chunks of 1,000 (lines and
 * customers from a pool of 4,000 generated baskets; times spread evenly over 2026, so the stream is
 * in time order): each chunk is evaluated bare and replayed, in alternating order, so that load from
 * elsewhere on the machine weighs on both alike. Only the two loops are timed. Prints a table, then
 * one JSON line last: baskets per second of each, their ratio (target ≥ 0.7), and the peak RSS after
 * each quarter of the run (it stays flat as the history grows: nothing is kept per basket).
 *
 * Options: `--baskets N` (default 100,000: about 35 s of CPU on one core of this machine, so about a
 * minute of wall time when the machine is shared), `--quick` (6,000).
 */
import { cpus, loadavg } from 'node:os'
import {
  compile,
  createReplay,
  decodeBasket,
  decodeCampaigns,
  decodeCustomer,
  evaluate,
  type HistorySale,
} from '../src/index.js'
import { baskets, campaigns, catalogue, rng } from './workload.js'

const SEED = 20_261_126
const LINES = 40
const POOL = 4_000
const CHUNK = 1_000

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN
  return Number.isInteger(v) && v > 0 ? v : fallback
}
const quick = process.argv.includes('--quick')
const N = argValue('--baskets', quick ? 6_000 : 100_000)

const progress = (message: string) => process.stderr.write(`bench:simulate: ${message}\n`)
const orThrow = <A>(
  e: { readonly _tag: 'Left'; readonly left: { message: string } } | { readonly _tag: 'Right'; readonly right: A },
): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

// ---- the workload -------------------------------------------------------------------------------

const r = rng(SEED)
const products = catalogue(r)
const campaignSet = orThrow(decodeCampaigns(campaigns(r, 1_000)))
const pool = baskets(r, products, POOL, LINES).map((w) => ({
  basket: orThrow(decodeBasket(w.basket)),
  customer: w.customer === undefined ? undefined : orThrow(decodeCustomer(w.customer)),
}))

const FROM_MS = Date.parse('2026-01-05T08:00:00+01:00')
const SPAN_MS = 350 * 86_400_000
/** An instant with the +01:00 offset of the generator's baskets. */
const atOf = (ms: number) => `${new Date(ms + 3_600_000).toISOString().slice(0, 19)}+01:00`

/** Entries `from`..`from + CHUNK` of the stream: the pool's lines and customers, ids and times of their own. */
const chunkOf = (from: number): HistorySale[] => {
  const out: HistorySale[] = []
  for (let i = from; i < Math.min(N, from + CHUNK); i++) {
    const p = pool[i % POOL] as (typeof pool)[number]
    const basket = { ...p.basket, id: `T-${i}`, at: atOf(FROM_MS + Math.floor((i * SPAN_MS) / N)) } as typeof p.basket
    out.push({ kind: 'sale', basket, ...(p.customer !== undefined ? { customer: p.customer } : {}) })
  }
  return out
}

// ---- the run ------------------------------------------------------------------------------------

const cpuOf = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start)
  return d.user + d.system
}

const compiled = compile(campaignSet, { storeTimeZone: 'Europe/Paris' })
const replay = createReplay({ campaigns: campaignSet, storeTimeZone: 'Europe/Paris' })

progress(`warming up (${CHUNK} baskets each way)`)
const warm = createReplay({ campaigns: campaignSet, storeTimeZone: 'Europe/Paris' })
for (const e of chunkOf(0)) {
  evaluate(compiled, e.basket, e.customer)
  warm.push(e)
}

const loadAtStart = loadavg()[0]?.toFixed(2)
let bareNs = 0n
let replayNs = 0n
let bareCpu = 0
let replayCpu = 0
let bareDiscount = 0
const rss: number[] = []
const heap: number[] = []
progress(`timing ${N.toLocaleString('en-GB')} baskets, bare evaluate and replay, in chunks of ${CHUNK}`)
for (let from = 0, k = 0; from < N; from += CHUNK, k++) {
  const chunk = chunkOf(from)
  const bare = () => {
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    for (const e of chunk) bareDiscount += evaluate(compiled, e.basket, e.customer).discountTotal
    bareNs += process.hrtime.bigint() - t0
    bareCpu += cpuOf(c0)
  }
  const replayed = () => {
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    for (const e of chunk) replay.push(e)
    replayNs += process.hrtime.bigint() - t0
    replayCpu += cpuOf(c0)
  }
  if (k % 2 === 0) {
    bare()
    replayed()
  } else {
    replayed()
    bare()
  }
  const quarter = Math.floor((4 * (from + chunk.length)) / N)
  if (quarter > rss.length) {
    rss.push(process.memoryUsage().rss)
    heap.push(process.memoryUsage().heapUsed)
    progress(`${from + chunk.length} baskets, RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB`)
  }
}
const summary = replay.summary()
if (summary.discountCost !== bareDiscount) {
  throw new Error(`the replay's discount (${summary.discountCost}) is not bare evaluation's (${bareDiscount})`)
}

const perSecond = (count: number, ns: bigint) => count / (Number(ns) / 1e9)
const bareRate = perSecond(N, bareNs)
const replayRate = perSecond(N, replayNs)
const bareCpuRate = N / (bareCpu / 1e6)
const replayCpuRate = N / (replayCpu / 1e6)
const f2 = (x: number) => Math.round(x * 100) / 100
const row = (cells: readonly (string | number)[]) =>
  `${String(cells[0]).padEnd(34)}${cells
    .slice(1)
    .map((c) => String(c).padStart(16))
    .join('')}`
const out = [
  `Simulator: ${N.toLocaleString('en-GB')} baskets of ${LINES} lines, ${campaignSet.length} campaigns, one core (${cpus().length} cores, load ${loadAtStart})`,
  row(['', 'baskets/s (wall)', 'baskets/s (cpu)']),
  row(['bare evaluate', Math.round(bareRate), Math.round(bareCpuRate)]),
  row(['replay (tessera simulate)', Math.round(replayRate), Math.round(replayCpuRate)]),
  row(['ratio replay / bare (target ≥ 0.7)', f2(replayRate / bareRate), f2(replayCpuRate / bareCpuRate)]),
  `RSS after each quarter: ${rss.map((b) => `${Math.round(b / 1e6)} MB`).join(', ')}; heap used: ${heap.map((b) => `${Math.round(b / 1e6)} MB`).join(', ')}`,
  `Discount replayed: ${summary.discountCost} (equal to bare evaluation's), points ${summary.pointsIssued}, customers reached ${summary.customersReached}`,
]
process.stdout.write(`${out.join('\n')}\n`)
process.stdout.write(
  `${JSON.stringify({
    bench: 'simulate',
    baskets: N,
    lines: LINES,
    campaigns: campaignSet.length,
    bareBasketsPerSecond: Math.round(bareRate),
    replayBasketsPerSecond: Math.round(replayRate),
    ratio: f2(replayRate / bareRate),
    cpuRatio: f2(replayCpuRate / bareCpuRate),
    rssMegabytes: rss.map((b) => Math.round(b / 1e6)),
    heapMegabytes: heap.map((b) => Math.round(b / 1e6)),
  })}\n`,
)

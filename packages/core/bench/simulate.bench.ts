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
 * Then the same stream is replayed in customer shards, one worker thread each (`--workers N`,
 * default 2): each worker builds the stream, keeps its customers' entries, and times its replay; the
 * merged summaries must equal the single replay's. The rate is N over the slowest worker's time,
 * beside the one-core replay rate (target ≥ 1.6× on two cores). The workload's campaigns have no
 * budget or total limit, so shards are exact (`shardable`).
 *
 * Options: `--baskets N` (default 40,000: about 25 s of CPU in all on this 2-core machine, a minute
 * of wall time when it is idle, several when other work shares it), `--workers N`, `--quick` (6,000).
 */
import { cpus, loadavg } from 'node:os'
import { Worker } from 'node:worker_threads'
import { compile, createReplay, evaluate, mergeSummaries, type SimulationSummary } from '../src/index.js'
import { LINES, streamOf } from './simulate.stream.js'

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN
  return Number.isInteger(v) && v > 0 ? v : fallback
}
const quick = process.argv.includes('--quick')
const N = argValue('--baskets', quick ? 6_000 : 40_000)
const WORKERS = argValue('--workers', 2)

const progress = (message: string) => process.stderr.write(`bench:simulate: ${message}\n`)

// ---- the workload -------------------------------------------------------------------------------

const stream = streamOf(N)
const campaignSet = stream.campaigns
const CHUNK = stream.chunk
const chunkOf = stream.chunkOf

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

// ---- the same replay over customer shards, one worker thread each --------------------------------

progress(
  `replaying the same ${N.toLocaleString('en-GB')} baskets in ${WORKERS} customer shards, one worker thread each`,
)
const shardRuns = await Promise.all(
  Array.from(
    { length: WORKERS },
    (_, shard) =>
      new Promise<{ cpu: number; wallNs: number; summary: SimulationSummary }>((resolve, reject) => {
        const w = new Worker(new URL('./simulate.worker.mjs', import.meta.url), {
          workerData: { n: N, shard, shards: WORKERS },
        })
        w.once('message', resolve)
        w.once('error', reject)
      }),
  ),
)
const merged = mergeSummaries(shardRuns.map((r) => r.summary))
if (JSON.stringify(merged) !== JSON.stringify(summary))
  throw new Error('the sharded replay differs from the single one')
const shardWallNs = Math.max(...shardRuns.map((r) => r.wallNs))
const shardRate = N / (shardWallNs / 1e9)

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
  row([`replay in ${WORKERS} worker threads`, Math.round(shardRate), '']),
  row([`speed-up over one core (target ≥ 1.6)`, f2(shardRate / replayRate), '']),
  `RSS after each quarter: ${rss.map((b) => `${Math.round(b / 1e6)} MB`).join(', ')}; heap used: ${heap.map((b) => `${Math.round(b / 1e6)} MB`).join(', ')}`,
  `Discount replayed: ${summary.discountCost} (equal to bare evaluation's), points ${summary.pointsIssued}, customers reached ${summary.customersReached}; the ${WORKERS} shards merged give the same summary`,
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
    workers: WORKERS,
    shardedBasketsPerSecond: Math.round(shardRate),
    speedUp: f2(shardRate / replayRate),
    rssMegabytes: rss.map((b) => Math.round(b / 1e6)),
    heapMegabytes: heap.map((b) => Math.round(b / 1e6)),
  })}\n`,
)

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
 * Then `tessera simulate`'s own pipeline, the CLI's code, on a stream of P baskets made into JSON
 * texts as a history file holds them: `replayTexts` on one thread (`--workers 1`) and
 * `replayInWorkers` over N customer shards (`--workers N`, default one per core: shard 0 on this
 * thread, each other one in a worker thread),
 * each decoding and replaying the same texts, in alternating rounds of the same run; their figures
 * must be equal. It prints both rates and the speed-up (target ≥ 1.6 on two cores), with and
 * without the workers' start (threads up, campaigns compiled), the CPU each took a basket (every
 * thread of the process) and the cores each had on average (CPU over wall time: below 2 for the
 * workers, the machine's other work had the rest), and the load average before and after. The workload's campaigns have no budget or total limit, so shards are exact (`shardable`).
 *
 * The workers' start (threads up, job compiled, about 0.1 to 0.5 s) is paid once a run, so the
 * pipeline runs as many baskets as the first part by default: the issue's workload is 1,000,000, and
 * a start paid over 10,000 baskets hid the speed-up that a long history gets. Each round reports its
 * progress on stderr.
 *
 * Options: `--baskets N` (default 40,000: about 25 s of CPU on this 2-core machine for the first
 * part), `--pipeline-baskets P` (default: N; the texts are kept in memory, about 4 kB each, as
 * `tessera simulate` keeps its history's), `--rounds R` (default 2 of each), `--workers N`,
 * `--quick` (6,000 and 2,000), `--issue` (the issue's 1,000,000 baskets for the first part, whose
 * memory stays flat, and 100,000 for the pipeline: several minutes).
 *
 * `--files F` (off by default: the figures above are untouched) then writes the pipeline's workload
 * into two JSONL history files of F and 4F baskets (about 4 kB a line) and runs `tessera simulate
 * --history FILE --workers 1 --json` on each, in a child process on the sources, and prints each
 * run's peak RSS (`process.resourceUsage().maxRSS`) and wall time: the history is streamed, so the
 * peak stays flat as the file grows fourfold.
 */
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { replayInWorkers } from '../../cli/src/replay/parallel.js'
import { type ReplayJob, replayTexts } from '../../cli/src/replay/replay.js'
import { routeOf } from '../../cli/src/replay/route.js'
import type { HistoryText } from '../../cli/src/replay/texts.js'
import { compile, createReplay, evaluate } from '../src/index.js'
import { LINES, streamOf } from './simulate.stream.js'

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN
  return Number.isInteger(v) && v > 0 ? v : fallback
}
const quick = process.argv.includes('--quick')
const issue = process.argv.includes('--issue')
const N = argValue('--baskets', quick ? 6_000 : issue ? 1_000_000 : 40_000)
const WORKERS = argValue('--workers', availableParallelism())
const P = argValue('--pipeline-baskets', quick ? 2_000 : issue ? 100_000 : Math.min(N, 100_000))
const ROUNDS = argValue('--rounds', 2)

const progress = (message: string) => process.stderr.write(`bench:simulate: ${message}\n`)

// ---- the workload -------------------------------------------------------------------------------

const stream = streamOf(N)
const campaignSet = stream.campaigns
const CHUNK = stream.chunk
const chunkOf = stream.chunkOf

// ---- the run ------------------------------------------------------------------------------------

const f1 = (x: number) => Math.round(x * 10) / 10
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

// ---- tessera simulate's own pipeline: one thread, then N worker threads, on the same texts -------

// The history as `tessera simulate --history` reads it (one JSON text per basket), decoded and
// replayed by the CLI's own code: `replayTexts` on this thread, `replayInWorkers` over customer
// shards. The texts are made once; each run decodes them itself. Rounds alternate (one thread,
// workers, workers, one thread…) so that load from elsewhere weighs on both alike.
const pipeline = streamOf(P)
const texts: HistoryText[] = []
for (let from = 0; from < P; from += pipeline.chunk)
  for (const e of pipeline.chunkOf(from))
    texts.push({
      source: 'bench',
      line: texts.length + 1,
      text: JSON.stringify({ basket: e.basket, ...(e.customer !== undefined ? { customer: e.customer } : {}) }),
    })
const job: ReplayJob = { draft: { campaigns: pipeline.campaigns }, storeTimeZone: 'Europe/Paris' }
// What routing costs the calling thread a basket (`routeOf`: JSON.parse, the customer and the time).
progress(`timing the router on ${P.toLocaleString('en-GB')} texts`)
let routeCpuUs = 0
for (let k = 0; k < 2; k++) {
  const c0 = process.cpuUsage()
  for (const t of texts) routeOf(t.text)
  routeCpuUs += cpuOf(c0)
}
const routeUs = f1(routeCpuUs / (2 * P))
progress(`warming up the one-thread pipeline (${pipeline.chunk} texts)`)
replayTexts(job, texts.slice(0, pipeline.chunk))
// The workers' code is bundled once per process on the sources (the built CLI has it ready): that is
// done here, before the timed rounds, so that their start is threads up and the job compiled.
progress(`warming up the worker threads (${pipeline.chunk} texts)`)
await replayInWorkers(job, texts.slice(0, pipeline.chunk), WORKERS)
/** A progress callback that reports each tenth of a round on stderr. */
const tenths = (label: string) => {
  let next = 1
  return (done: number) => {
    if (done * 10 < next * P) return
    next = Math.floor((done * 10) / P) + 1
    progress(`${label}: ${Math.round((done * 100) / P)}%`)
  }
}
let oneNs = 0n
let workersNs = 0n
// CPU of the whole process (every thread) in each kind of round: what parallel replay costs in
// work, apart from how many cores the machine had free.
let oneCpuUs = 0
let workersCpuUs = 0
let workersStartNs = 0n
let one: ReturnType<typeof replayTexts> | undefined
let many: Awaited<ReturnType<typeof replayInWorkers>> | undefined
const loadAtPipeline = loadavg()[0]?.toFixed(2)
for (let round = 0; round < ROUNDS * 2; round++) {
  const workersFirst = round % 4 === 1 || round % 4 === 2
  const label = `round ${round + 1}/${ROUNDS * 2}: ${P.toLocaleString('en-GB')} texts`
  if (!workersFirst) {
    progress(`${label} on one thread`)
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    one = replayTexts(job, texts, tenths(`${label} on one thread`))
    oneNs += process.hrtime.bigint() - t0
    oneCpuUs += cpuOf(c0)
  } else {
    progress(`${label} in ${WORKERS} shards`)
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    const startedAtMs = performance.timeOrigin + performance.now()
    let startMs = 0
    many = await replayInWorkers(job, texts, WORKERS, tenths(`${label} in ${WORKERS} shards`), (readyAtMs) => {
      startMs = readyAtMs - startedAtMs
    })
    const t1 = process.hrtime.bigint()
    workersCpuUs += cpuOf(c0)
    workersNs += t1 - t0
    workersStartNs += BigInt(Math.round(startMs * 1e6))
  }
}
if (JSON.stringify(many) !== JSON.stringify(one))
  throw new Error('the replay in worker threads differs from the one-thread replay')
const oneRate = (ROUNDS * P) / (Number(oneNs) / 1e9)
const workersRate = (ROUNDS * P) / (Number(workersNs) / 1e9)
const workersRunRate = (ROUNDS * P) / (Number(workersNs - workersStartNs) / 1e9)
const shardRate = workersRate
const loadAtEnd = loadavg()[0]?.toFixed(2)

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
  '',
  `tessera simulate's pipeline (decode + replay of JSON texts), ${P.toLocaleString('en-GB')} baskets × ${ROUNDS} rounds each, ${availableParallelism()} cores, load ${loadAtPipeline} → ${loadAtEnd}`,
  row(['', 'baskets/s (wall)', 'CPU µs/basket', 'cores used']),
  row([
    'one thread (--workers 1)',
    Math.round(oneRate),
    Math.round(oneCpuUs / (ROUNDS * P)),
    f2(oneCpuUs / 1e3 / (Number(oneNs) / 1e6)),
  ]),
  row([
    `${WORKERS} shards (--workers ${WORKERS})`,
    Math.round(workersRate),
    Math.round(workersCpuUs / (ROUNDS * P)),
    f2(workersCpuUs / 1e3 / (Number(workersNs) / 1e6)),
  ]),
  row([`speed-up (target ≥ 1.6 on 2 cores)`, f2(workersRate / oneRate), f2(oneCpuUs / workersCpuUs), '']),
  row([`  the same, workers' start left out`, f2(workersRunRate / oneRate), '', '']),
  `Routing a text (the calling thread reads its customer and time): ${routeUs} µs of CPU`,
  `Workers' start (${WORKERS - 1} thread${WORKERS === 2 ? '' : 's'} up, job compiled): ${Math.round(Number(workersStartNs) / ROUNDS / 1e6)} ms a run, ${Math.round((100 * Number(workersStartNs)) / Number(workersNs))}% of the workers' time`,
  `RSS after each quarter: ${rss.map((b) => `${Math.round(b / 1e6)} MB`).join(', ')}; heap used: ${heap.map((b) => `${Math.round(b / 1e6)} MB`).join(', ')}`,
  `Discount replayed: ${summary.discountCost} (equal to bare evaluation's), points ${summary.pointsIssued}, customers reached ${summary.customersReached}; the ${WORKERS} shards' merged figures equal the one thread's`,
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
    pipelineBaskets: P,
    rounds: ROUNDS,
    workers: WORKERS,
    oneThreadBasketsPerSecond: Math.round(oneRate),
    workersBasketsPerSecond: Math.round(shardRate),
    speedUp: f2(workersRate / oneRate),
    speedUpWithoutStart: f2(workersRunRate / oneRate),
    oneThreadCpuMicrosPerBasket: Math.round(oneCpuUs / (ROUNDS * P)),
    workersCpuMicrosPerBasket: Math.round(workersCpuUs / (ROUNDS * P)),
    oneThreadCoresUsed: f2(oneCpuUs / 1e3 / (Number(oneNs) / 1e6)),
    workersCoresUsed: f2(workersCpuUs / 1e3 / (Number(workersNs) / 1e6)),
    workersStartMs: Math.round(Number(workersStartNs) / ROUNDS / 1e6),
    routeMicrosPerText: routeUs,
    load: [Number(loadAtStart), Number(loadAtPipeline), Number(loadAtEnd)],
    rssMegabytes: rss.map((b) => Math.round(b / 1e6)),
    heapMegabytes: heap.map((b) => Math.round(b / 1e6)),
  })}\n`,
)

// ---- --files F: tessera simulate --history on files of F and 4F baskets, peak RSS of each ------

const FILES = argValue('--files', 0)
if (FILES > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-simulate-files-'))
  try {
    const root = fileURLToPath(new URL('../../..', import.meta.url))
    const draft = join(dir, 'draft.json')
    writeFileSync(draft, JSON.stringify({ campaigns: streamOf(1).campaigns }))
    const peak = join(dir, 'peak.mjs')
    writeFileSync(
      peak,
      "process.on('exit', () => process.stderr.write('peak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'))\n",
    )
    const runs: { baskets: number; megabytes: number; peakRssMegabytes: number; seconds: number }[] = []
    for (const n of [FILES, 4 * FILES]) {
      const file = join(dir, `history-${n}.jsonl`)
      progress(`writing ${n.toLocaleString('en-GB')} baskets to ${file}`)
      const s = streamOf(n)
      const out = createWriteStream(file)
      for (let from = 0; from < n; from += s.chunk)
        for (const e of s.chunkOf(from)) {
          const line = JSON.stringify({
            basket: e.basket,
            ...(e.customer !== undefined ? { customer: e.customer } : {}),
          })
          if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
        }
      await new Promise<void>((resolve) => out.end(() => resolve()))
      progress(`tessera simulate --history on ${n.toLocaleString('en-GB')} baskets (one thread, child process)`)
      const t0 = process.hrtime.bigint()
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=@tessera/source',
          '--import',
          peak,
          join(root, 'packages/cli/src/bin.ts'),
          'simulate',
          '--history',
          file,
          '--campaigns',
          draft,
          '--workers',
          '1',
          '--json',
        ],
        { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 },
      )
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9
      if (r.status !== 0) throw new Error(`tessera simulate failed on ${file}: ${r.stderr}`)
      if ((JSON.parse(r.stdout) as { baskets: number }).baskets !== n)
        throw new Error(`tessera simulate replayed another count than ${n} baskets`)
      const kb = Number(/peak-rss-kb=(\d+)/.exec(r.stderr)?.[1])
      runs.push({
        baskets: n,
        megabytes: Math.round(statSync(file).size / 1e6),
        peakRssMegabytes: Math.round((kb * 1024) / 1e6),
        seconds: f1(seconds),
      })
      rmSync(file)
    }
    process.stdout.write(
      `tessera simulate --history FILE --workers 1 (streamed): ${runs.map((r) => `${r.baskets.toLocaleString('en-GB')} baskets (${r.megabytes} MB): peak RSS ${r.peakRssMegabytes} MB, ${r.seconds} s`).join('; ')}\n`,
    )
    process.stdout.write(`${JSON.stringify({ bench: 'simulate-files', runs })}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

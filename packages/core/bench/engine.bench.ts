/**
 * The engine benchmark (DESIGN §8): `pnpm bench:engine`.
 *
 * Evaluates the seeded §8 workload (1,000 campaigns, 40-line baskets) with Tessera and with
 * json-rules-engine in the same process, then the 10,000-campaign scaling run (the same 1,000 plus
 * 9,000 single-SKU campaigns on SKUs no basket holds). Prints a table, then one JSON line last.
 *
 * Options: `--baskets N` (Tessera baskets per run, default 3000), `--peer-baskets N` (json-rules-engine
 * baskets at 1k campaigns, default 300; a sixth of that at 10k), `--quick` (a smoke run).
 *
 * Timing: each basket is timed alone with `process.hrtime.bigint()` after a warm-up. Tessera's time is
 * `evaluate(compiled, basket, customer)`: conditions, best deal, allocation over lines, points and
 * explanations. Nudges are checked when the evaluation's `nudges` are first read (each check runs
 * campaigns again on the basket with the item added), so a row also times `evaluate` with its nudges
 * read, as a till showing them or the HTTP price route pays. Decoding the JSON documents is done once, before, as at any edge. The peer's time is
 * building its facts plus `await engine.run(facts)`. Beside wall time, the process CPU time (user +
 * system, `process.cpuUsage`) of each call is summed: on a loaded machine it is the steadier figure.
 */
import { cpus, loadavg } from 'node:os'
import type { Engine } from 'json-rules-engine'
import { type Compiled, compile, decodeBasket, decodeCampaigns, decodeCustomer, evaluate } from '../src/index.js'
import { factsOf, peerEngine } from './peer.js'
import { baskets, campaigns, catalogue, coldCampaigns, rng, type WorkloadBasket } from './workload.js'

const SEED = 20_261_126
const LINES = 40

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN
  return Number.isInteger(v) && v > 0 ? v : fallback
}
const quick = process.argv.includes('--quick')
const BASKETS = argValue('--baskets', quick ? 300 : 3_000)
const PEER_BASKETS = argValue('--peer-baskets', quick ? 40 : 300)
const PEER_BASKETS_10K = Math.max(10, Math.round(PEER_BASKETS / 6))
const WARMUP = quick ? 100 : 1_000

const progress = (message: string) => process.stderr.write(`bench:engine: ${message}\n`)

const orThrow = <A>(
  e: { readonly _tag: 'Left'; readonly left: { message: string } } | { readonly _tag: 'Right'; readonly right: A },
): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

// ---- the workload -------------------------------------------------------------------------------

const r = rng(SEED)
const products = catalogue(r)
const base = campaigns(r, 1_000)
const cold = coldCampaigns(r, 9_000)
const pool: WorkloadBasket[] = baskets(r, products, BASKETS, LINES)

const decoded = pool.map((w, i) => ({
  raw: w,
  basket: orThrow(decodeBasket(w.basket)),
  customer: w.customer === undefined ? undefined : orThrow(decodeCustomer(w.customer)),
  index: i,
}))

const compileTimed = (label: string, json: unknown[]) => {
  const t0 = process.hrtime.bigint()
  const compiled = compile(orThrow(decodeCampaigns(json)))
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (compiled.problems.length > 0) {
    for (const p of compiled.problems.slice(0, 10)) progress(`${p.campaignId}: ${p.code}: ${p.message}`)
    throw new Error(`the ${label} workload has ${compiled.problems.length} static problems`)
  }
  progress(`decoded and compiled ${json.length} campaigns in ${ms.toFixed(1)} ms`)
  return { compiled, ms }
}

// ---- measurement --------------------------------------------------------------------------------

interface Stats {
  readonly n: number
  readonly mean: number
  readonly p50: number
  readonly p99: number
  readonly max: number
}

const statsOf = (ns: readonly bigint[]): Stats => {
  const us = ns.map((x) => Number(x) / 1e3).sort((a, b) => a - b)
  const at = (q: number) => us[Math.min(us.length - 1, Math.ceil(q * us.length) - 1)]!
  return { n: us.length, mean: us.reduce((a, b) => a + b, 0) / us.length, p50: at(0.5), p99: at(0.99), max: at(1) }
}

/** CPU time (user + system) of the process over a call, in µs: less sensitive to other load than wall time. */
const cpuOf = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start)
  return d.user + d.system
}

interface TesseraRun extends Stats {
  readonly cpuMean: number
  readonly appliedPerBasket: number
  readonly discountPerBasket: number
}

/**
 * Times both campaign sets on the same baskets, interleaved (1k then 10k on even baskets, 10k then
 * 1k on odd ones), so that load from elsewhere on the machine weighs on both alike.
 */
const runTessera = (compiled1k: Compiled, compiled10k: Compiled): readonly [TesseraRun, TesseraRun] => {
  progress(`Tessera: warming up (${WARMUP} evaluations with each campaign set)`)
  for (let i = 0; i < WARMUP; i++) {
    const d = decoded[i % decoded.length]!
    evaluate(compiled1k, d.basket, d.customer)
    evaluate(compiled10k, d.basket, d.customer)
  }
  progress(`Tessera: timing ${decoded.length} baskets with 1k and with 10k campaigns`)
  const sets = [compiled1k, compiled10k] as const
  const times: [bigint[], bigint[]] = [[], []]
  const applied = [0, 0]
  const discount = [0, 0]
  const cpu = [0, 0]
  for (const [i, d] of decoded.entries()) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const c0 = process.cpuUsage()
      const t0 = process.hrtime.bigint()
      const evaluation = evaluate(sets[k]!, d.basket, d.customer)
      times[k]!.push(process.hrtime.bigint() - t0)
      cpu[k]! += cpuOf(c0)
      applied[k]! += evaluation.discounts.length
      discount[k]! += evaluation.discountTotal
    }
  }
  const run = (k: 0 | 1): TesseraRun => ({
    ...statsOf(times[k]),
    cpuMean: cpu[k]! / decoded.length,
    appliedPerBasket: applied[k]! / decoded.length,
    discountPerBasket: discount[k]! / decoded.length,
  })
  return [run(0), run(1)]
}

/** `evaluate` with its nudges read (and so checked), 1k campaigns, after the same warm-up. */
const runTesseraWithNudges = (
  compiled1k: Compiled,
): Stats & { readonly cpuMean: number; readonly nudgesPerBasket: number } => {
  progress(`Tessera: timing ${decoded.length} baskets with their nudges read`)
  const times: bigint[] = []
  let cpu = 0
  let nudges = 0
  for (const d of decoded) {
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    nudges += evaluate(compiled1k, d.basket, d.customer).nudges.length
    times.push(process.hrtime.bigint() - t0)
    cpu += cpuOf(c0)
  }
  return { ...statsOf(times), cpuMean: cpu / decoded.length, nudgesPerBasket: nudges / decoded.length }
}

interface PeerRun extends Stats {
  readonly cpuMean: number
  readonly eventsPerBasket: number
}

const runPeer = async (label: string, engine: Engine, count: number): Promise<PeerRun> => {
  const warm = Math.max(5, Math.round(count / 10))
  progress(`json-rules-engine ${label}: warming up (${warm} runs)`)
  for (let i = 0; i < warm; i++) {
    const d = decoded[i % decoded.length]!
    await engine.run(factsOf(d.raw.basket, d.raw.customer))
  }
  progress(`json-rules-engine ${label}: timing ${count} baskets`)
  const times: bigint[] = []
  let events = 0
  let cpu = 0
  for (let i = 0; i < count; i++) {
    const d = decoded[i % decoded.length]!
    const c0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    const result = await engine.run(factsOf(d.raw.basket, d.raw.customer))
    times.push(process.hrtime.bigint() - t0)
    cpu += cpuOf(c0)
    events += result.events.length
    if (i > 0 && i % 50 === 0) progress(`json-rules-engine ${label}: ${i}/${count}`)
  }
  return { ...statsOf(times), cpuMean: cpu / count, eventsPerBasket: events / count }
}

// ---- the runs -----------------------------------------------------------------------------------

const loadAtStart = loadavg()[0]!.toFixed(2)
const started = process.hrtime.bigint()
const c1k = compileTimed('1k', base)
const c10k = compileTimed('10k', [...base, ...cold])
const [t1k, t10k] = runTessera(c1k.compiled, c10k.compiled)
const tNudges = runTesseraWithNudges(c1k.compiled)
const p1k = await runPeer('1k', peerEngine(base), PEER_BASKETS)
const p10k = await runPeer('10k', peerEngine([...base, ...cold]), PEER_BASKETS_10K)
const totalS = Number(process.hrtime.bigint() - started) / 1e9

// ---- report -------------------------------------------------------------------------------------

const f1 = (x: number) => Math.round(x * 10) / 10
const f2 = (x: number) => Math.round(x * 100) / 100
const ratio = p1k.mean / t1k.mean
const ratio10k = p10k.mean / t10k.mean
const scaling = t10k.mean / t1k.mean
const peerScaling = p10k.mean / p1k.mean

const row = (cells: readonly (string | number)[]) =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(26) : String(c).padStart(12))).join(' ')

const out = [
  '',
  `Engine benchmark (DESIGN §8): ${LINES}-line baskets, seed ${SEED}, ${totalS.toFixed(1)} s in all`,
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadAtStart} at start and ${loadavg()[0]!.toFixed(2)} at the end (other work on the machine inflates every figure, the p99 most).`,
  `Tessera: ${BASKETS} baskets per run after ${WARMUP} warm-up evaluations; json-rules-engine: ${PEER_BASKETS} baskets at 1k, ${PEER_BASKETS_10K} at 10k.`,
  '',
  row(['µs per basket', 'mean', 'p50', 'p99', 'max', 'CPU mean', 'baskets']),
  row(['Tessera, 1k campaigns', f1(t1k.mean), f1(t1k.p50), f1(t1k.p99), f1(t1k.max), f1(t1k.cpuMean), t1k.n]),
  row(['Tessera, 10k campaigns', f1(t10k.mean), f1(t10k.p50), f1(t10k.p99), f1(t10k.max), f1(t10k.cpuMean), t10k.n]),
  row([
    'Tessera, 1k, nudges read',
    f1(tNudges.mean),
    f1(tNudges.p50),
    f1(tNudges.p99),
    f1(tNudges.max),
    f1(tNudges.cpuMean),
    tNudges.n,
  ]),
  row(['json-rules-engine, 1k', f1(p1k.mean), f1(p1k.p50), f1(p1k.p99), f1(p1k.max), f1(p1k.cpuMean), p1k.n]),
  row(['json-rules-engine, 10k', f1(p10k.mean), f1(p10k.p50), f1(p10k.p99), f1(p10k.max), f1(p10k.cpuMean), p10k.n]),
  '',
  row(['', '1k', '10k', 'target']),
  row(['peer / Tessera (mean)', `${f1(ratio)}x`, `${f1(ratio10k)}x`, '>= 100x']),
  row(['  same, in CPU time', `${f1(p1k.cpuMean / t1k.cpuMean)}x`, `${f1(p10k.cpuMean / t10k.cpuMean)}x`, '']),
  row(['  with nudges read', `${f1(p1k.mean / tNudges.mean)}x`, '', '']),
  row(['Tessera p99 (µs)', f1(t1k.p99), f1(t10k.p99), '< 1000']),
  row(['10k / 1k time per basket', '', '', '']),
  row(['  Tessera', '', f2(scaling), '<= 2']),
  row(['  json-rules-engine', '', f2(peerScaling), '']),
  '',
  `Tessera at 1k: ${f2(t1k.appliedPerBasket)} discounts and ${f1(t1k.discountPerBasket / 100)} € off per basket on average, allocated over lines, with explanations; ${f2(tNudges.nudgesPerBasket)} nudges per basket when read.`,
  `json-rules-engine at 1k: ${f2(p1k.eventsPerBasket)} rules fired per basket; it computes no discount amount, no allocation, no stacking and no explanation.`,
  `Compile (decode + index): ${f1(c1k.ms)} ms for 1k campaigns, ${f1(c10k.ms)} ms for 10k.`,
  `Targets: ratio ${ratio >= 100 ? 'met' : 'MISSED'}, p99 at 1k ${t1k.p99 < 1000 ? 'met' : 'MISSED'} (at 10k: ${t10k.p99 < 1000 ? 'under' : 'over'} 1 ms), scaling ${scaling <= 2 ? 'met' : 'MISSED'}.`,
  '',
]
process.stdout.write(out.join('\n'))
process.stdout.write(
  `${JSON.stringify({
    campaigns: 1000,
    lines: LINES,
    tessera_us_per_basket: f1(t1k.mean),
    tessera_p99_us: f1(t1k.p99),
    peer_us_per_basket: f1(p1k.mean),
    ratio: f1(ratio),
    scaling_10k_over_1k: f2(scaling),
    peer_scaling_10k_over_1k: f2(peerScaling),
    tessera_10k_us_per_basket: f1(t10k.mean),
    tessera_10k_p99_us: f1(t10k.p99),
    tessera_p50_us: f1(t1k.p50),
    tessera_10k_p50_us: f1(t10k.p50),
    peer_10k_us_per_basket: f1(p10k.mean),
    baskets: BASKETS,
    peer_baskets: [PEER_BASKETS, PEER_BASKETS_10K],
    load_average: Number(loadAtStart),
    tessera_cpu_us_per_basket: f1(t1k.cpuMean),
    peer_cpu_us_per_basket: f1(p1k.cpuMean),
    cpu_ratio: f1(p1k.cpuMean / t1k.cpuMean),
    cpu_scaling_10k_over_1k: f2(t10k.cpuMean / t1k.cpuMean),
    tessera_with_nudges_us_per_basket: f1(tNudges.mean),
    tessera_with_nudges_p99_us: f1(tNudges.p99),
    ratio_with_nudges: f1(p1k.mean / tNudges.mean),
  })}\n`,
)

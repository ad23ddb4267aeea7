/**
 * The customer-value benchmark (issue 18): `pnpm bench:value`.
 *
 * Generates 1,000,000 members from the BG/NBD and Gamma-Gamma parameters fitted on CDNOW (seeded,
 * `simulateBgNbd.ts`), then times, in the same process:
 * - the floor: one direct pass of the BG/NBD log-likelihood over all members (`bgnbdLogLikelihood`,
 *   log-gamma per member), what any fitter pays per iteration without grouping;
 * - the BG/NBD fit (BFGS with the analytic gradient over members grouped by identical history);
 * - the Gamma-Gamma fit;
 * - the prediction of every member (P(alive), expected transactions and CLV over 39 weeks).
 * Peak memory is the process's maximum resident set (`process.resourceUsage().maxRSS`) and the heap
 * in use after each step. Prints a table, then one JSON line last.
 *
 * Options: `--members N` (default 1,000,000), `--seed N`.
 */
import { cpus, loadavg } from 'node:os'
import { bgnbdLogLikelihood, fitBgNbd, fitGammaGamma, predictMembers } from '../src/index.js'
import { simulatePopulation } from './simulateBgNbd.js'

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN
  return Number.isInteger(v) && v > 0 ? v : fallback
}
const MEMBERS = argValue('--members', 1_000_000)
const SEED = argValue('--seed', 20_261_203)
const progress = (message: string) => process.stderr.write(`bench:value: ${message}\n`)

// Fitted on the CDNOW sample to 1997-09-30 (see cdnow.test.ts); γ in cents.
const CDNOW_BGNBD = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 }
const CDNOW_GG = { p: 6.2496, q: 3.7442, gamma: 1544.35 }

const orThrow = <A>(
  e: { readonly _tag: 'Left'; readonly left: { message: string } } | { readonly _tag: 'Right'; readonly right: A },
): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9
const mb = (bytes: number) => bytes / 1024 / 1024
const heapMb = () => mb(process.memoryUsage().heapUsed)

progress(`generating ${MEMBERS.toLocaleString('en')} members (seed ${SEED})`)
let start = process.hrtime.bigint()
const members = simulatePopulation(CDNOW_BGNBD, CDNOW_GG, MEMBERS, SEED)
const generateSeconds = seconds(start)
const distinct = new Set(members.map((m) => `${m.frequency}|${m.recency}|${m.T}`)).size
const repeatBuyers = members.filter((m) => m.frequency > 0).length
const heapAfterGenerate = heapMb()

progress('one direct pass of the log-likelihood (the floor)')
bgnbdLogLikelihood(CDNOW_BGNBD, members.slice(0, 10_000)) // warm-up
start = process.hrtime.bigint()
const floorLl = orThrow(bgnbdLogLikelihood(CDNOW_BGNBD, members))
const floorSeconds = seconds(start)

progress('fitting BG/NBD')
start = process.hrtime.bigint()
const bgnbd = orThrow(fitBgNbd(members))
const fitSeconds = seconds(start)

progress('fitting Gamma-Gamma')
start = process.hrtime.bigint()
const gammaGamma = orThrow(fitGammaGamma(members))
const spendSeconds = seconds(start)

progress('predicting every member over 39 weeks')
start = process.hrtime.bigint()
const predictions = orThrow(predictMembers({ bgnbd, gammaGamma }, members, { horizon: 39, unit: 'weeks' }))
const predictSeconds = seconds(start)
const heapAfterPredict = heapMb()
const maxRssMb = process.resourceUsage().maxRSS / 1024

const expected = predictions.reduce((s, v) => s + v.expectedTransactions, 0)
const ratio = fitSeconds / floorSeconds
const perIteration = fitSeconds / bgnbd.iterations / floorSeconds

const f = (x: number, d = 2) => x.toFixed(d)
const rows: [string, string][] = [
  ['members', MEMBERS.toLocaleString('en')],
  ['distinct (x, tx, T) histories', distinct.toLocaleString('en')],
  ['repeat buyers (Gamma-Gamma sample)', repeatBuyers.toLocaleString('en')],
  ['generate (s)', f(generateSeconds)],
  ['floor: one log-likelihood pass (s)', f(floorSeconds, 3)],
  ['BG/NBD fit (s)', f(fitSeconds, 3)],
  ['BG/NBD iterations', String(bgnbd.iterations)],
  ['fit / one pass', `${f(ratio)}x`],
  ['fit per iteration / one pass', `${f(perIteration, 4)}x`],
  ['Gamma-Gamma fit (s)', `${f(spendSeconds, 3)} (${gammaGamma.iterations} iterations)`],
  ['predict, 39 weeks with CLV (s)', f(predictSeconds, 3)],
  ['peak RSS (MB)', f(maxRssMb, 0)],
  ['heap after generate / predict (MB)', `${f(heapAfterGenerate, 0)} / ${f(heapAfterPredict, 0)}`],
]
const width = Math.max(...rows.map((r) => r[0].length))
process.stdout.write(
  `Customer value on ${cpus().length} cores (load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})\n`,
)
for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`)
process.stdout.write(
  `  recovered r=${f(bgnbd.r, 4)} alpha=${f(bgnbd.alpha, 4)} a=${f(bgnbd.a, 4)} b=${f(bgnbd.b, 4)}; p=${f(gammaGamma.p, 3)} q=${f(gammaGamma.q, 3)} gamma=${f(gammaGamma.gamma, 1)}\n`,
)
process.stdout.write(
  `  log-likelihood: floor pass ${f(floorLl, 1)} at the generating parameters, ${f(bgnbd.logLikelihood, 1)} at the fit; ${f(expected, 0)} transactions expected in 39 weeks\n`,
)
process.stdout.write(
  `${JSON.stringify({
    bench: 'value',
    members: MEMBERS,
    distinctHistories: distinct,
    floorSeconds: Number(f(floorSeconds, 4)),
    fitSeconds: Number(f(fitSeconds, 4)),
    iterations: bgnbd.iterations,
    fitOverFloor: Number(f(ratio, 3)),
    fitPerIterationOverFloor: Number(f(perIteration, 5)),
    gammaGammaSeconds: Number(f(spendSeconds, 4)),
    predictSeconds: Number(f(predictSeconds, 4)),
    peakRssMb: Math.round(maxRssMb),
    bgnbd: { r: bgnbd.r, alpha: bgnbd.alpha, a: bgnbd.a, b: bgnbd.b },
    gammaGamma: { p: gammaGamma.p, q: gammaGamma.q, gamma: gammaGamma.gamma },
  })}\n`,
)

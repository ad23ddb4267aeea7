/**
 * The Shopify function on a 200-line cart, where Shopify runs it: the esbuild bundle in QuickJS
 * (the engine Javy embeds), beside the same module in Node (V8), from the same run.
 *
 *     pnpm bench:shopify              # bundle size, time per run, QuickJS interrupt polls
 *     pnpm bench:shopify --callgrind  # also: machine instructions per run, counted by valgrind
 *
 * For each scenario it also times the phases of one run inside QuickJS (`bench/phases.entry.ts`:
 * the function's own code path, marked after each phase by a call to the host): JSON.parse of the
 * input, the io-ts decoding of the input and of the campaigns metafield, the basket, compile,
 * evaluate, the operations, JSON.stringify of the output. Per phase: the least time over the runs
 * and the interrupt polls (10 000 ticks each, so ±1 per phase).
 *
 * Shopify stops a function past 11 million Wasm instructions. Javy's Wasm is QuickJS compiled to
 * Wasm, and this bench runs QuickJS compiled to Wasm by Emscripten (`quickjs-emscripten`), so the
 * interpreter does the same work. Two estimates of that work are printed:
 * - QuickJS's interrupt polls: QuickJS calls its interrupt handler once per 10 000 "ticks" of its
 *   interpreter (function calls and backward jumps), a deterministic count of interpreter work,
 *   not of instructions;
 * - with `--callgrind`: valgrind counts the x86 instructions of a child Node process that runs the
 *   bundle in QuickJS once, then 1 + N times; the difference over N is the cost of one run. V8
 *   compiles the Wasm with TurboFan only (`--no-liftoff`), whose x86 code runs about one to two
 *   machine instructions per Wasm instruction, so the figure is of the order of Shopify's count
 *   (and on the high side: it includes the JS glue of quickjs-emscripten, the input's copy into
 *   QuickJS and the output's copy out).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { getQuickJS } from 'quickjs-emscripten'
import { neutralBundleOptions } from '../../../esbuild.shared.ts'
import { cartLinesDiscountsGenerateRun } from '../src/function.js'

const SHOPIFY_LIMIT = 11_000_000
const LINES = 200
const CATEGORIES = ['drinks', 'drinks/wine', 'fresh', 'fresh/cheese', 'grocery', 'grocery/spreads', 'bakery', 'frozen']

// A realistic campaign set: per-category percentages, multi-buys, a meal deal, tiered and basket amounts.
const campaigns = [
  ...CATEGORIES.map((c, i) => ({
    id: `pct-${i}`,
    status: 'active',
    labels: { receipt: `${c} -${5 + i}%` },
    trigger: { quantity: { of: { category: [c] }, atLeast: 2 } },
    reward: { percentOff: { of: { category: [c] }, percent: 5 + i } },
    stacking: { priority: i },
  })),
  {
    id: 'wine-3-for-2',
    status: 'active',
    reward: {
      buyGet: {
        buy: { of: { category: ['drinks/wine'] }, quantity: 2 },
        get: { of: { category: ['drinks/wine'] }, quantity: 1, percent: 100 },
      },
    },
  },
  {
    id: 'cheese-2-for-10',
    status: 'active',
    reward: { fixedPrice: { of: { category: ['fresh/cheese'] }, quantity: 2, price: 1000 } },
  },
  {
    id: 'meal-deal',
    status: 'active',
    reward: {
      bundle: {
        items: [
          { of: { category: ['bakery'] }, quantity: 1 },
          { of: { category: ['drinks'] }, quantity: 1 },
        ],
        price: 500,
      },
    },
  },
  {
    id: 'tiered',
    status: 'active',
    reward: {
      tieredPercentOff: {
        of: { category: ['grocery'] },
        tiers: [
          { atLeast: 2000, percent: 5 },
          { atLeast: 5000, percent: 10 },
        ],
      },
    },
  },
  {
    id: 'ten-off-100',
    status: 'active',
    trigger: { spend: { atLeast: 10_000 } },
    reward: { amountOff: { of: 'basket', amount: 1000 } },
  },
]

const eur = (minor: number) => ({ amount: (minor / 100).toFixed(2), currencyCode: 'EUR' })
const inputOf = (campaignSet: readonly unknown[], lines = LINES) => ({
  cart: {
    lines: Array.from({ length: lines }, (_, i) => {
      const quantity = 1 + (i % 3)
      const unit = 99 + ((i * 137) % 1900)
      return {
        id: `gid://shopify/CartLine/${i}`,
        quantity,
        cost: { subtotalAmount: eur(unit * quantity), amountPerQuantity: eur(unit) },
        merchandise: {
          __typename: 'ProductVariant',
          id: `gid://shopify/ProductVariant/${i}`,
          sku: `SKU-${i}`,
          product: {
            productType: CATEGORIES[i % CATEGORIES.length],
            vendor: i % 5 === 0 ? 'Acme' : null,
            isGiftCard: false,
          },
        },
      }
    }),
    buyerIdentity: null,
  },
  discount: {
    discountClasses: ['ORDER', 'PRODUCT'],
    metafield: { jsonValue: { currency: 'EUR', campaigns: campaignSet } },
  },
  triggeringDiscountCode: null,
  shop: { localTime: { date: '2026-11-26' } },
})

// Two discounts as a merchant sets them up: one that holds a whole promotion plan, one that is a
// single campaign (each Shopify discount runs the function on its own metafield).
const wine10 = [
  { id: 'wine-10', status: 'active', reward: { percentOff: { of: { category: ['drinks/wine'] }, percent: 10 } } },
]
const scenarios = [
  { name: `${LINES}-line cart, ${campaigns.length} campaigns`, json: JSON.stringify(inputOf(campaigns)) },
  { name: `${LINES}-line cart, 1 campaign (wine -10 %)`, json: JSON.stringify(inputOf(wine10)) },
  { name: '20-line cart, 1 campaign (wine -10 %)', json: JSON.stringify(inputOf(wine10, 20)) },
]

const built = await esbuild.build({
  ...neutralBundleOptions,
  entryPoints: [fileURLToPath(new URL('../src/function.ts', import.meta.url))],
  write: false,
})
const bundle = built.outputFiles?.[0]?.text ?? ''
const bundleBytes = new TextEncoder().encode(bundle).length

const quickjs = await getQuickJS()
const runtime = quickjs.newRuntime()
let polls = 0
runtime.setInterruptHandler(() => {
  polls++
  return false
})
const vm = runtime.newContext()
vm.unwrapResult(vm.evalCode('delete globalThis.Intl')).dispose()
const exports = vm.unwrapResult(vm.evalCode(bundle, 'function.js', { type: 'module' }))
vm.setProp(vm.global, 'F', exports)
exports.dispose()

const median = (f: () => unknown, runs: number) => {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    f()
    times.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number
}
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const callgrind = process.argv.includes('--callgrind')
const dir = mkdtempSync(join(tmpdir(), 'tessera-shopify-bench-'))
writeFileSync(join(dir, 'bundle.mjs'), bundle)

console.log(`Shopify function bundle (esbuild, neutral, minified): ${bundleBytes} bytes (load ${load()})`)
for (const [k, scenario] of scenarios.entries()) {
  const inputHandle = vm.newString(scenario.json)
  vm.setProp(vm.global, 'INPUT', inputHandle)
  inputHandle.dispose()
  const quickRun = (): string => {
    const h = vm.unwrapResult(vm.evalCode('JSON.stringify(F.cartLinesDiscountsGenerateRun(JSON.parse(INPUT)))'))
    const out = vm.getString(h)
    h.dispose()
    return out
  }
  const nodeRun = () => JSON.stringify(cartLinesDiscountsGenerateRun(JSON.parse(scenario.json)))
  const quickOut = quickRun()
  if (quickOut !== nodeRun()) throw new Error(`QuickJS and Node disagree on ${scenario.name}`)
  const operations = (JSON.parse(quickOut) as { operations: { [key: string]: { candidates: unknown[] } }[] }).operations
  const candidates = operations.reduce((s, o) => s + (Object.values(o)[0]?.candidates.length ?? 0), 0)
  polls = 0
  quickRun()
  const pollsPerRun = polls
  for (let i = 0; i < 5; i++) nodeRun()
  const quickMs = median(quickRun, 15)
  const nodeMs = median(nodeRun, 100)
  console.log(`${scenario.name}: ${candidates} candidates out`)
  console.log(`  QuickJS (Wasm)  median per run        ${quickMs.toFixed(2)} ms`)
  console.log(
    `  Node (V8)       median per run        ${nodeMs.toFixed(3)} ms   (QuickJS / Node: ${(quickMs / nodeMs).toFixed(1)}×)`,
  )
  console.log(`  QuickJS interrupt polls per run       ${pollsPerRun} (one per 10 000 interpreter ticks)`)
  if (callgrind) {
    writeFileSync(join(dir, `input.${k}.json`), scenario.json)
    const perRun = instructionsPerRun(dir, k)
    console.log(`  callgrind: x86 instructions per run  ${Math.round(perRun).toLocaleString('en')}`)
    console.log(
      `  against Shopify's limit              ${SHOPIFY_LIMIT.toLocaleString('en')} Wasm instructions: ${(perRun / SHOPIFY_LIMIT).toFixed(2)}× of it`,
    )
  }
}

// The phases of one run inside QuickJS: the same code path, marked after each phase.
const phased = await esbuild.build({
  ...neutralBundleOptions,
  entryPoints: [fileURLToPath(new URL('./phases.entry.ts', import.meta.url))],
  write: false,
})
const phaseVm = runtime.newContext()
phaseVm.unwrapResult(phaseVm.evalCode('delete globalThis.Intl')).dispose()
let marks: { phase: string; at: bigint; polls: number }[] = []
const markFn = phaseVm.newFunction('__mark', (name) => {
  marks.push({ phase: phaseVm.getString(name), at: process.hrtime.bigint(), polls })
})
phaseVm.setProp(phaseVm.global, '__mark', markFn)
markFn.dispose()
const phaseExports = phaseVm.unwrapResult(
  phaseVm.evalCode(phased.outputFiles?.[0]?.text ?? '', 'phases.js', { type: 'module' }),
)
phaseVm.setProp(phaseVm.global, 'P', phaseExports)
phaseExports.dispose()
const PHASE_RUNS = 21
for (const scenario of scenarios) {
  const h = phaseVm.newString(scenario.json)
  phaseVm.setProp(phaseVm.global, 'INPUT', h)
  h.dispose()
  const perPhase = new Map<string, { ms: number[]; polls: number[] }>()
  for (let r = 0; r < PHASE_RUNS; r++) {
    marks = []
    phaseVm.unwrapResult(phaseVm.evalCode('P.phases(INPUT)')).dispose()
    for (let i = 1; i < marks.length; i++) {
      const [a, b] = [marks[i - 1], marks[i]] as [(typeof marks)[number], (typeof marks)[number]]
      const entry = perPhase.get(b.phase) ?? { ms: [], polls: [] }
      entry.ms.push(Number(b.at - a.at) / 1e6)
      entry.polls.push(b.polls - a.polls)
      perPhase.set(b.phase, entry)
    }
  }
  // The fastest of the runs: the one the machine's load disturbed least (the polls do not vary).
  const least = (xs: number[]) => Math.min(...xs)
  const rows = [...perPhase].map(([phase, v]) => ({ phase, ms: least(v.ms), polls: least(v.polls) }))
  const totalMs = rows.reduce((s, r) => s + r.ms, 0)
  console.log(`phases in QuickJS, ${scenario.name} (fastest of ${PHASE_RUNS} runs, load ${load()}):`)
  for (const r of rows)
    console.log(
      `  ${r.phase.padEnd(18)} ${r.ms.toFixed(2).padStart(8)} ms  ${((100 * r.ms) / totalMs).toFixed(0).padStart(3)} %  ${String(r.polls).padStart(4)} polls`,
    )
  console.log(`  ${'total'.padEnd(18)} ${totalMs.toFixed(2).padStart(8)} ms`)
}
phaseVm.dispose()
vm.dispose()
runtime.dispose()

/**
 * The x86 instructions of one QuickJS run, counted by callgrind: a child Node process runs the
 * bundle in QuickJS once (warm-up: Wasm compiled, caches filled), then 1 + EXTRA times; the
 * difference of the two counts over EXTRA is one run.
 */
function instructionsPerRun(directory: string, scenario: number): number {
  const child = join(directory, 'child.mjs')
  writeFileSync(
    child,
    `import { readFileSync } from 'node:fs'
import { getQuickJS } from ${JSON.stringify(import.meta.resolve('quickjs-emscripten'))}
const [dir, scenario, extra] = [process.argv[2], process.argv[3], Number(process.argv[4])]
const vm = (await getQuickJS()).newContext()
vm.unwrapResult(vm.evalCode('delete globalThis.Intl')).dispose()
const exports = vm.unwrapResult(vm.evalCode(readFileSync(dir + '/bundle.mjs', 'utf8'), 'function.js', { type: 'module' }))
vm.setProp(vm.global, 'F', exports)
exports.dispose()
vm.setProp(vm.global, 'INPUT', vm.newString(readFileSync(dir + '/input.' + scenario + '.json', 'utf8')))
for (let i = 0; i < 1 + extra; i++) vm.unwrapResult(vm.evalCode('JSON.stringify(F.cartLinesDiscountsGenerateRun(JSON.parse(INPUT))).length')).dispose()
`,
  )
  const EXTRA = 5
  const count = (extra: number): number => {
    const out = join(directory, `callgrind.${scenario}.${extra}.out`)
    const r = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        '--no-liftoff',
        '--single-threaded',
        child,
        directory,
        String(scenario),
        String(extra),
      ],
      { encoding: 'utf8' },
    )
    const m = /Collected : (\d+)/.exec(r.stderr)
    if (r.status !== 0 || m === null) throw new Error(`valgrind failed: ${r.stderr.slice(-2000)}`)
    return Number(m[1])
  }
  return (count(EXTRA) - count(0)) / EXTRA
}

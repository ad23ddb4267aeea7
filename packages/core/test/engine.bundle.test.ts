/**
 * The engine where a Shopify function runs: `src/engine.ts` bundled with esbuild (platform neutral,
 * minified, with the options every Tessera bundle shares), held under a size budget, and run in
 * QuickJS, the engine Javy embeds, with `Intl` deleted. Every evaluation example of the rules guide
 * (docs/rules.md) is decoded, compiled and evaluated there and in Node (with Intl), and the two
 * answers must be deep-equal.
 */
import { runInThisContext } from 'node:vm'
import * as esbuild from 'esbuild'
import { getQuickJS, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Block, campaignsJson, type EvaluationCase, evaluationCases } from '../../../docs/rulesExamples.ts'
import { ENGINE_BUDGET_BYTES as BUDGET_BYTES, neutralBundleOptions } from '../../../esbuild.shared.ts'
import * as engine from '../src/engine.js'

/**
 * Runs one case on an engine module: the same source in QuickJS and in Node. Plain JavaScript, so
 * QuickJS evaluates exactly this text.
 */
const DRIVER = `(E, input) => {
  const c = JSON.parse(input)
  const right = (e, what) => {
    if (e._tag === 'Left') return { refused: what, error: e.left }
    return { value: e.right }
  }
  const decoded = []
  for (const json of c.campaigns) {
    const r = right(E.decodeCampaigns(json), 'campaigns')
    if (r.refused) return JSON.stringify(r)
    decoded.push(...r.value)
  }
  const basket = right(E.decodeBasket(c.basket), 'basket')
  if (basket.refused) return JSON.stringify(basket)
  const customer = c.customer === undefined ? { value: undefined } : right(E.decodeCustomer(c.customer), 'customer')
  if (customer.refused) return JSON.stringify(customer)
  const program = c.program === undefined ? { value: undefined } : right(E.decodeProgram(c.program), 'program')
  if (program.refused) return JSON.stringify(program)
  const compiled = E.compile(decoded, c.options)
  const evaluation = E.evaluate(compiled, basket.value, customer.value, program.value, c.usage)
  return JSON.stringify({ problems: compiled.problems, evaluation })
}`

const inputOf = (c: EvaluationCase) =>
  JSON.stringify({
    campaigns: c.campaigns.map(campaignsJson),
    basket: c.basket.json,
    customer: c.customer?.json,
    program: c.program?.json,
    usage: c.usage?.json,
  })

// the same text, compiled in Node's own context (with its Intl)
const nodeRun = runInThisContext(DRIVER) as (e: typeof engine, input: string) => string

let bundle = ''
let vm: QuickJSContext
let quickRun: (input: string) => string

beforeAll(async () => {
  const built = await esbuild.build({
    ...neutralBundleOptions,
    entryPoints: [new URL('../src/engine.ts', import.meta.url).pathname],
    write: false,
  })
  bundle = built.outputFiles?.[0]?.text ?? ''
  const quickjs = await getQuickJS()
  vm = quickjs.newContext()
  const unwrap = (r: ReturnType<QuickJSContext['evalCode']>): QuickJSHandle => vm.unwrapResult(r)
  unwrap(vm.evalCode('delete globalThis.Intl')).dispose()
  const exports = unwrap(vm.evalCode(bundle, 'engine.js', { type: 'module' }))
  vm.setProp(vm.global, 'E', exports)
  exports.dispose()
  unwrap(vm.evalCode(`globalThis.run = ${DRIVER}`)).dispose()
  quickRun = (input) => {
    const handle = unwrap(vm.evalCode(`run(E, ${JSON.stringify(input)})`))
    const out = vm.getString(handle)
    handle.dispose()
    return out
  }
}, 60_000)

afterAll(() => {
  vm?.dispose()
})

describe('the engine bundle', () => {
  it(`stays under ${BUDGET_BYTES / 1000} KB minified`, () => {
    expect(bundle.length).toBeGreaterThan(10_000)
    expect(new TextEncoder().encode(bundle).length).toBeLessThanOrEqual(BUDGET_BYTES)
  })

  it('runs in a QuickJS that has no Intl', () => {
    expect(vm.dump(vm.unwrapResult(vm.evalCode('typeof Intl')))).toBe('undefined')
    expect(vm.dump(vm.unwrapResult(vm.evalCode('typeof E.evaluate')))).toBe('function')
  })

  const cases = evaluationCases()

  it('has the guide’s examples to run, among them nudges that format money and campaigns in Europe/Paris', () => {
    expect(cases.length).toBeGreaterThan(20)
    const results = cases.map((c) => ({ c, out: JSON.parse(quickRun(inputOf(c))) }))
    const inParis = results.filter(({ c }) =>
      c.campaigns.some((b: Block) => JSON.stringify(b.json).includes('"Europe/Paris"')),
    )
    expect(inParis.length).toBeGreaterThan(0)
    for (const { out } of inParis) expect(out.refused).toBeUndefined()
    const messages = results.flatMap(({ out }) =>
      (out.evaluation?.nudges ?? []).map((n: { message: string }) => n.message),
    )
    expect(messages.some((m: string) => /€\d+\.\d\d/.test(m))).toBe(true)
  })

  it.each(cases.map((c) => [c.name, c] as const))('evaluates %s in QuickJS as Node does', (_, c) => {
    const input = inputOf(c)
    const inNode = JSON.parse(nodeRun(engine, input))
    expect(inNode.evaluation).toBeDefined()
    expect(JSON.parse(quickRun(input))).toEqual(inNode)
  })

  it('formats a nudge without Intl and accepts a campaign in Europe/Paris judged by the hour', () => {
    const input = JSON.stringify({
      campaigns: [
        [
          {
            id: 'evening-20',
            status: 'active',
            validity: { timeZone: 'Europe/Paris', hours: [{ from: '17:00', until: '19:00' }] },
            trigger: { spend: { atLeast: 2000 } },
            reward: { amountOff: { of: 'basket', amount: 300 } },
          },
        ],
      ],
      // 16:30 UTC is 17:30 in Paris in winter: inside the hours, 3.50 € short of the threshold
      basket: {
        id: 'b1',
        storeId: 's',
        terminalId: 't',
        channel: 'store',
        currency: 'EUR',
        pricesIncludeTax: true,
        at: '2026-12-05T16:30:00Z',
        lines: [{ id: '1', sku: 'a', quantity: 1, unitPrice: 1650, amount: 1650, categories: [] }],
      },
    })
    const inQuickJS = JSON.parse(quickRun(input))
    expect(inQuickJS.problems).toEqual([])
    expect(inQuickJS.evaluation.nudges).toEqual([
      { campaignId: 'evening-20', message: 'Spend €3.50 more: evening-20', missing: { amount: 350 } },
    ])
    expect(inQuickJS).toEqual(JSON.parse(nodeRun(engine, input)))
  })

  it('refuses an unknown zone in QuickJS as Node does, naming the field and the reason', () => {
    const input = JSON.stringify({
      campaigns: [
        [{ id: 'x', status: 'active', validity: { timeZone: 'Mars/Olympus_Mons' }, reward: { points: { fixed: 1 } } }],
      ],
      basket: {},
    })
    const inQuickJS = JSON.parse(quickRun(input))
    expect(inQuickJS.refused).toBe('campaigns')
    expect(JSON.stringify(inQuickJS.error)).toContain('timeZone')
    expect(JSON.stringify(inQuickJS.error)).toContain('is not a known IANA time zone')
    expect(inQuickJS).toEqual(JSON.parse(nodeRun(engine, input)))
  })
})

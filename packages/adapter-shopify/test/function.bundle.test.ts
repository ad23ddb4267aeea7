/**
 * The Shopify function where Shopify runs it: `src/function.ts` bundled with esbuild for a neutral
 * platform (the options every Tessera bundle shares), held under a size budget, and run in QuickJS,
 * the engine Javy embeds, with no Intl, no console of its own, no Node. The fixtures, bad inputs and
 * a sample of random carts go through the bundle in QuickJS and through the same module in Node:
 * outputs and logged reasons must be equal, and every output valid against Shopify's schema.
 */
import * as esbuild from 'esbuild'
import fc from 'fast-check'
import { getQuickJS, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { neutralBundleOptions } from '../../../esbuild.shared.ts'
import { cartDeliveryOptionsDiscountsGenerateRun, cartLinesDiscountsGenerateRun } from '../src/function.js'
import { campaignsArb, cartArb, cartLinesInput, classesArb, deliveryInput } from '../src/testArbitraries.js'
import { TEMPLATE_CAMPAIGNS } from '../src/testCampaigns.js'
import { decimalsAsStrings, fixture, resultProblems } from '../src/testkit.js'

/**
 * The size budget of the function bundle (minified), in bytes: the engine plus the adapter. 110 KB
 * until the lean input decoder (+3.3 KB with the codec's scalar checks, `src/input.lean.ts`), which took the input's decoding in
 * QuickJS from 13 % of a 200-line run to about 1 %.
 */
const BUDGET_BYTES = 115_000

type Target = 'cartLinesDiscountsGenerateRun' | 'cartDeliveryOptionsDiscountsGenerateRun'
const TYPE = {
  cartLinesDiscountsGenerateRun: 'CartLinesDiscountsGenerateRunResult',
  cartDeliveryOptionsDiscountsGenerateRun: 'CartDeliveryOptionsDiscountsGenerateRunResult',
} as const

let bundle = ''
let vm: QuickJSContext
let quickRun: (target: Target, input: unknown) => { output: unknown; logs: string[] }

const NODE = { cartLinesDiscountsGenerateRun, cartDeliveryOptionsDiscountsGenerateRun }

const nodeRun = (target: Target, input: unknown) => {
  const logs: string[] = []
  const error = console.error
  console.error = (line: string) => logs.push(line)
  try {
    return { output: JSON.parse(JSON.stringify(NODE[target](input))) as unknown, logs }
  } finally {
    console.error = error
  }
}

beforeAll(async () => {
  const built = await esbuild.build({
    ...neutralBundleOptions,
    entryPoints: [new URL('../src/function.ts', import.meta.url).pathname],
    write: false,
  })
  bundle = built.outputFiles?.[0]?.text ?? ''
  const quickjs = await getQuickJS()
  vm = quickjs.newContext()
  const unwrap = (r: ReturnType<QuickJSContext['evalCode']>): QuickJSHandle => vm.unwrapResult(r)
  unwrap(
    vm.evalCode(
      'delete globalThis.Intl; globalThis.logs = []; globalThis.console = { error: (l) => logs.push(String(l)) }',
    ),
  ).dispose()
  const exports = unwrap(vm.evalCode(bundle, 'function.js', { type: 'module' }))
  vm.setProp(vm.global, 'F', exports)
  exports.dispose()
  quickRun = (target, input) => {
    const handle = unwrap(
      vm.evalCode(
        `logs = []; JSON.stringify({ output: F.${target}(JSON.parse(${JSON.stringify(JSON.stringify(input))})), logs })`,
      ),
    )
    const out = JSON.parse(vm.getString(handle)) as { output: unknown; logs: string[] }
    handle.dispose()
    return out
  }
}, 60_000)

afterAll(() => vm?.dispose())

const withCampaigns = (input: Record<string, unknown>) => ({
  ...input,
  discount: {
    ...(input.discount as object),
    metafield: { jsonValue: { currency: 'USD', campaigns: TEMPLATE_CAMPAIGNS } },
  },
})

const fixtures: [string, Target, unknown][] = [
  [
    'cart-lines.no-classes',
    'cartLinesDiscountsGenerateRun',
    withCampaigns(fixture('cart-lines.no-classes.input.json')),
  ],
  [
    'cart-lines.order-class',
    'cartLinesDiscountsGenerateRun',
    withCampaigns(fixture('cart-lines.order-class.input.json')),
  ],
  [
    'cart-lines.product-class',
    'cartLinesDiscountsGenerateRun',
    withCampaigns(fixture('cart-lines.product-class.input.json')),
  ],
  [
    'delivery.shipping-class',
    'cartDeliveryOptionsDiscountsGenerateRun',
    withCampaigns(fixture('delivery.shipping-class.input.json')),
  ],
]

const badInputs: [string, Target, unknown][] = [
  ['no input at all', 'cartLinesDiscountsGenerateRun', null],
  [
    'a cart line without its cost',
    'cartLinesDiscountsGenerateRun',
    { cart: { lines: [{ id: 'gid://shopify/CartLine/0' }] }, discount: { discountClasses: ['ORDER'] } },
  ],
  [
    'a malformed metafield',
    'cartLinesDiscountsGenerateRun',
    {
      ...fixture('cart-lines.order-class.input.json'),
      discount: { discountClasses: ['ORDER'], metafield: { value: '{ nope' } },
    },
  ],
  [
    'a cart in another currency than the campaigns',
    'cartDeliveryOptionsDiscountsGenerateRun',
    {
      cart: {
        deliveryGroups: [
          { id: 'g', selectedDeliveryOption: { handle: 'h', cost: { amount: '5.0', currencyCode: 'CAD' } } },
        ],
      },
      discount: {
        discountClasses: ['SHIPPING'],
        metafield: { jsonValue: { currency: 'USD', campaigns: TEMPLATE_CAMPAIGNS } },
      },
    },
  ],
]

describe('the Shopify function bundle', () => {
  it(`stays under ${BUDGET_BYTES / 1000} KB minified and uses no Node API`, () => {
    const bytes = new TextEncoder().encode(bundle).length
    expect(bytes).toBeGreaterThan(20_000)
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES)
    expect(bundle).not.toMatch(/\bprocess\b|\bBuffer\b|node:|\brequire\(/)
  })

  it('runs in a QuickJS without Intl, exporting both targets', () => {
    const dump = (code: string) => {
      const handle = vm.unwrapResult(vm.evalCode(code))
      const value = vm.dump(handle)
      handle.dispose()
      return value
    }
    expect(dump('typeof Intl')).toBe('undefined')
    expect(dump('[typeof F.cartLinesDiscountsGenerateRun, typeof F.cartDeliveryOptionsDiscountsGenerateRun]')).toEqual([
      'function',
      'function',
    ])
  })

  it.each(fixtures)("reproduces Shopify's %s fixture in QuickJS as in Node", (name, target, input) => {
    const quick = quickRun(target, input)
    expect(quick).toEqual(nodeRun(target, input))
    expect(resultProblems(quick.output, TYPE[target])).toEqual([])
    expect(quick.output).toEqual(decimalsAsStrings(fixture(`${name}.output.json`)))
  })

  it.each(badInputs)(
    '%s: an empty operations list and the reason logged, in QuickJS as in Node',
    (_, target, input) => {
      const quick = quickRun(target, input)
      expect(quick.output).toEqual({ operations: [] })
      expect(quick.logs).toHaveLength(1)
      expect(quick.logs[0]).toMatch(/^tessera: no discount: invalid shopify input: /)
      expect(quick).toEqual(nodeRun(target, input))
    },
  )

  it('gives the same output as Node for 60 random carts and campaigns, on both targets', () => {
    const draws = fc.sample(fc.tuple(cartArb, campaignsArb, classesArb), { numRuns: 60, seed: 20261126 })
    let discounted = 0
    for (const [cart, campaigns, classes] of draws) {
      for (const [target, input] of [
        ['cartLinesDiscountsGenerateRun', cartLinesInput(cart, campaigns, classes)],
        ['cartDeliveryOptionsDiscountsGenerateRun', deliveryInput(cart, campaigns, classes)],
      ] as const) {
        const quick = quickRun(target, input)
        expect(quick).toEqual(nodeRun(target, input))
        expect(resultProblems(quick.output, TYPE[target])).toEqual([])
        if ((quick.output as { operations: unknown[] }).operations.length > 0) discounted++
      }
    }
    expect(discounted).toBeGreaterThan(30)
  })
})

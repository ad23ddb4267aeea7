import type { Cart } from '@commercetools/platform-sdk'
import { compile, type DecodeError, decodeCampaigns, type Evaluation } from '@tessera/core'
import fc from 'fast-check'
import type { Either } from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { priceExtensionInput } from '../src/extension.js'
import type { CtCatalog } from '../src/toBasket.js'
import { applyDirectDiscounts, modelLines } from './directDiscounts.model.js'
import { createCart, createProduct, extensionInput, type Platform, startPlatform, updateCart } from './platform.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

const CATEGORIES = ['drinks', 'drinks/wine', 'fresh', 'fresh/cheese']
const CURRENCIES = ['EUR', 'USD', 'JPY', 'KWD'] as const

let platform: Platform
let run = 0
beforeAll(async () => {
  platform = await startPlatform()
})
afterAll(async () => {
  await platform.close()
})

// A cart: 1 to 5 distinct products, each with a random price and quantity, optionally taxed
// externally (a rate per line, included in the price or not for the whole cart).
const cartArb = fc.record({
  currency: fc.constantFrom(...CURRENCIES),
  lines: fc.array(
    fc.record({
      price: fc.integer({ min: 0, max: 50_000 }),
      quantity: fc.integer({ min: 1, max: 12 }),
      category: fc.constantFrom(...CATEGORIES),
      rate: fc.constantFrom(0, 0.07, 0.19, 0.2, 0.255),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  tax: fc.constantFrom('none', 'excluded', 'included'),
})

const selectorArb = fc.oneof(
  fc.constant('*' as const),
  fc.subarray(['drinks', 'fresh', 'fresh/cheese'], { minLength: 1 }).map((category) => ({ category })),
)

const campaignsArb = fc
  .array(
    fc.record({
      reward: fc.oneof(
        fc.record({
          percentOff: fc.record({ of: selectorArb, percent: fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100) }),
        }),
        fc.record({
          amountOff: fc.record({
            of: fc.oneof(selectorArb, fc.constant('basket' as const)),
            amount: fc.integer({ min: 0, max: 5_000 }),
          }),
        }),
        fc.record({
          buyGet: fc.record({
            buy: fc.record({ of: selectorArb, quantity: fc.integer({ min: 1, max: 3 }) }),
            get: fc.record({ of: selectorArb, quantity: fc.constant(1) }),
          }),
        }),
      ),
      priority: fc.integer({ min: 0, max: 5 }),
      exclusive: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((cs) =>
    cs.map((c, i) => ({
      id: `c${i}`,
      status: 'active',
      reward: c.reward,
      stacking: { priority: c.priority, exclusive: c.exclusive },
    })),
  )

type Drawn = typeof cartArb extends fc.Arbitrary<infer T> ? T : never

/** Creates the drawn products and cart in the mock through the SDK; the catalog says their categories. */
const platformCart = async (drawn: Drawn): Promise<{ cart: Cart; catalog: CtCatalog }> => {
  run += 1
  const catalog: Record<string, { categories: string[] }> = {}
  for (const [i, l] of drawn.lines.entries()) {
    const sku = `R${run}-${i}`
    await createProduct(platform.api, sku, [{ currencyCode: drawn.currency, centAmount: l.price }])
    catalog[sku] = { categories: [l.category] }
  }
  return { cart: await platformCartOf(drawn, catalog), catalog }
}

/** A cart of the drawn lines, of products already created (the catalog's SKUs, in order). */
const platformCartOf = async (drawn: Drawn, catalog: CtCatalog): Promise<Cart> => {
  const skus = Object.keys(catalog)
  const lines = drawn.lines.map((l, i) => ({
    sku: skus[i] as string,
    quantity: l.quantity,
    ...(drawn.tax === 'none'
      ? {}
      : {
          externalTaxRate: {
            name: `vat ${l.rate}`,
            amount: l.rate,
            country: 'DE',
            includedInPrice: drawn.tax === 'included',
          },
        }),
  }))
  return createCart(
    platform.api,
    drawn.currency,
    lines,
    drawn.tax === 'none' ? {} : { taxMode: 'External', country: 'DE' },
  )
}

// commercetools' tax of a line after discount, written out independently of the adapter: half even.
const halfEven = (n: bigint, d: bigint) => {
  const q = n / d
  const r2 = 2n * (n % d)
  return Number(r2 > d || (r2 === d && q % 2n === 1n) ? q + 1n : q)
}

const checkTotals = (after: Cart, evaluation: Evaluation, drawn: Drawn) => {
  expect(after.lineItems.map((l) => l.totalPrice.centAmount)).toEqual(evaluation.lines.map((l) => l.net))
  expect(after.totalPrice.centAmount).toBe(evaluation.total)
  if (drawn.tax === 'none') return
  // Taxes stay the platform's, computed on Tessera's net of each line.
  const taxes = evaluation.lines.map((l, i) => {
    const permille = BigInt(Math.round((drawn.lines[i]?.rate ?? 0) * 1000))
    const net = BigInt(l.net)
    return drawn.tax === 'included' ? halfEven(net * permille, 1000n + permille) : halfEven(net * permille, 1000n)
  })
  const tax = taxes.reduce((s, x) => s + x, 0)
  expect(after.taxedPrice?.totalGross.centAmount).toBe(
    drawn.tax === 'included' ? evaluation.total : evaluation.total + tax,
  )
}

describe('through the commercetools mock: the cart totals equal Tessera’s after the adapter’s actions', () => {
  it('externalPrice: the mock computes every line total, the cart total and its taxes to the cent', async () => {
    await fc.assert(
      fc.asyncProperty(cartArb, campaignsArb, async (drawn, docs) => {
        const { cart, catalog } = await platformCart(drawn)
        const compiled = compile(ok(decodeCampaigns(docs)))
        const priced = ok(
          priceExtensionInput(extensionInput(cart, 'Create'), compiled, { catalog, strategy: 'externalPrice' }),
        )
        expect(priced.basket.lines.map((l) => l.amount)).toEqual(cart.lineItems.map((l) => l.totalPrice.centAmount))
        const after = await updateCart(platform.api, cart, priced.actions)
        checkTotals(after, priced.evaluation, drawn)
        // The next update (the platform calls the extension again): same evaluation, the same totals.
        const again = ok(priceExtensionInput(extensionInput(after), compiled, { catalog, strategy: 'externalPrice' }))
        expect(again.evaluation.total).toBe(priced.evaluation.total)
        const twice = await updateCart(platform.api, after, again.actions)
        checkTotals(twice, priced.evaluation, drawn)
      }),
      { numRuns: 60 },
    )
  })

  it('directDiscounts: the mock stores the discounts (it does not apply them); the model of commercetools’ calculation on them gives Tessera’s totals and the mock’s own taxes', async () => {
    await fc.assert(
      fc.asyncProperty(cartArb, campaignsArb, async (drawn, docs) => {
        const { cart, catalog } = await platformCart(drawn)
        const compiled = compile(ok(decodeCampaigns(docs)))
        const priced = ok(priceExtensionInput(extensionInput(cart, 'Create'), compiled, { catalog }))
        const after = await updateCart(platform.api, cart, priced.actions)
        const stored = after.directDiscounts ?? []
        const written = priced.actions.flatMap((a) => (a.action === 'setDirectDiscounts' ? a.discounts : []))
        expect(stored.map(({ value, target }) => ({ value, target }))).toEqual(written)
        // The mock leaves the line and cart totals as they were: it does not apply direct discounts.
        expect(after.totalPrice.centAmount).toBe(priced.evaluation.subtotal)
        // commercetools' calculation (the model: units, application modes, the currency's minor
        // unit, tax after discount) on the stored discounts: Tessera's totals to the minor unit.
        const model = applyDirectDiscounts(modelLines(after), stored, drawn.currency)
        expect(model.lineTotals).toEqual(priced.evaluation.lines.map((l) => l.net))
        expect(model.total).toBe(priced.evaluation.total)
        // Tax after discount, against a real calculation: the mock computes the taxes of the same
        // nets written as external prices (a second cart of the same products).
        if (drawn.tax !== 'none') {
          const twin = await platformCartOf(drawn, catalog)
          const external = ok(
            priceExtensionInput(extensionInput(twin, 'Create'), compiled, { catalog, strategy: 'externalPrice' }),
          )
          const computed = await updateCart(platform.api, twin, external.actions)
          expect(computed.totalPrice.centAmount).toBe(model.total)
          expect(computed.taxedPrice?.totalGross.centAmount).toBe(model.totalGross)
        }
        // Idempotent: the next call on the updated cart answers no action.
        expect(ok(priceExtensionInput(extensionInput(after), compiled, { catalog })).actions).toEqual([])
      }),
      { numRuns: 40 },
    )
  })
})

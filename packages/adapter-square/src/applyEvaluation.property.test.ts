import { compile, type DecodeError, decodeCampaigns, evaluate } from '@tessera/core'
import fc from 'fast-check'
import type { Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { applyEvaluation } from './applyEvaluation.js'
import { calculateOrder } from './calculate.js'
import { orderToBasket, type SquareCatalog } from './toBasket.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

const VARIATIONS = ['VAR-0', 'VAR-1', 'VAR-2', 'VAR-3', 'VAR-4', 'VAR-5']
const CATEGORIES = ['drinks', 'drinks/wine', 'fresh', 'fresh/cheese']
const catalog: SquareCatalog = Object.fromEntries(
  VARIATIONS.map((v, i) => [v, { categories: [CATEGORIES[i % CATEGORIES.length] as string] }]),
)

// A Square line item: a unit line ("3") or a weighed one ("0.532" kg), with priced modifiers.
const lineArb = fc.record({
  variation: fc.constantFrom(...VARIATIONS),
  weighed: fc.boolean(),
  units: fc.integer({ min: 1, max: 6 }),
  grams: fc.integer({ min: 1, max: 3000 }),
  price: fc.integer({ min: 0, max: 20_000 }),
  modifiers: fc.array(
    fc.record({ price: fc.integer({ min: 0, max: 500 }), quantity: fc.integer({ min: 1, max: 3 }) }),
    {
      maxLength: 2,
    },
  ),
  uid: fc.boolean(),
})

const orderArb = fc
  .record({
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    // An ADDITIVE order tax such as "8.875", or none.
    tax: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
  })
  .map(({ currency, lines, tax }) => ({
    id: 'ORDER-1',
    location_id: 'L1',
    created_at: '2026-11-26T10:15:00+01:00',
    line_items: lines.map((l, i) => ({
      ...(l.uid ? { uid: `line-${i}` } : {}),
      catalog_object_id: l.variation,
      quantity: l.weighed ? (l.grams / 1000).toString() : String(l.units),
      ...(l.weighed ? { quantity_unit: { measurement_unit: { weight_unit: 'METRIC_KILOGRAM' }, precision: 3 } } : {}),
      base_price_money: { amount: l.price, currency },
      modifiers: l.modifiers.map((m) => ({
        base_price_money: { amount: m.price, currency },
        quantity: String(m.quantity),
      })),
    })),
    ...(tax === undefined
      ? {}
      : { taxes: [{ uid: 'tax', type: 'ADDITIVE', scope: 'ORDER', percentage: (tax / 1000).toString() }] }),
  }))

const selectorArb = fc.oneof(
  fc.constant('*' as const),
  fc.subarray(VARIATIONS, { minLength: 1 }).map((sku) => ({ sku })),
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

// Square's rounding, written out independently of the adapter: half to even.
const halfEven = (n: bigint, d: bigint) => {
  const q = n / d
  const r2 = 2n * (n % d)
  return Number(r2 > d || (r2 === d && q % 2n === 1n) ? q + 1n : q)
}

describe('Square computes Tessera totals after the adapter writes its discounts', () => {
  it('for random orders and percentOff/amountOff campaigns: every line, the discount total and the total, to the cent', () => {
    fc.assert(
      fc.property(orderArb, campaignsArb, (order, campaignDocs) => {
        const basket = ok(orderToBasket(order, { catalog }))
        const evaluation = evaluate(compile(ok(decodeCampaigns(campaignDocs))), basket)
        const applied = ok(applyEvaluation(order, evaluation))
        const square = ok(calculateOrder(applied))
        expect(square.line_items.map((l) => l.gross_sales_money.amount)).toEqual(evaluation.lines.map((l) => l.amount))
        expect(square.line_items.map((l) => l.total_discount_money.amount)).toEqual(
          evaluation.lines.map((l) => l.discount),
        )
        expect(square.total_discount_money.amount).toBe(evaluation.discountTotal)
        // Taxes stay Square's, computed on Tessera's net of each line.
        expect(square.total_money.amount - square.total_tax_money.amount).toBe(evaluation.total)
        const rate = order.taxes?.[0]?.percentage
        const expectedTax =
          rate === undefined
            ? 0
            : evaluation.lines.reduce(
                (s, l) => s + halfEven(BigInt(l.net) * BigInt(Math.round(Number(rate) * 1000)), 100_000n),
                0,
              )
        expect(square.total_tax_money.amount).toBe(expectedTax)
      }),
      { numRuns: 300 },
    )
  })

  it("applying twice gives the same order (the second apply replaces the first one's discounts)", () => {
    fc.assert(
      fc.property(orderArb, campaignsArb, (order, campaignDocs) => {
        const basket = ok(orderToBasket(order, { catalog }))
        const evaluation = evaluate(compile(ok(decodeCampaigns(campaignDocs))), basket)
        const once = ok(applyEvaluation(order, evaluation))
        expect(ok(applyEvaluation(once, evaluation))).toEqual(once)
      }),
      { numRuns: 100 },
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BasketLine } from '../basket/basket.codec.js'
import { compile } from './compile.js'
import { evaluate } from './evaluate.js'
import type { Evaluation } from './evaluation.codec.js'
import { basket, campaigns, line, run } from './testkit.js'

// What the engine says must be true, whatever the order of the lines: properties over thousands of
// seeded cases (issue 15, items 9–12).

const SEED = 20_261_203

// ---------------------------------------------------------------------------------------------
// generators: few SKUs and few prices, so that ties in unit price are the rule, not the exception
// ---------------------------------------------------------------------------------------------

const SKUS = ['a', 'b', 'c', 'd']
const BRAND_OF: Record<string, string | undefined> = { a: 'X', b: 'X', c: undefined, d: 'Y' }

const linesArb: fc.Arbitrary<BasketLine[]> = fc
  .array(
    fc.record({
      sku: fc.constantFrom(...SKUS),
      quantity: fc.integer({ min: 1, max: 3 }),
      unitPrice: fc.constantFrom(100, 250, 500, 1000),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((ls) =>
    ls.map((l, i) => {
      const brand = BRAND_OF[l.sku]
      return line(`L${i + 1}`, l.sku, l.quantity, l.unitPrice, brand === undefined ? {} : { brand })
    }),
  )

const unitSelectorArb = fc.constantFrom<unknown>(
  '*',
  { brand: ['X'] },
  { brand: ['Y'] },
  { sku: ['a'] },
  { sku: ['a', 'c'] },
  { sku: ['c', 'd'] },
)

/** A reward that consumes units (buy X get Y, fixed price, bundle). */
const consumingArb: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .record({
      buy: fc.record({ of: unitSelectorArb, quantity: fc.integer({ min: 1, max: 2 }) }),
      get: fc.record({
        of: unitSelectorArb,
        quantity: fc.integer({ min: 1, max: 2 }),
        percent: fc.constantFrom(50, 100),
      }),
    })
    .map((buyGet) => ({ buyGet })),
  fc
    .record({ of: unitSelectorArb, quantity: fc.integer({ min: 2, max: 3 }), price: fc.constantFrom(300, 900, 1500) })
    .map((fixedPrice) => ({ fixedPrice })),
  fc
    .record({
      items: fc.array(fc.record({ of: unitSelectorArb, quantity: fc.integer({ min: 1, max: 2 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
      price: fc.constantFrom(200, 600, 1200),
    })
    .map((bundle) => ({ bundle })),
)

/** 1 to 3 consuming campaigns with their own priorities, and maybe 10 % off everything last. */
const consumingCampaignsArb = fc
  .record({
    rewards: fc.array(fc.record({ reward: consumingArb, priority: fc.integer({ min: 0, max: 3 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    tail: fc.boolean(),
  })
  .map(({ rewards, tail }) =>
    campaigns([
      ...rewards.map((r) => ({ reward: r.reward, stacking: { priority: r.priority } })),
      ...(tail ? [{ reward: { percentOff: { of: '*', percent: 10 } }, stacking: { priority: -10 } }] : []),
    ]),
  )

/** What must not depend on the order of the lines: every amount per campaign, and who applied. */
const deal = (e: Evaluation) => ({
  discountTotal: e.discountTotal,
  discounts: e.discounts.map((d) => [d.campaignId, d.amount]),
  applied: e.explanations.map((x) => [x.campaignId, x.applied]),
})

// ---------------------------------------------------------------------------------------------
// 11. scan order
// ---------------------------------------------------------------------------------------------

describe('scan order does not change the deal', () => {
  it('"buy 1 of brand X, get 1 of anything free": the same deal whatever the order of the lines', () => {
    const docs = [{ reward: { buyGet: { buy: { of: { brand: ['X'] }, quantity: 1 }, get: { of: '*', quantity: 1 } } } }]
    const x = (id: string) => line(id, 'a', 1, 1000, { brand: 'X' })
    const y = (id: string) => line(id, 'c', 1, 1000)
    const a = run(docs, basket([x('1'), x('2'), y('3'), y('4')]))
    const b = run(docs, basket([y('3'), y('4'), x('1'), x('2')]))
    const c = run(docs, basket([x('1'), y('3'), x('2'), y('4')]))
    // Each X unit buys one of the other units: two groups, two units free.
    expect(a.discountTotal).toBe(2000)
    expect(b.discountTotal).toBe(2000)
    expect(c.discountTotal).toBe(2000)
  })

  it('shuffling the lines of a basket changes no amount and no verdict (2,000 seeded cases)', () => {
    fc.assert(
      fc.property(
        linesArb.chain((ls) => fc.shuffledSubarray(ls, { minLength: ls.length }).map((shuffled) => ({ ls, shuffled }))),
        consumingCampaignsArb,
        ({ ls, shuffled }, cs) => {
          const compiled = compile(cs)
          expect(deal(evaluate(compiled, basket(shuffled)))).toEqual(deal(evaluate(compiled, basket(ls))))
        },
      ),
      { numRuns: 2000, seed: SEED },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// 12. campaigns that compete for the same units
// ---------------------------------------------------------------------------------------------

/** Every subset of a list. */
const subsets = <A>(xs: readonly A[]): A[][] =>
  xs.reduce<A[][]>((acc, x) => acc.concat(acc.map((s) => [...s, x])), [[]])

describe('campaigns that compete for the same units are a conflict', () => {
  it('3 × A at 5 €: a higher-priority "2 for 9 €" does not cost the shopper the "3 for 2" (5 €, not 1 €)', () => {
    const e = run(
      [
        {
          id: 'two-for-9',
          reward: { fixedPrice: { of: { sku: ['a'] }, quantity: 2, price: 900 } },
          stacking: { priority: 10 },
        },
        {
          id: 'three-for-2',
          reward: { buyGet: { buy: { of: { sku: ['a'] }, quantity: 2 }, get: { of: { sku: ['a'] }, quantity: 1 } } },
        },
      ],
      basket([line('1', 'a', 3, 500)]),
    )
    expect(e.discountTotal).toBe(500)
    expect(e.discounts.map((d) => d.campaignId)).toEqual(['three-for-2'])
    expect(e.explanations.find((x) => x.campaignId === 'two-for-9')).toEqual({
      campaignId: 'two-for-9',
      applied: false,
      reasons: [
        { code: 'LOST_BEST_DEAL', by: 'three-for-2', message: 'another campaign makes more of the same units' },
      ],
    })
  })

  it('the engine gives the largest total of any set of the campaigns, applied in order (2,000 seeded cases)', () => {
    fc.assert(
      fc.property(linesArb, consumingCampaignsArb, (ls, cs) => {
        const b = basket(ls)
        const best = Math.max(...subsets(cs).map((s) => evaluate(compile(s), b).discountTotal))
        expect(evaluate(compile(cs), b).discountTotal).toBe(best)
      }),
      { numRuns: 2000, seed: SEED },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// 9. a campaign that loses the best deal says its own reason first
// ---------------------------------------------------------------------------------------------

const STACKING_REASONS = new Set(['EXCLUDED_BY_EXCLUSIVE', 'LOST_BEST_DEAL', 'LOST_IN_GROUP'])

const discountRewardArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ of: unitSelectorArb, percent: fc.constantFrom(10, 20, 50) }).map((percentOff) => ({ percentOff })),
  fc.record({ of: unitSelectorArb, amount: fc.constantFrom(100, 300, 800) }).map((amountOff) => ({ amountOff })),
  consumingArb,
)

const triggerArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ of: unitSelectorArb, atLeast: fc.integer({ min: 1, max: 4 }) }).map((quantity) => ({ quantity })),
  fc.record({ atLeast: fc.constantFrom(500, 1500, 3000, 6000) }).map((spend) => ({ spend })),
)

/** 1 to 5 campaigns that stack, exclude, share groups and have thresholds. */
const stackingCampaignsArb = fc
  .array(
    fc.record({
      reward: discountRewardArb,
      trigger: fc.option(triggerArb, { nil: undefined }),
      priority: fc.integer({ min: 0, max: 3 }),
      stacking: fc.constantFrom('none', 'exclusive', 'g1', 'g2'),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((cs) =>
    campaigns(
      cs.map((c) => ({
        reward: c.reward,
        ...(c.trigger === undefined ? {} : { trigger: c.trigger }),
        stacking: {
          priority: c.priority,
          ...(c.stacking === 'exclusive' ? { exclusive: true } : c.stacking === 'none' ? {} : { group: c.stacking }),
        },
      })),
    ),
  )

describe('a campaign that loses the best deal says its own reason first', () => {
  it('a stacking reason only when it would have applied alone, "by" only a campaign that applied (3,000 cases)', () => {
    let stacked = 0
    fc.assert(
      fc.property(linesArb, stackingCampaignsArb, (ls, cs) => {
        const b = basket(ls)
        const e = evaluate(compile(cs), b)
        const applied = new Set(e.explanations.filter((x) => x.applied).map((x) => x.campaignId))
        for (const x of e.explanations) {
          if (x.applied) continue
          const alone = evaluate(compile(cs.filter((c) => c.id === x.campaignId)), b).explanations[0]
          const stacking = x.reasons.filter((r) => STACKING_REASONS.has(r.code))
          if (stacking.length > 0) {
            // It lost the best deal: it would have applied alone, and says only that.
            expect(alone?.applied).toBe(true)
            expect(x.reasons).toEqual(stacking)
            stacked++
          }
          if (!alone?.applied) {
            // It could not have applied anyway: its own reason, and no stacking reason.
            expect(stacking).toEqual([])
            expect(x.reasons.length).toBeGreaterThan(0)
          }
          for (const r of stacking) if (r.by !== undefined) expect(applied.has(r.by)).toBe(true)
        }
      }),
      { numRuns: 3000, seed: SEED },
    )
    expect(stacked).toBeGreaterThan(100)
  })

  it('keeps the MIN_SPEND reason and the nudge of a campaign an exclusive one beat', () => {
    const e = run(
      [
        { id: 'all-30', reward: { percentOff: { of: '*', percent: 30 } }, stacking: { exclusive: true } },
        { id: 'spend-20', trigger: { spend: { atLeast: 2000 } }, reward: { amountOff: { of: 'basket', amount: 100 } } },
      ],
      basket([line('1', 'a', 1, 1500)]),
    )
    expect(e.explanations.find((x) => x.campaignId === 'spend-20')?.reasons).toEqual([
      expect.objectContaining({ code: 'MIN_SPEND', required: 2000, actual: 1500 }),
    ])
    expect(e.nudges.map((n) => n.campaignId)).toEqual(['spend-20'])
  })
})

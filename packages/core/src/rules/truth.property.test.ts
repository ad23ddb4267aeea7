import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Basket, BasketLine } from '../basket/basket.codec.js'
import { compile } from './compile.js'
import { evaluate } from './evaluate.js'
import type { Evaluation, Nudge } from './evaluation.codec.js'
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

// ---------------------------------------------------------------------------------------------
// 10. nudges are true
// ---------------------------------------------------------------------------------------------

type Sel = { sku?: string[]; category?: string[]; brand?: string[]; tag?: string[] }

/** Follows a nudge: adds to the basket what it says (the named product, or a new one its selector picks). */
const follow = (b: Basket, n: Nudge): Basket => {
  const m = n.missing
  const of = (m.of ?? {}) as Sel
  const named = m.sku === undefined ? undefined : b.lines.find((l) => l.sku === m.sku)
  const fresh = (id: string, sku: string, quantity: number, unitPrice: number): BasketLine =>
    line(id, sku, quantity, unitPrice, {
      ...(of.category === undefined ? {} : { categories: [of.category[0] as string] }),
      ...(of.brand === undefined ? {} : { brand: of.brand[0] }),
      ...(of.tag === undefined ? {} : { tags: [of.tag[0] as string] }),
    })
  const added: BasketLine[] = []
  if (m.amount !== undefined) {
    added.push(
      named !== undefined
        ? { ...named, id: 'F1', quantity: 1, unitPrice: m.amount, amount: m.amount }
        : fresh('F1', m.sku ?? of.sku?.[0] ?? 'fresh', 1, m.amount),
    )
  } else if (n.message.includes('different product')) {
    const inBasket = new Set<string>(b.lines.map((l) => l.sku))
    const skus = of.sku === undefined ? [] : of.sku.filter((s) => !inBasket.has(s))
    for (let k = 0; k < (m.quantity ?? 0); k++) added.push(fresh(`F${k + 1}`, skus[k] ?? `fresh-${k + 1}`, 1, 100))
  } else {
    const q = m.quantity ?? 0
    added.push(
      named !== undefined
        ? { ...named, id: 'F1', quantity: q, amount: (named.unitPrice * q) as BasketLine['amount'] }
        : fresh('F1', of.sku?.[0] ?? 'fresh', q, 100),
    )
  }
  return { ...b, lines: [...b.lines, ...added] }
}

const nudgeTriggerArb: fc.Arbitrary<unknown> = fc.oneof(
  triggerArb,
  unitSelectorArb.map((contains) => ({ contains })),
  fc.record({ of: unitSelectorArb, atLeast: fc.integer({ min: 1, max: 3 }) }).map((distinct) => ({ distinct })),
  fc
    .record({ of: unitSelectorArb, atLeast: fc.integer({ min: 1, max: 4 }), spend: fc.constantFrom(500, 1500, 3000) })
    .map(({ of, atLeast, spend }) => ({ all: [{ quantity: { of, atLeast } }, { spend: { atLeast: spend } }] })),
)

const nudgeCampaignsArb = fc
  .array(
    fc.record({
      reward: discountRewardArb,
      trigger: fc.option(nudgeTriggerArb, { nil: undefined }),
      priority: fc.integer({ min: 0, max: 3 }),
      stacking: fc.constantFrom('none', 'none', 'exclusive', 'g1'),
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

describe('nudges are true', () => {
  it('following any nudge makes its campaign apply (or lose only the best deal, having applied alone) (3,000 cases)', () => {
    let followed = 0
    fc.assert(
      fc.property(linesArb, nudgeCampaignsArb, (ls, cs) => {
        const compiled = compile(cs, { maxNudges: Number.POSITIVE_INFINITY })
        const b = basket(ls)
        for (const n of evaluate(compiled, b).nudges) {
          const after = evaluate(compiled, follow(b, n)).explanations.find((x) => x.campaignId === n.campaignId)
          followed++
          const lostBestDeal = after?.reasons.some((r) => STACKING_REASONS.has(r.code)) === true
          expect(after?.applied === true || lostBestDeal, JSON.stringify({ nudge: n, after })).toBe(true)
        }
      }),
      { numRuns: 3000, seed: SEED },
    )
    expect(followed).toBeGreaterThan(1000)
  })

  it('nudges read late are the nudges read at once, whatever the engine evaluated in between (1,000 cases)', () => {
    let compared = 0
    fc.assert(
      fc.property(linesArb, linesArb, nudgeCampaignsArb, (ls1, ls2, cs) => {
        const shared = compile(cs, { maxNudges: Number.POSITIVE_INFINITY })
        const b1 = basket(ls1)
        const late = evaluate(shared, b1)
        // The engine's buffers serve other baskets before the first one's nudges are read.
        void evaluate(shared, basket(ls2)).nudges
        void evaluate(shared, basket([...ls2, ...ls1])).nudges
        const atOnce = evaluate(compile(cs, { maxNudges: Number.POSITIVE_INFINITY }), b1).nudges
        compared += atOnce.length
        expect(late.nudges).toEqual(atOnce)
      }),
      { numRuns: 1000, seed: SEED },
    )
    expect(compared).toBeGreaterThan(300)
  })

  it('"buy 2 pasta, 50 % off the sauce": no nudge without sauce in the basket; with sauce, one more pasta pays', () => {
    const docs = [
      {
        trigger: { quantity: { of: { category: ['pasta'] }, atLeast: 2 } },
        reward: { percentOff: { of: { category: ['sauce'] }, percent: 50 } },
      },
    ]
    const pasta = line('1', 'penne', 1, 120, { categories: ['pasta'] })
    expect(run(docs, basket([pasta])).nudges).toEqual([])
    const withSauce = basket([pasta, line('2', 'pesto', 1, 300, { categories: ['sauce'] })])
    const e = run(docs, withSauce)
    expect(e.nudges).toEqual([
      {
        campaignId: 'c1',
        message: 'Add 1 more item from pasta: c1',
        missing: { quantity: 1, of: { category: ['pasta'] } },
      },
    ])
    expect(run(docs, follow(withSauce, e.nudges[0] as Nudge)).discountTotal).toBe(150)
  })

  it('"yogurts 3 for 2", triggered from 2: with 1 yogurt the true nudge asks for 2 more, not 1', () => {
    const yogurts = { category: ['yogurt'] }
    const docs = [
      {
        trigger: { quantity: { of: yogurts, atLeast: 2 } },
        reward: { buyGet: { buy: { of: yogurts, quantity: 2 }, get: { of: yogurts, quantity: 1, percent: 100 } } },
      },
    ]
    const one = basket([line('1', 'skyr', 1, 339, { categories: ['yogurt'] })])
    const e = run(docs, one)
    expect(e.nudges.map((n) => n.missing)).toEqual([{ quantity: 2, of: yogurts }])
    expect(run(docs, follow(one, e.nudges[0] as Nudge)).discountTotal).toBeGreaterThan(0)
  })

  it('"2 jars for 5 €": no nudge into NO_SAVING on 2.40 € jars; on 2.60 € jars, one more jar saves 0.20 €', () => {
    const docs = [{ reward: { fixedPrice: { of: { category: ['jam'] }, quantity: 2, price: 500 } } }]
    expect(run(docs, basket([line('1', 'jar', 1, 240, { categories: ['jam'] })])).nudges).toEqual([])
    const dear = basket([line('1', 'jar', 1, 260, { categories: ['jam'] })])
    const e = run(docs, dear)
    expect(e.nudges.map((n) => n.missing)).toEqual([{ quantity: 1, of: { category: ['jam'] }, sku: 'jar' }])
    expect(run(docs, follow(dear, e.nudges[0] as Nudge)).discountTotal).toBe(20)
  })

  it('a spend nudge counts the discount the item added gets from another campaign', () => {
    // 10 % off everything first; then 5 € off from 50 € (net). 40 € of goods: net 36 €.
    // Adding 14 € would net only 12.60 €: the nudge asks for (14 + 0.01) / 0.9 → 15.57 €.
    const docs = [
      { reward: { percentOff: { of: '*', percent: 10 } }, stacking: { priority: 10 } },
      { trigger: { spend: { atLeast: 5000 } }, reward: { amountOff: { of: 'basket', amount: 500 } } },
    ]
    const b = basket([line('1', 'a', 1, 4000)])
    const e = run(docs, b)
    expect(e.nudges.map((n) => n.missing)).toEqual([{ amount: 1557, sku: 'a' }])
    const after = run(docs, follow(b, e.nudges[0] as Nudge))
    expect(after.explanations.find((x) => x.campaignId === 'c2')?.applied).toBe(true)
  })
})

import { describe, expect, it } from 'vitest'
import { basket, discountsByLine, line, reasonsOf, run } from '../testkit.js'

const threeForTwo = { buyGet: { buy: { of: '*', quantity: 2 }, get: { of: '*', quantity: 1 } } }

describe('buyGet', () => {
  it('3 for 2: groups of 3 from the most valuable, the cheapest of each group free', () => {
    // Units sorted: 500, 400, 300, 200, 100, 100. Groups: (500,400,300) → 300 free; (200,100,100) → 100 free.
    const e = run(
      [{ reward: threeForTwo }],
      basket([
        line('1', 'a', 1, 500),
        line('2', 'b', 1, 400),
        line('3', 'c', 1, 300),
        line('4', 'd', 1, 200),
        line('5', 'e', 2, 100),
      ]),
    )
    expect(e.discountTotal).toBe(400)
    expect(discountsByLine(e)).toEqual({ 1: 0, 2: 0, 3: 300, 4: 0, 5: 100 })
  })

  it('works when trigger and target are the same item (one line of 2 jars, second half price)', () => {
    // 2 × 349 = 698: units 349, 349; group (349 buy, 349 get) → 50 % of 349 = 174.5 → 175 (DESIGN example).
    const e = run(
      [
        {
          reward: {
            buyGet: {
              buy: { of: { brand: ['Nutella'] }, quantity: 1 },
              get: { of: { brand: ['Nutella'] }, quantity: 1, percent: 50 },
            },
          },
        },
      ],
      basket([line('1', '3017620422003', 2, 349, { brand: 'Nutella' })]),
    )
    expect(e.discountTotal).toBe(175)
    expect(e.lines[0]?.net).toBe(523)
  })

  it('takes the percentage once over all rewarded units (no per-unit rounding drift)', () => {
    // 6 units of 15, buy 1 get 1 at 50 %: 3 rewarded units, 45 × 50 % = 22.5 → 23 (per unit: 7.5 → 8 × 3 = 24).
    const e = run(
      [{ reward: { buyGet: { buy: { of: '*', quantity: 1 }, get: { of: '*', quantity: 1, percent: 50 } } } }],
      basket([line('1', 'a', 6, 15)]),
    )
    expect(e.discountTotal).toBe(23)
  })

  it('buy one product, get another: the get side must be discountable', () => {
    // Buy 1 coffee (800), get 1 biscuit (250) free. Biscuits of line 3 are not discountable.
    const e = run(
      [
        {
          reward: {
            buyGet: {
              buy: { of: { sku: ['coffee'] }, quantity: 1 },
              get: { of: { sku: ['biscuit', 'cookie'] }, quantity: 1 },
            },
          },
        },
      ],
      basket([
        line('1', 'coffee', 2, 800),
        line('2', 'biscuit', 1, 250),
        line('3', 'cookie', 1, 400, { discountable: false }),
      ]),
    )
    expect(discountsByLine(e)).toEqual({ 1: 0, 2: 250, 3: 0 })
  })

  it('a unit serves one consuming reward: a second campaign only gets the units left', () => {
    // 3 a and 2 b at 100. c1 (priority 2) 3 for 2 on a: consumes the 3 a, 100 off. c2 (buy 1 get 1
    // on anything) sees only the 2 b: one group, 100 off. (c2 alone would also give 200: on a tie
    // the choice with the higher-priority c1 wins.)
    const e = run(
      [
        {
          reward: { buyGet: { buy: { of: { sku: ['a'] }, quantity: 2 }, get: { of: { sku: ['a'] }, quantity: 1 } } },
          stacking: { priority: 2 },
        },
        { reward: { buyGet: { buy: { of: '*', quantity: 1 }, get: { of: '*', quantity: 1 } } } },
      ],
      basket([line('1', 'a', 3, 100), line('2', 'b', 2, 100)]),
    )
    expect(e.discountTotal).toBe(200)
    expect(e.discounts.map((d) => [d.campaignId, d.allocations])).toEqual([
      ['c1', [{ lineId: '1', amount: 100 }]],
      ['c2', [{ lineId: '2', amount: 100 }]],
    ])
  })

  it('campaigns competing for the same units: the better deal for the shopper wins (LOST_BEST_DEAL)', () => {
    // 4 units of 100: 3 for 2 first would give 100 and leave 1 unit to buy 1 get 1; buy 1 get 1 alone gives 200.
    const e = run(
      [
        { reward: threeForTwo, stacking: { priority: 2 } },
        { reward: { buyGet: { buy: { of: '*', quantity: 1 }, get: { of: '*', quantity: 1 } } } },
      ],
      basket([line('1', 'a', 4, 100)]),
    )
    expect(e.discountTotal).toBe(200)
    expect(reasonsOf(e, 'c1')).toEqual(['LOST_BEST_DEAL'])
  })

  it('nudges when one more unit would complete another group', () => {
    // 5 units: one group of 3 free, 2 left → one more makes another group.
    const e = run([{ reward: threeForTwo }], basket([line('1', 'a', 5, 100)]))
    expect(e.discountTotal).toBe(100)
    expect(e.nudges.map((n) => n.missing)).toEqual([{ quantity: 1, sku: 'a' }])
  })
})

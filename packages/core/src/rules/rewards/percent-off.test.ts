import { describe, expect, it } from 'vitest'
import { basket, discountsByLine, line, run } from '../testkit.js'

describe('percentOff', () => {
  it('takes the percentage once on the total, half-up, then allocates by line amount', () => {
    // 3 lines 333 + 333 + 334 = 1000; 12.5 % of 1000 = 125 exactly.
    // Allocation by largest remainder: 125 × 333/1000 = 41.625, 41.625, 41.75 → floors 41, 41, 41 (123),
    // the 2 left go to the largest remainders: line 3 (.75) then line 1 (.625, earlier) → 42, 41, 42.
    const e = run(
      [{ reward: { percentOff: { of: '*', percent: 12.5 } } }],
      basket([line('1', 'a', 1, 333), line('2', 'b', 1, 333), line('3', 'c', 1, 334)]),
    )
    expect(e.discountTotal).toBe(125)
    expect(discountsByLine(e)).toEqual({ 1: 42, 2: 41, 3: 42 })
  })

  it('rounds half-up on the total, so per-unit rounding never compounds with quantity', () => {
    // 7 units at 15: 10 % of 105 = 10.5 → 11. Per unit it would be 1.5 → 2 × 7 = 14.
    const e = run([{ reward: { percentOff: { of: '*', percent: 10 } } }], basket([line('1', 'a', 7, 15)]))
    expect(e.discountTotal).toBe(11)
  })

  it('a 100 % discount leaves nothing behind', () => {
    // 3 × 333 = 999 and 1 × 1: 100 % of 1000 = 1000, every line to 0.
    const e = run(
      [{ reward: { percentOff: { of: '*', percent: 100 } } }],
      basket([line('1', 'a', 3, 333), line('2', 'b', 1, 1)]),
    )
    expect(e.total).toBe(0)
    expect(e.lines.map((l) => l.net)).toEqual([0, 0])
  })

  it('caps the discount at `cap`', () => {
    // 50 % of 3000 = 1500, capped to 1000.
    const e = run([{ reward: { percentOff: { of: '*', percent: 50, cap: 1000 } } }], basket([line('1', 'a', 1, 3000)]))
    expect(e.discountTotal).toBe(1000)
  })

  it('with maxUnits, counts only the most valuable units', () => {
    // Units 500, 300, 300, 100; maxUnits 2 → base 500 + 300 = 800; 25 % = 200 → line 1: 125, line 2: 75.
    const e = run(
      [{ reward: { percentOff: { of: '*', percent: 25, maxUnits: 2 } } }],
      basket([line('1', 'a', 1, 500), line('2', 'b', 2, 300), line('3', 'c', 1, 100)]),
    )
    expect(discountsByLine(e)).toEqual({ 1: 125, 2: 75, 3: 0 })
  })

  it('never rewards a line that is not discountable, and says so when nothing is left', () => {
    const e = run(
      [{ reward: { percentOff: { of: '*', percent: 50 } } }],
      basket([line('1', 'a', 1, 1000, { discountable: false })]),
    )
    expect(e.discountTotal).toBe(0)
    expect(e.explanations[0]).toEqual({ campaignId: 'c1', applied: false, reasons: [{ code: 'NOTHING_DISCOUNTABLE' }] })
  })

  it('applies to what earlier campaigns left (a % voucher on discounted prices, never on the original)', () => {
    // c1 (priority 10): 500 off line of 1000 → 500 left. c2: 100 % of what is left = 500, total 0, not -500.
    const e = run(
      [
        { reward: { amountOff: { of: 'basket', amount: 500 } }, stacking: { priority: 10 } },
        { reward: { percentOff: { of: '*', percent: 100 } } },
      ],
      basket([line('1', 'a', 1, 1000)]),
    )
    expect(e.discounts.map((d) => d.amount)).toEqual([500, 500])
    expect(e.total).toBe(0)
  })
})

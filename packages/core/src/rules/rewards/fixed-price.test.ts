import { describe, expect, it } from 'vitest'
import { basket, discountsByLine, line, reasonsOf, run } from '../testkit.js'

describe('fixedPrice', () => {
  it('3 for 10 €, repeated as often as the units allow, most valuable units first', () => {
    // 7 units: 4 × 400 (line 1) and 3 × 350 (line 2). Sorted: 400 ×4, 350 ×3.
    // Group 1: 400+400+400 = 1200 → saves 200. Group 2: 400+350+350 = 1100 → saves 100. 1 unit (350) left.
    // Line 1 gets 200 + 100 × 400/1100 (36.36) and line 2 gets 100 × 700/1100 (63.64):
    // allocate(100, [400, 350, 350]) = [36, 32, 32] → line 1: 236, line 2: 64.
    const e = run(
      [{ reward: { fixedPrice: { of: '*', quantity: 3, price: 1000 } } }],
      basket([line('1', 'a', 4, 400), line('2', 'b', 3, 350)]),
    )
    expect(e.discountTotal).toBe(300)
    expect(discountsByLine(e)).toEqual({ 1: 236, 2: 64 })
  })

  it('stops at limits.perBasket', () => {
    // 6 units at 400, 3 for 1000, perBasket 1 → one group, saves 200.
    const e = run(
      [{ reward: { fixedPrice: { of: '*', quantity: 3, price: 1000 } }, limits: { perBasket: 1 } }],
      basket([line('1', 'a', 6, 400)]),
    )
    expect(e.discountTotal).toBe(200)
  })

  it('explains NOT_ENOUGH_UNITS and nudges when one more unit would earn the price', () => {
    const e = run(
      [{ reward: { fixedPrice: { of: '*', quantity: 3, price: 1000 } }, labels: { nudge: 'One more for 3 for 10 €' } }],
      basket([line('1', 'a', 2, 400)]),
    )
    expect(reasonsOf(e, 'c1')).toEqual(['NOT_ENOUGH_UNITS'])
    expect(e.nudges).toEqual([
      { campaignId: 'c1', message: 'One more for 3 for 10 €', missing: { quantity: 1, sku: 'a' } },
    ])
  })

  it('does not raise a price: units cheaper than the fixed price are left alone (NO_SAVING)', () => {
    const e = run([{ reward: { fixedPrice: { of: '*', quantity: 3, price: 1000 } } }], basket([line('1', 'a', 3, 200)]))
    expect(e.discountTotal).toBe(0)
    expect(reasonsOf(e, 'c1')).toEqual(['NO_SAVING'])
  })
})

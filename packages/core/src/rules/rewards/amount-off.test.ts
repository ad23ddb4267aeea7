import { describe, expect, it } from 'vitest'
import { basket, discountsByLine, line, run } from '../testkit.js'

describe('amountOff', () => {
  it('prorates over the basket by line amount, by largest remainder', () => {
    // 500 over 1000 + 2000 + 3000 (6000): 83.33, 166.67, 250 → 83, 166, 250 (499); the 1 left goes to
    // the largest remainder (line 2, .67) → 83, 167, 250.
    const e = run(
      [{ reward: { amountOff: { of: 'basket', amount: 500 } } }],
      basket([line('1', 'a', 1, 1000), line('2', 'b', 1, 2000), line('3', 'c', 1, 3000)]),
    )
    expect(discountsByLine(e)).toEqual({ 1: 83, 2: 167, 3: 250 })
    expect(e.discounts[0]?.allocations.reduce((s, a) => s + a.amount, 0)).toBe(500)
  })

  it('only touches the selected lines', () => {
    const e = run(
      [{ reward: { amountOff: { of: { brand: ['Nutella'] }, amount: 300 } } }],
      basket([line('1', 'a', 1, 1000, { brand: 'Nutella' }), line('2', 'b', 1, 2000)]),
    )
    expect(discountsByLine(e)).toEqual({ 1: 300, 2: 0 })
  })

  it('never gives more than what remains: 5 € off a 3 € basket is 3 €', () => {
    const e = run([{ reward: { amountOff: { of: 'basket', amount: 500 } } }], basket([line('1', 'a', 1, 300)]))
    expect(e.total).toBe(0)
    expect(e.discountTotal).toBe(300)
  })
})

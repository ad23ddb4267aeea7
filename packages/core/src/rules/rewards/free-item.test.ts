import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

describe('freeItem', () => {
  it('returns a gift for the till to add at zero, and discounts nothing', () => {
    const e = run(
      [{ reward: { freeItem: { sku: 'tote-bag', quantity: 2 } }, labels: { receipt: 'Free tote bag' } }],
      basket([line('1', 'a', 1, 1000)]),
    )
    expect(e.gifts).toEqual([{ campaignId: 'c1', sku: 'tote-bag', quantity: 2, label: 'Free tote bag' }])
    expect(e.discountTotal).toBe(0)
  })
})

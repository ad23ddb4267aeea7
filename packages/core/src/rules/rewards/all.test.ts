import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

describe('all (several rewards)', () => {
  it('gives every part: a discount, a gift and a coupon from one campaign', () => {
    const e = run(
      [
        {
          reward: {
            all: [
              { percentOff: { of: '*', percent: 10 } },
              { freeItem: { sku: 'bag' } },
              { issueCoupon: { template: 't', validForDays: 7 } },
            ],
          },
        },
      ],
      basket([line('1', 'a', 1, 1000)]),
    )
    expect(e.discountTotal).toBe(100)
    expect(e.gifts).toHaveLength(1)
    expect(e.coupons).toHaveLength(1)
  })
})

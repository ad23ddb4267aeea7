import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

describe('issueCoupon', () => {
  it('previews a coupon valid until the basket time + validForDays, in the basket offset', () => {
    // 2026-11-26T10:15+01:00 + 30 days = 2026-12-26T10:15+01:00.
    const e = run(
      [
        {
          reward: { issueCoupon: { template: 'next-visit-5-off', validForDays: 30 } },
          labels: { receipt: '5 € next time' },
        },
      ],
      basket([line('1', 'a', 1, 1000)]),
    )
    expect(e.coupons).toEqual([
      {
        campaignId: 'c1',
        template: 'next-visit-5-off',
        label: '5 € next time',
        validUntil: '2026-12-26T10:15:00+01:00',
      },
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

describe('spend condition', () => {
  it('defaults to net: money already discounted by an earlier campaign does not count', () => {
    // Basket 2100; c1 (priority 5) takes 200 → net 1900 < 2000, so c2 does not apply.
    const docs = [
      { reward: { amountOff: { of: 'basket', amount: 200 } }, stacking: { priority: 5 } },
      { trigger: { spend: { atLeast: 2000 } }, reward: { amountOff: { of: 'basket', amount: 300 } } },
    ]
    const e = run(docs, basket([line('1', 'a', 1, 2100)]))
    expect(e.discountTotal).toBe(200)
    expect(e.explanations.find((x) => x.campaignId === 'c2')?.reasons[0]).toEqual({
      code: 'MIN_SPEND',
      required: 2000,
      actual: 1900,
      message: 'spend after the discounts applied before this campaign',
    })
    expect(e.nudges).toEqual([{ campaignId: 'c2', message: 'Spend €1.00 more: c2', missing: { amount: 100 } }])
  })

  it('gross counts line amounts before any discount', () => {
    const docs = [
      { reward: { amountOff: { of: 'basket', amount: 200 } }, stacking: { priority: 5 } },
      { trigger: { spend: { atLeast: 2000, basis: 'gross' } }, reward: { amountOff: { of: 'basket', amount: 300 } } },
    ]
    expect(run(docs, basket([line('1', 'a', 1, 2100)])).discountTotal).toBe(500)
  })

  it('counts only the selected lines with `of`, categories matching their parents', () => {
    const doc = {
      trigger: { spend: { of: { category: ['grocery'] }, atLeast: 1000 } },
      reward: { amountOff: { of: 'basket', amount: 100 } },
    }
    const e = run(
      [doc],
      basket([
        line('1', 'a', 1, 600, { categories: ['grocery/spreads'] }),
        line('2', 'b', 1, 600, { categories: ['fresh'] }),
      ]),
    )
    expect(e.explanations[0]?.reasons[0]).toMatchObject({ code: 'MIN_SPEND', actual: 600 })
  })
})

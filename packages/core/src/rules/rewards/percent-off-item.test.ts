import { describe, expect, it } from 'vitest'
import { decodeCampaign } from '../campaign.codec.js'
import { basket, discountsByLine, line, reasonsOf, run } from '../testkit.js'

const item = (pick: 'cheapest' | 'mostExpensive', percent = 50) => ({
  reward: { percentOffItem: { of: { category: ['grocery'] }, percent, pick } },
})

// 5.00 €, 2 × 3.00 €, 2.00 €, and a 9.00 € line that is not discountable.
const shop = basket([
  line('1', 'a', 1, 500),
  line('2', 'b', 2, 300),
  line('3', 'c', 1, 200),
  line('4', 'd', 1, 900, { discountable: false }),
])

describe('percentOffItem', () => {
  it('takes the percentage off the cheapest matching item only', () => {
    const e = run([item('cheapest')], shop)
    expect(e.discountTotal).toBe(100)
    expect(discountsByLine(e)).toEqual({ 1: 0, 2: 0, 3: 100, 4: 0 })
  })

  it('or off the most expensive one (a non-discountable line never counts)', () => {
    const e = run([item('mostExpensive', 30)], shop)
    expect(e.discountTotal).toBe(150)
    expect(discountsByLine(e)).toEqual({ 1: 150, 2: 0, 3: 0, 4: 0 })
  })

  it('values a unit at what remains of it, rounds half-up, and ties go by SKU, not scan order', () => {
    // Two 3.33 € items of different SKUs: 12.5 % of 333 = 41.625 → 42, on SKU "a" whatever the order.
    const x = line('1', 'b', 1, 333)
    const y = line('2', 'a', 1, 333)
    for (const lines of [
      [x, y],
      [y, x],
    ]) {
      const e = run([item('cheapest', 12.5)], basket(lines))
      expect(e.discounts[0]?.allocations).toEqual([{ lineId: '2', amount: 42 }])
    }
  })

  it('says NOTHING_DISCOUNTABLE when no matching item is left', () => {
    const e = run([item('cheapest')], basket([line('1', 'a', 1, 500, { discountable: false })]))
    expect(e.discountTotal).toBe(0)
    expect(reasonsOf(e, 'c1')).toEqual(['NOTHING_DISCOUNTABLE'])
  })

  it('refuses a bad pick, naming the field', () => {
    const r = decodeCampaign({
      id: 'x',
      status: 'active',
      reward: { percentOffItem: { of: '*', percent: 10, pick: 'cheapst' } },
    })
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') expect(r.left.problems.map((p) => p.path)).toEqual(['reward.percentOffItem.pick'])
  })
})

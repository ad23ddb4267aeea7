import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

const three = { trigger: { distinct: { of: '*', atLeast: 3 } }, reward: { amountOff: { of: 'basket', amount: 100 } } }

describe('distinct condition', () => {
  it('counts different SKUs, not lines or units', () => {
    // sku a twice (two lines, 5 units) + sku b = 2 distinct.
    const e = run([three], basket([line('1', 'a', 5, 100), line('2', 'a', 1, 100), line('3', 'b', 1, 100)]))
    expect(e.explanations[0]?.reasons).toEqual([{ code: 'MIN_DISTINCT', required: 3, actual: 2 }])
    expect(e.nudges[0]?.message).toBe('Add 1 more different product: c1')
  })

  it('passes at the threshold', () => {
    const e = run([three], basket([line('1', 'a', 1, 100), line('2', 'b', 1, 100), line('3', 'c', 1, 100)]))
    expect(e.discountTotal).toBe(100)
  })
})

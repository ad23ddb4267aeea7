import { describe, expect, it } from 'vitest'
import { basket, line, reasonsOf, run } from '../testkit.js'

const tiered = {
  tieredPercentOff: {
    of: '*',
    tiers: [
      { atLeast: 2000, percent: 5 },
      { atLeast: 5000, percent: 10 },
    ],
  },
}

describe('tieredPercentOff', () => {
  it('gives the highest tier reached, on the whole amount', () => {
    // 4999 → 5 % = 249.95 → 250; 5000 → 10 % = 500.
    expect(run([{ reward: tiered }], basket([line('1', 'a', 1, 4999)])).discountTotal).toBe(250)
    expect(run([{ reward: tiered }], basket([line('1', 'a', 1, 5000)])).discountTotal).toBe(500)
  })

  it('explains MIN_SPEND below the first tier', () => {
    const e = run([{ reward: tiered }], basket([line('1', 'a', 1, 1999)]))
    expect(e.discountTotal).toBe(0)
    expect(reasonsOf(e, 'c1')).toEqual(['MIN_SPEND'])
  })
})

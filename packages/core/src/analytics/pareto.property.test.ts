import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { paretoShare } from './pareto.js'

const populationArb = fc
  .array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 200 })
  .filter((spends) => spends.some((s) => s > 0))

describe('paretoShare (properties)', () => {
  it('is within [0.2, 1] for any non-empty population with positive spend', () => {
    fc.assert(
      fc.property(populationArb, (spends) => {
        const result = paretoShare(spends)
        expect(result._tag).toBe('Right')
        if (result._tag !== 'Right') return
        const { topSpend, totalSpend, topCustomers, customers, shareHundredths } = result.right
        // exact: topSpend / totalSpend ≥ 1/5 ⇔ 5 × topSpend ≥ totalSpend
        expect(5 * topSpend).toBeGreaterThanOrEqual(totalSpend)
        expect(topSpend).toBeLessThanOrEqual(totalSpend)
        expect(shareHundredths).toBeGreaterThanOrEqual(2000)
        expect(shareHundredths).toBeLessThanOrEqual(10000)
        expect(topCustomers).toBe(Math.ceil(customers / 5))
      }),
    )
  })

  it('does not depend on the order of the customers', () => {
    fc.assert(
      fc.property(populationArb, (spends) => {
        expect(paretoShare([...spends].reverse())).toEqual(paretoShare(spends))
      }),
    )
  })
})

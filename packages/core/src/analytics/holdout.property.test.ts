import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { holdoutUplift } from './holdout.js'

const groupArb = fc.array(fc.record({ spend: fc.integer({ min: 0, max: 1_000_000 }) }), { minLength: 2, maxLength: 60 })

describe('holdoutUplift (properties)', () => {
  it('puts the point estimate inside its confidence intervals', () => {
    fc.assert(
      fc.property(groupArb, groupArb, (treated, control) => {
        const result = holdoutUplift({ campaignId: 'c', treated, control })
        if (result._tag !== 'Right') throw new Error(result.left.message)
        const u = result.right
        expect(u.spendUpliftCi95.low).toBeLessThanOrEqual(u.spendUpliftPerCustomer)
        expect(u.spendUpliftCi95.high).toBeGreaterThanOrEqual(u.spendUpliftPerCustomer)
        expect(u.conversionUpliftCi95.low).toBeLessThanOrEqual(u.conversionUplift + 1e-12)
        expect(u.conversionUpliftCi95.high).toBeGreaterThanOrEqual(u.conversionUplift - 1e-12)
      }),
    )
  })

  it('rounds the incremental spend to within half a unit of diff × treated count', () => {
    fc.assert(
      fc.property(groupArb, groupArb, (treated, control) => {
        const result = holdoutUplift({ campaignId: 'c', treated, control })
        if (result._tag !== 'Right') throw new Error(result.left.message)
        const u = result.right
        expect(Number.isInteger(u.incrementalSpend)).toBe(true)
        expect(Math.abs(u.incrementalSpend - u.spendUpliftPerCustomer * u.treatedCount)).toBeLessThanOrEqual(0.5 + 1e-6)
      }),
    )
  })

  it('shows no uplift when the control group is the treated group', () => {
    fc.assert(
      fc.property(groupArb, (group) => {
        const result = holdoutUplift({ campaignId: 'c', treated: group, control: group })
        if (result._tag !== 'Right') throw new Error(result.left.message)
        expect(result.right.incrementalSpend).toBe(0)
        expect(result.right.significant).toBe(false)
      }),
    )
  })
})

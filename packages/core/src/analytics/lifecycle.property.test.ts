import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIFECYCLE_STAGES } from '../customer/customer.codec.js'
import { assessLifecycle, classifyLifecycle, lifecycleOf } from './lifecycle.js'

const AS_OF_MS = Date.parse('2026-11-26T12:00:00Z')
const purchaseArb = fc.record({
  at: fc
    .integer({ min: AS_OF_MS - 3 * 365 * 86_400_000, max: AS_OF_MS + 30 * 86_400_000 })
    .map((ms) => new Date(ms).toISOString()),
  amount: fc.integer({ min: 0, max: 1_000_000 }),
})
const historyArb = fc.record({
  purchases: fc.array(purchaseArb, { maxLength: 60 }),
  successfulReferrals: fc.integer({ min: 0, max: 5 }),
})
const asOf = new Date(AS_OF_MS).toISOString()

describe('lifecycle (properties)', () => {
  it('is a total function: every valid history gets exactly one stage', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const result = classifyLifecycle(history, asOf)
        expect(result._tag).toBe('Right')
        if (result._tag === 'Right') expect(LIFECYCLE_STAGES).toContain(result.right)
      }),
    )
  })

  it('does not depend on the order of the purchases', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const reversed = { ...history, purchases: [...history.purchases].reverse() }
        expect(assessLifecycle(reversed, asOf)).toEqual(assessLifecycle(history, asOf))
      }),
    )
  })

  it('only ever turns an active customer into an ambassador when referrals are added', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const without = classifyLifecycle({ ...history, successfulReferrals: 0 }, asOf)
        const withOne = classifyLifecycle({ ...history, successfulReferrals: 1 }, asOf)
        if (without._tag === 'Right' && withOne._tag === 'Right' && without.right !== withOne.right) {
          expect(withOne.right).toBe('ambassador')
          expect(['happy', 'satisfied']).toContain(without.right)
        }
      }),
    )
  })

  it('classifies any customer stats without throwing', () => {
    const statsArb = fc.record(
      {
        visits: fc.integer({ min: 0, max: 500 }),
        firstPurchaseAt: purchaseArb.map((p) => p.at),
        lastPurchaseAt: purchaseArb.map((p) => p.at),
        spend12m: fc.integer({ min: 0, max: 10_000_000 }),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(statsArb, (stats) => {
        expect(LIFECYCLE_STAGES).toContain(lifecycleOf({ memberId: 'm', stats: stats as never }, asOf))
      }),
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assessTier, type TierProgram } from './tier.js'

const program: TierProgram = {
  tiers: [
    { id: 'bronze', qualify: { points: 500, windowMonths: 6 }, multiplier: 1.2 },
    { id: 'silver', qualify: { spend: 50000, windowMonths: 12 }, multiplier: 1.5 },
    { id: 'gold', qualify: { spend: 150000, points: 3000, windowMonths: 12 }, multiplier: 2 },
  ],
}
const ids = ['bronze', 'silver', 'gold']
const AS_OF_MS = Date.parse('2026-11-26T10:00:00+01:00')
const asOf = '2026-11-26T09:00:00Z'
const instant = (minDays: number, maxDays: number) =>
  fc
    .integer({ min: AS_OF_MS + minDays * 86_400_000, max: AS_OF_MS + maxDays * 86_400_000 })
    .map((ms) => new Date(ms).toISOString())
const historyArb = fc.array(
  fc.record({
    at: instant(-500, 10),
    spend: fc.integer({ min: 0, max: 60000 }),
    points: fc.integer({ min: 0, max: 800 }),
  }),
  { maxLength: 30 },
)

describe('assessTier (properties)', () => {
  it('never downgrades a tier before the end of its period', () => {
    fc.assert(
      fc.property(historyArb, fc.constantFrom(...ids), instant(1, 400), (history, id, heldUntil) => {
        const result = assessTier(history, { id, heldUntil }, program, asOf)
        if (result._tag === 'Left') throw new Error(result.left.message)
        expect(result.right.change).not.toBe('downgrade')
        expect(ids.indexOf(result.right.tier ?? '')).toBeGreaterThanOrEqual(ids.indexOf(id))
      }),
    )
  })

  it('gives a member without a tier exactly the tier their activity qualifies for', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const result = assessTier(history, undefined, program, asOf)
        if (result._tag === 'Left') throw new Error(result.left.message)
        expect(result.right.tier).toBe(result.right.qualifiedFor)
        expect(result.right.change).toBe(result.right.tier === undefined ? 'keep' : 'upgrade')
      }),
    )
  })

  it('ends every downgrade at a tier below the one held, after its period', () => {
    fc.assert(
      fc.property(historyArb, fc.constantFrom(...ids), instant(-400, 0), (history, id, heldUntil) => {
        const result = assessTier(history, { id, heldUntil }, program, asOf)
        if (result._tag === 'Left') throw new Error(result.left.message)
        if (result.right.change === 'downgrade') {
          expect(ids.indexOf(result.right.tier ?? '')).toBeLessThan(ids.indexOf(id))
        }
      }),
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { rfmScores } from './rfm.js'

const AS_OF_MS = Date.parse('2026-11-26T12:00:00Z')
const populationArb = fc.uniqueArray(
  fc.record({
    customerId: fc.string({ minLength: 1, maxLength: 6 }),
    lastPurchaseAt: fc
      .integer({ min: AS_OF_MS - 800 * 86_400_000, max: AS_OF_MS })
      .map((ms) => new Date(ms).toISOString()),
    frequency: fc.integer({ min: 0, max: 50 }),
    monetary: fc.integer({ min: 0, max: 1_000_000 }),
  }),
  { minLength: 1, maxLength: 80, selector: (c) => c.customerId },
)
const asOf = new Date(AS_OF_MS).toISOString()

describe('rfmScores (properties)', () => {
  it('scores every customer 1..5 on each axis, and the best of each axis 5', () => {
    fc.assert(
      fc.property(populationArb, (population) => {
        const result = rfmScores(population, asOf)
        expect(result._tag).toBe('Right')
        if (result._tag !== 'Right') return
        for (const s of result.right) {
          for (const q of [s.recency, s.frequency, s.monetary]) expect(q >= 1 && q <= 5).toBe(true)
        }
        const bestSpend = Math.max(...population.map((c) => c.monetary))
        const best = result.right.find((_, i) => population[i]?.monetary === bestSpend)
        expect(best?.monetary).toBe(5)
      }),
    )
  })

  it('never scores a bigger spender lower', () => {
    fc.assert(
      fc.property(populationArb, (population) => {
        const result = rfmScores(population, asOf)
        if (result._tag !== 'Right') return
        for (let i = 0; i < population.length; i++) {
          for (let j = 0; j < population.length; j++) {
            if ((population[i]?.monetary ?? 0) > (population[j]?.monetary ?? 0)) {
              expect(result.right[i]?.monetary).toBeGreaterThanOrEqual(result.right[j]?.monetary ?? 0)
            }
          }
        }
      }),
    )
  })
})

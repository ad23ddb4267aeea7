import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allocate } from './allocate.js'

const weightsArb = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 40 })
const totalArb = fc.integer({ min: -10_000_000, max: 10_000_000 })

describe('allocate (properties)', () => {
  it('sum of shares equals the original amount', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        expect(allocate(total, weights).reduce((a, b) => a + b, 0)).toBe(total)
      }),
    )
  })

  it('each share is within one unit of its exact proportion', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const sum = weights.reduce((a, b) => a + b, 0)
        const shares = allocate(total, weights)
        shares.forEach((share, i) => {
          // exact = total × w / sum (or total / n when every weight is zero); compare in integers:
          // |share × sum − total × w| < sum  ⇔  |share − exact| < 1
          const w = sum === 0 ? 1 : weights[i]!
          const d = sum === 0 ? weights.length : sum
          const diff = BigInt(share) * BigInt(d) - BigInt(total) * BigInt(w)
          expect(diff < 0n ? -diff : diff).toBeLessThan(BigInt(d))
        })
      }),
    )
  })

  it('no share is negative for a non-negative total and non-negative weights', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), weightsArb, (total, weights) => {
        for (const share of allocate(total, weights)) expect(share).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('never gives a share above its weight when the total does not exceed the weights (no line below zero)', () => {
    fc.assert(
      fc.property(weightsArb, fc.double({ min: 0, max: 1, noNaN: true }), (weights, fraction) => {
        const sum = weights.reduce((a, b) => a + b, 0)
        fc.pre(sum > 0)
        const total = Math.floor(sum * fraction)
        for (const [i, share] of allocate(total, weights).entries()) expect(share).toBeLessThanOrEqual(weights[i]!)
      }),
    )
  })

  it('is deterministic and does not mutate the weights', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const copy = [...weights]
        expect(allocate(total, weights)).toEqual(allocate(total, weights))
        expect(weights).toEqual(copy)
      }),
    )
  })
})

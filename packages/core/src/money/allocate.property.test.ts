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

// An independent BigInt largest-remainder split, to check allocate's double fast path against.
const referenceAllocate = (total: number, weights: readonly number[]): number[] => {
  const sum = weights.reduce((a, w) => a + BigInt(w), 0n)
  const t = BigInt(total)
  const exact = weights.map((w) => ({ share: (t * BigInt(w)) / sum, remainder: (t * BigInt(w)) % sum }))
  let left = t - exact.reduce((a, e) => a + e.share, 0n)
  const order = exact
    .map((_, i) => i)
    .sort((a, b) => {
      const d = exact[b]!.remainder - exact[a]!.remainder
      return d === 0n ? a - b : d > 0n ? 1 : -1
    })
  const shares = exact.map((e) => e.share)
  for (const i of order) {
    if (left === 0n) break
    shares[i]! += 1n
    left -= 1n
  }
  return shares.map(Number)
}

describe('allocate fast path', () => {
  it('gives exactly the BigInt reference shares, on both sides of the 2^53 boundary', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 2 ** 40 })), {
          minLength: 1,
          maxLength: 40,
        }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0))
          expect(allocate(total, weights)).toEqual(referenceAllocate(total, weights))
        },
      ),
      { numRuns: 3_000 },
    )
  })
})

describe('allocate: the left-over units', () => {
  it('matches the reference when many units are left over (bucket selection, ties included)', () => {
    // Small, often equal weights leave up to n − 1 units over, with many equal remainders.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 2, maxLength: 60 }),
        fc.integer({ min: 0, max: 500 }),
        (weights, total) => {
          fc.pre(weights.some((w) => w > 0))
          expect(allocate(total, weights)).toEqual(referenceAllocate(total, weights))
        },
      ),
      { numRuns: 3_000 },
    )
  })

  it('matches the reference when remainder × n leaves the exact range (comparator order)', () => {
    // Σweights × n > 2^53 while total × Σweights ≤ 2^53: the sorted path of the double fast path.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2 ** 44, max: 2 ** 46 }), { minLength: 3, maxLength: 40 }),
        fc.integer({ min: 2, max: 40 }),
        (weights, total) => {
          expect(allocate(total, weights)).toEqual(referenceAllocate(total, weights))
        },
      ),
      { numRuns: 1_000 },
    )
  })
})

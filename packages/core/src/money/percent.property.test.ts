import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { percentOf } from './percent.js'

// The reference: round-half-up of amount × h / 10000 done with BigInt, written independently.
const reference = (amount: bigint, hundredths: bigint): bigint => {
  const product = amount * hundredths
  const q = product / 10_000n
  const r = product % 10_000n
  return r * 2n >= 10_000n ? q + 1n : q
}

describe('percentOf (properties)', () => {
  it('equals a BigInt reference for amounts up to 10^12 and every percent 0–100 in steps of 0.01', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, h) => {
        const percent = h / 100 // the float a JSON document would carry, e.g. 0.29
        expect(BigInt(percentOf(amount, percent))).toBe(reference(BigInt(amount), BigInt(h)))
      }),
      { numRuns: 20_000 },
    )
  })

  it('covers every one of the 10,001 percents on a fixed awkward amount', () => {
    const amount = 999_999_999_999
    for (let h = 0; h <= 10_000; h++) {
      expect(BigInt(percentOf(amount, h / 100))).toBe(reference(BigInt(amount), BigInt(h)))
    }
  })

  it('never exceeds the amount and never goes below zero', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, h) => {
        const r = percentOf(amount, h / 100)
        expect(r).toBeGreaterThanOrEqual(0)
        expect(r).toBeLessThanOrEqual(amount)
      }),
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Basket } from './basket.codec.js'
import { amountMismatches, lineAmountOf } from './consistency.js'

const basket = (lines: { quantity: number; unitPrice: number; amount: number }[]) =>
  ({ lines: lines.map((l, i) => ({ id: String(i + 1), ...l })) }) as unknown as Basket

describe('line amounts against quantity × unit price', () => {
  it('names the line whose amount is not quantity × unit price (699 for 2 × 349)', () => {
    expect(amountMismatches(basket([{ quantity: 2, unitPrice: 349, amount: 699 }]))).toEqual([
      expect.objectContaining({ path: 'lines.0.amount', lineId: '1', amount: 699, expected: 698 }),
    ])
  })

  it('accepts weighed lines rounded half-up: 0.532 kg × 22.90 = 12.18, 0.5 kg × 1.99 = 1.00', () => {
    expect(lineAmountOf(0.532, 2290)).toBe(1218)
    expect(lineAmountOf(0.5, 199)).toBe(100)
    expect(lineAmountOf(1.005, 100)).toBe(101)
    expect(amountMismatches(basket([{ quantity: 0.532, unitPrice: 2290, amount: 1218 }]))).toEqual([])
  })

  it('is exact where floating point is not (1.005 × 100 is 100.49999… in binary)', () => {
    expect(Math.round(1.005 * 100)).toBe(100)
    expect(lineAmountOf(1.005, 100)).toBe(101)
  })

  it('agrees with integer arithmetic on whole quantities, and never flags a line built by the rule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 1_000_000 }), (q, p) => {
        expect(lineAmountOf(q, p)).toBe(q * p)
        expect(amountMismatches(basket([{ quantity: q, unitPrice: p, amount: q * p }]))).toEqual([])
      }),
    )
  })
})

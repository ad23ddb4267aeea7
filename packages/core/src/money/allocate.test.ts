import { describe, expect, it } from 'vitest'
import { allocate } from './allocate.js'

describe('allocate', () => {
  it('gives the leftover units to the largest remainders', () => {
    // 100 × 1/3 = 33.33 each: floors 33+33+33 = 99, one unit left, all remainders equal → the earliest.
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33])
  })
  it('weights by amount, the way a discount is spread over lines', () => {
    // 175 × 698 / 1389 = 87.94 and 175 × 691 / 1389 = 87.06: floors 87 + 87 = 174,
    // one unit left, remainder .94 > .06 → the first line: [88, 87].
    const shares = allocate(175, [698, 691])
    expect(shares).toEqual([88, 87])
    expect(shares[0]! + shares[1]!).toBe(175)
  })
  it('breaks ties toward the earlier weight', () => {
    // 5 over [2, 2]: exact 2.5 and 2.5; floors 2+2, one left, tie → first.
    expect(allocate(5, [2, 2])).toEqual([3, 2])
  })
  it('never gives a zero-weight line anything when another weight is positive', () => {
    expect(allocate(10, [0, 5, 0])).toEqual([0, 10, 0])
  })
  it('splits evenly when every weight is zero', () => {
    expect(allocate(7, [0, 0, 0])).toEqual([3, 2, 2])
  })
  it('mirrors a negative total', () => {
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33])
  })
  it('returns zeros for a zero total', () => {
    expect(allocate(0, [3, 4])).toEqual([0, 0])
  })
  it('handles totals and weights beyond 2^53 / weight products without float error', () => {
    // 9e15 × 3 overflows a float's exact range; BigInt keeps it exact.
    const shares = allocate(9_000_000_000_000_000, [3, 3, 3])
    expect(shares).toEqual([3_000_000_000_000_000, 3_000_000_000_000_000, 3_000_000_000_000_000])
  })
  it('throws on a fractional total or a negative weight, which are caller bugs', () => {
    expect(() => allocate(1.5, [1])).toThrow(/total must be a safe integer/)
    expect(() => allocate(10, [1, -1])).toThrow(/weights must be integers/)
    expect(() => allocate(10, [])).toThrow(/no weights/)
  })
})

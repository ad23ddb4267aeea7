import { describe, expect, it } from 'vitest'
import { hundredthsOf, mulDivFloor, percentOf, toHundredths } from './percent.js'

describe('percentOf', () => {
  it('rounds half up to the minor unit', () => {
    // 698 × 25 % = 174.5 → 175
    expect(percentOf(698, 25)).toBe(175)
    // 698 × 12.5 % = 87.25 → 87
    expect(percentOf(698, 12.5)).toBe(87)
    // 1 × 50 % = 0.5 → 1
    expect(percentOf(1, 50)).toBe(1)
  })
  it('is exact where floats are not: 0.07 % of 10^12', () => {
    // 10^12 × 7 / 10000 = 700,000,000 exactly; the float route gives 700000000.0000001
    expect(percentOf(1_000_000_000_000, 0.07)).toBe(700_000_000)
  })
  it('takes 100 % to the whole amount, leaving no cent behind (Odoo)', () => {
    expect(percentOf(1999, 100)).toBe(1999)
  })
  it('rounds half away from zero for negative amounts', () => {
    expect(percentOf(-698, 25)).toBe(-175)
  })
  it('throws on a percent with more than 2 decimals, which the boundary should have refused', () => {
    expect(() => percentOf(100, 12.345)).toThrow(/more than 2 decimals/)
  })
})

describe('toHundredths', () => {
  it('converts 2-decimal percentages to integers despite float noise', () => {
    // 0.29 × 100 = 28.999999999999996 in floats
    expect(toHundredths(0.29)).toEqual({ _tag: 'Right', right: 29 })
    expect(toHundredths(12.5)).toEqual({ _tag: 'Right', right: 1250 })
  })
  it('refuses a third decimal and non-finite numbers, naming the value', () => {
    const r = toHundredths(33.333)
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') expect(r.left.message).toContain('33.333')
    expect(toHundredths(Number.NaN)._tag).toBe('Left')
  })
})

describe('hundredthsOf and mulDivFloor', () => {
  it('hundredthsOf is the integer core of percentOf', () => {
    expect(hundredthsOf(2000, 1250)).toBe(250)
  })
  it('mulDivFloor floors: points = floor(1214 × 1 / 100) = 12', () => {
    expect(mulDivFloor(1214, 1, 100)).toBe(12)
    expect(mulDivFloor(-1214, 1, 100)).toBe(-13)
  })
})

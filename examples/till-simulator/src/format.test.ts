import { describe, expect, it } from 'vitest'
import { count, decimal, displayMoney, kilograms, percent } from './format.js'

describe('one number format for the shop (fr-FR)', () => {
  it('writes money, counts, decimals, weights and percentages with the same separators', () => {
    expect(displayMoney(7_579_788)).toBe('75 797,88 €')
    expect(count(75_797)).toBe('75 797')
    expect(decimal(0.934, 2)).toBe('0,93')
    expect(kilograms(1.2434)).toBe('1,243 kg')
    expect(percent(0.1234)).toBe('12,3 %')
  })

  it('never mixes a decimal point with a decimal comma, nor a narrow no-break space into a terminal', () => {
    for (const text of [displayMoney(123_456_789), count(1_234_567), decimal(1234.5, 1), percent(1.5)]) {
      expect(text).not.toMatch(/\d\.\d/)
      expect(text).not.toMatch(/[\u00a0\u202f]/)
    }
  })
})

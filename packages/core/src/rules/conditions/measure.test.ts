import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

const cheese = {
  trigger: { measure: { of: { category: ['fresh/cheese'] }, unit: 'kg', atLeast: 1.5 } },
  reward: { amountOff: { of: 'basket', amount: 100 } },
}

describe('measure condition', () => {
  it('converts grams to kilograms: 0.9 kg + 600 g = 1.5 kg', () => {
    const e = run(
      [cheese],
      basket([
        line('1', 'brie', 0.9, 1000, { unit: 'kg', categories: ['fresh/cheese'] }),
        line('2', 'comte', 600, 2, { unit: 'g', categories: ['fresh/cheese'] }),
      ]),
    )
    expect(e.discountTotal).toBe(100)
  })

  it('ignores other dimensions and says how much is missing', () => {
    // 1.2 kg of cheese + 1 l (not a mass): 0.3 kg missing.
    const e = run(
      [cheese],
      basket([
        line('1', 'brie', 1.2, 1000, { unit: 'kg', categories: ['fresh/cheese'] }),
        line('2', 'milk', 1, 100, { unit: 'l', categories: ['fresh/cheese'] }),
      ]),
    )
    expect(e.explanations[0]?.reasons[0]).toMatchObject({ code: 'MIN_MEASURE', required: 1.5, actual: 1.2 })
    expect(e.nudges[0]?.missing).toEqual({ quantity: 0.3, unit: 'kg', of: { category: ['fresh/cheese'] } })
  })
})

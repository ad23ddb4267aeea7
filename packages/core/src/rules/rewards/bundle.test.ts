import { describe, expect, it } from 'vitest'
import { basket, discountsByLine, line, reasonsOf, run } from '../testkit.js'

const mealDeal = {
  bundle: {
    items: [
      { of: { category: ['sandwich'] }, quantity: 1 },
      { of: { category: ['drink'] }, quantity: 1 },
      { of: { category: ['snack'] }, quantity: 1 },
    ],
    price: 500,
  },
}

describe('bundle', () => {
  it('a meal deal: sandwich + drink + snack for 5 €, saving allocated by unit value', () => {
    // 350 + 180 + 120 = 650 → saves 150: allocate(150, [350, 180, 120]) = 80.77, 41.54, 27.69 → 80, 41, 27 (148),
    // +1 to .77 (line 1) and +1 to .69 (line 3) → 81, 41, 28.
    const e = run(
      [{ reward: mealDeal }],
      basket([
        line('1', 's', 1, 350, { categories: ['sandwich'] }),
        line('2', 'd', 1, 180, { categories: ['drink'] }),
        line('3', 'k', 1, 120, { categories: ['snack'] }),
      ]),
    )
    expect(discountsByLine(e)).toEqual({ 1: 81, 2: 41, 3: 28 })
  })

  it('repeats while every item can be filled, and says what is missing otherwise', () => {
    // Two sandwiches, two drinks, one snack → one bundle; the second lacks a snack.
    const b = basket([
      line('1', 's', 2, 350, { categories: ['sandwich'] }),
      line('2', 'd', 2, 180, { categories: ['drink'] }),
      line('3', 'k', 1, 120, { categories: ['snack'] }),
    ])
    const e = run([{ reward: mealDeal }], b)
    expect(e.discountTotal).toBe(150)
    // The bundle lacks a snack: one more of the snack the basket holds.
    expect(e.nudges.map((n) => n.missing)).toEqual([{ quantity: 1, of: { category: ['snack'] }, sku: 'k' }])
    const none = run([{ reward: mealDeal }], basket([line('1', 's', 1, 350, { categories: ['sandwich'] })]))
    expect(reasonsOf(none, 'c1')).toEqual(['NOT_ENOUGH_UNITS'])
  })
})

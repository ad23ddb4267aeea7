import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

const twoJars = {
  trigger: { quantity: { of: { sku: ['jar'] }, atLeast: 2 } },
  reward: { amountOff: { of: 'basket', amount: 100 } },
}

describe('quantity condition', () => {
  it('counts units of each lines across lines', () => {
    // 1 + 1 jars on two lines = 2 ≥ 2.
    const e = run([twoJars], basket([line('1', 'jar', 1, 300), line('2', 'jar', 1, 300)]))
    expect(e.discountTotal).toBe(100)
  })

  it('explains MIN_QUANTITY with required and actual, and nudges the missing units', () => {
    const e = run([twoJars], basket([line('1', 'jar', 1, 300)]))
    expect(e.explanations[0]?.reasons).toEqual([{ code: 'MIN_QUANTITY', required: 2, actual: 1 }])
    expect(e.nudges[0]?.missing).toEqual({ quantity: 1, of: { sku: ['jar'] } })
    expect(e.nudges[0]?.message).toBe('Add 1 more item of SKU jar: c1')
  })

  it('does not count measured lines', () => {
    const e = run([twoJars], basket([line('1', 'jar', 2.5, 300, { unit: 'kg' })]))
    expect(e.explanations[0]?.reasons[0]).toMatchObject({ code: 'MIN_QUANTITY', actual: 0 })
  })

  it('compares numbers as numbers: 10 units meet "at least 9" (never "10" < "9")', () => {
    const e = run(
      [{ trigger: { quantity: { of: '*', atLeast: 9 } }, reward: { amountOff: { of: 'basket', amount: 1 } } }],
      basket([line('1', 'a', 10, 100)]),
    )
    expect(e.discountTotal).toBe(1)
  })
})

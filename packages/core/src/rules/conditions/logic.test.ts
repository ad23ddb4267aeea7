import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

const reward = { amountOff: { of: 'basket', amount: 100 } }
const spend = (atLeast: number) => ({ spend: { atLeast } })
const qty = (atLeast: number) => ({ quantity: { of: '*', atLeast } })

describe('all / any / not', () => {
  it('all: a nudge only when every other branch is satisfied', () => {
    // spend 1500 of 2000 (missing 500) and quantity 3 of 5 (missing 2): two branches fail → no nudge.
    const both = run([{ trigger: { all: [spend(2000), qty(5)] }, reward }], basket([line('1', 'a', 3, 500)]))
    expect(both.nudges).toEqual([])
    expect(both.explanations[0]?.reasons[0]?.code).toBe('MIN_SPEND')
    // quantity met (3 ≥ 3): only spend fails → nudge for 500.
    const one = run([{ trigger: { all: [spend(2000), qty(3)] }, reward }], basket([line('1', 'a', 3, 500)]))
    expect(one.nudges[0]?.missing).toEqual({ amount: 500 })
  })

  it('any: passes on one branch; otherwise the smallest missing step speaks', () => {
    expect(
      run([{ trigger: { any: [spend(2000), qty(3)] }, reward }], basket([line('1', 'a', 3, 100)])).discountTotal,
    ).toBe(100)
    // spend 200 of 5000 (4800 missing) or quantity 2 of 3 (1 missing): one more item is the smaller step.
    const e = run([{ trigger: { any: [spend(5000), qty(3)] }, reward }], basket([line('1', 'a', 2, 100)]))
    expect(e.nudges[0]?.missing).toEqual({ quantity: 1 })
    expect(e.explanations[0]?.reasons[0]?.code).toBe('MIN_QUANTITY')
    // two amounts: the smaller wins (spend 300 missing 100 vs 1000 missing 800).
    const amounts = run(
      [{ trigger: { any: [spend(1000), spend(300)] }, reward: { amountOff: { of: 'basket', amount: 1 } } }],
      basket([line('1', 'a', 1, 200)]),
    )
    expect(amounts.nudges[0]?.missing).toEqual({ amount: 100 })
  })

  it('nested: all of (any of …) still finds the single missing step', () => {
    const trigger = { all: [{ channel: ['store'] }, { any: [spend(5000), spend(1000)] }] }
    const e = run([{ trigger, reward }], basket([line('1', 'a', 1, 700)]))
    expect(e.nudges[0]?.missing).toEqual({ amount: 300 })
  })

  it('not: passes when the part fails, and never nudges', () => {
    const doc = { trigger: { not: { contains: { category: ['tobacco'] } } }, reward }
    expect(run([doc], basket([line('1', 'a', 1, 500)])).discountTotal).toBe(100)
    const e = run([doc], basket([line('1', 'a', 1, 500, { categories: ['tobacco'] })]))
    expect(e.explanations[0]?.reasons[0]?.code).toBe('CONDITION_NOT_MET')
    expect(e.nudges).toEqual([])
  })
})

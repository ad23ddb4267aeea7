import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

describe('store condition', () => {
  it('passes for a listed store, WRONG_STORE otherwise', () => {
    const doc = { trigger: { store: ['0042'] }, reward: { amountOff: { of: 'basket', amount: 100 } } }
    expect(run([doc], basket([line('1', 'a', 1, 500)])).discountTotal).toBe(100)
    const e = run([doc], basket([line('1', 'a', 1, 500)], { storeId: '0007' }))
    expect(e.explanations[0]?.reasons).toEqual([{ code: 'WRONG_STORE', required: ['0042'], actual: '0007' }])
  })
})

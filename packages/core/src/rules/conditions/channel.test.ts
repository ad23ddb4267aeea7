import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

describe('channel condition', () => {
  it('passes for a listed channel, WRONG_CHANNEL otherwise', () => {
    const doc = { trigger: { channel: ['online'] }, reward: { amountOff: { of: 'basket', amount: 100 } } }
    expect(run([doc], basket([line('1', 'a', 1, 500)], { channel: 'online' })).discountTotal).toBe(100)
    const e = run([doc], basket([line('1', 'a', 1, 500)]))
    expect(e.explanations[0]?.reasons).toEqual([{ code: 'WRONG_CHANNEL', required: ['online'], actual: 'store' }])
  })
})

import { describe, expect, it } from 'vitest'
import { basket, line, run } from '../testkit.js'

describe('contains condition', () => {
  it('passes when a line matches, fails with MISSING_ITEM otherwise', () => {
    const doc = { trigger: { contains: { tag: ['organic'] } }, reward: { amountOff: { of: 'basket', amount: 50 } } }
    expect(run([doc], basket([line('1', 'a', 1, 100, { tags: ['organic'] })])).discountTotal).toBe(50)
    // Indexed by the tag: a basket without organic lines is not concerned, so it gets no explanation…
    expect(run([doc], basket([line('1', 'a', 1, 100)])).explanations).toEqual([])
    // …but as one branch of a basket-wide `any`, the campaign concerns it and says what is missing.
    const wide = { trigger: { any: [{ contains: { tag: ['organic'] } }, { channel: ['online'] }] }, reward: doc.reward }
    const e = run([wide], basket([line('1', 'a', 1, 100)]))
    expect(e.explanations[0]?.reasons[0]?.code).toBe('MISSING_ITEM')
    expect(e.nudges[0]?.missing).toEqual({ quantity: 1, of: { tag: ['organic'] } })
  })
})

import { describe, expect, it } from 'vitest'
import { displayMoney, shortCode } from './format.js'

describe('shortCode', () => {
  it('keeps a short code whole', () => {
    expect(shortCode('SAUCE-7KQ2-X9PD')).toBe('SAUCE-7KQ2-X9PD')
  })
  it('shortens a signed coupon to its head and tail on one screen line', () => {
    const signed = `TSR1.DEMO.${'A'.repeat(70)}.WJAHAQYVTHCTTUIT`
    const short = shortCode(signed)
    // 16 + '…' + 7 = 24 characters.
    expect(short).toBe('TSR1.DEMO.AAAAAA…HCTTUIT')
    expect([...short].length).toBe(24)
  })
})

describe('displayMoney', () => {
  it('prints cents as euros with plain spaces', () => {
    expect(displayMoney(123456)).toBe('1 234,56 €')
  })
})

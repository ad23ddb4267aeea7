import { describe, expect, it } from 'vitest'
import { parseMoney } from './parse.js'

describe('parseMoney', () => {
  it('parses a decimal string exactly into minor units', () => {
    expect(parseMoney('29.99', 'EUR')).toEqual({ _tag: 'Right', right: { amount: 2999, currency: 'EUR' } })
    expect(parseMoney('0.1', 'EUR')).toEqual({ _tag: 'Right', right: { amount: 10, currency: 'EUR' } })
    expect(parseMoney('1500', 'JPY')).toEqual({ _tag: 'Right', right: { amount: 1500, currency: 'JPY' } })
    expect(parseMoney('1.234', 'KWD')).toEqual({ _tag: 'Right', right: { amount: 1234, currency: 'KWD' } })
    expect(parseMoney('-3.50', 'GBP')).toEqual({ _tag: 'Right', right: { amount: -350, currency: 'GBP' } })
  })
  it('refuses more decimals than the currency has, never rounding', () => {
    const r = parseMoney('29.999', 'EUR')
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') {
      expect(r.left.reason).toBe('TOO_MANY_DECIMALS')
      expect(r.left.message).toContain('EUR has 2')
    }
    expect(parseMoney('5.5', 'JPY')._tag).toBe('Left')
  })
  it('refuses an unknown currency and text that is not a decimal', () => {
    const unknown = parseMoney('1.00', 'EUX')
    expect(unknown._tag === 'Left' && unknown.left.reason).toBe('UNKNOWN_CURRENCY')
    for (const bad of ['1,00', '1e3', '', '.5', 'abc', '1.2.3']) {
      const r = parseMoney(bad, 'EUR')
      expect(r._tag === 'Left' && r.left.reason).toBe('NOT_A_DECIMAL')
    }
  })
  it('refuses amounts beyond the safe integer range', () => {
    const r = parseMoney('99999999999999999.99', 'EUR')
    expect(r._tag === 'Left' && r.left.reason).toBe('TOO_LARGE')
  })
})

import { describe, expect, it } from 'vitest'
import type { CurrencyCode } from './currency.js'
import { exponentOf, isCurrencyCode } from './currency.js'
import { formatMoney } from './format.js'
import { toDecimalString } from './Money.js'

const m = (amount: number, currency: string) => ({ amount, currency }) as Parameters<typeof formatMoney>[0]

describe('formatMoney', () => {
  it('formats for a receipt in the locale', () => {
    // Intl uses narrow no-break spaces in fr-FR; normalise them for the assertion.
    expect(formatMoney(m(2999, 'EUR'), 'fr-FR').replace(/\s/g, ' ')).toBe('29,99 €')
    expect(formatMoney(m(2999, 'EUR'), 'en-GB')).toBe('€29.99')
    expect(formatMoney(m(1500, 'JPY'), 'ja-JP')).toMatch(/1,500/)
    expect(formatMoney(m(1234, 'KWD'), 'en-GB')).toContain('1.234')
  })
  it('formats amounts beyond float precision exactly', () => {
    expect(formatMoney(m(900719925474099, 'EUR'), 'en-GB')).toBe('€9,007,199,254,740.99')
  })
})

describe('currencies', () => {
  it('covers 0-, 2- and 3-decimal currencies', () => {
    expect(exponentOf('JPY' as CurrencyCode)).toBe(0)
    expect(exponentOf('EUR' as CurrencyCode)).toBe(2)
    expect(exponentOf('KWD' as CurrencyCode)).toBe(3)
    expect(exponentOf('TND' as CurrencyCode)).toBe(3)
    expect(isCurrencyCode('XYZ')).toBe(false)
  })
  it('renders exact decimal strings', () => {
    expect(toDecimalString(m(5, 'EUR'))).toBe('0.05')
    expect(toDecimalString(m(-5, 'EUR'))).toBe('-0.05')
    expect(toDecimalString(m(5, 'JPY'))).toBe('5')
    expect(toDecimalString(m(1005, 'KWD'))).toBe('1.005')
  })
})

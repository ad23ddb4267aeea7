import { describe, expect, it } from 'vitest'
import { currencyCodes } from './currency.js'
import { BUILT_IN_MONEY_FORMATS } from './formats.generated.js'
import { builtInMoneyFormatter, intlMoneyFormatter } from './formatters.js'
import { type Money, minor } from './Money.js'

const AMOUNTS = [0, 1, -1, 5, 99, 100, 999, 1234, -1234, 12_345, 123_456, 1_234_567, -98_765_432, 900_719_925_474_099]

describe('the built-in money formats', () => {
  it('write every currency in every built-in locale as Intl does, for small, large and negative amounts', () => {
    const differences: string[] = []
    for (const locale of Object.keys(BUILT_IN_MONEY_FORMATS)) {
      for (const currency of currencyCodes()) {
        for (const amount of AMOUNTS) {
          const value: Money = { amount: minor(amount), currency }
          const built = builtInMoneyFormatter.format(value, locale)
          const intl = intlMoneyFormatter?.format(value, locale)
          if (built !== intl) differences.push(`${locale} ${currency} ${amount}: ${built} vs ${intl}`)
        }
      }
    }
    expect(differences.slice(0, 10)).toEqual([])
  })

  it('writes a locale it does not have as en-GB', () => {
    const value: Money = { amount: minor(350), currency: 'EUR' as Money['currency'] }
    expect(builtInMoneyFormatter.format(value, 'pt-BR')).toBe('€3.50')
  })
})

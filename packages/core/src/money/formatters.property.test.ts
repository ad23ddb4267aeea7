import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { currencyCodes } from './currency.js'
import { BUILT_IN_MONEY_FORMATS } from './formats.generated.js'
import { builtInMoneyFormatter, intlMoneyFormatter } from './formatters.js'
import { MAX_MINOR_UNITS, type Money, minor } from './Money.js'

describe('the built-in money formats (property)', () => {
  it('write any amount on the wire in any currency and built-in locale as Intl does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(BUILT_IN_MONEY_FORMATS)),
        fc.constantFrom(...currencyCodes()),
        fc.integer({ min: -MAX_MINOR_UNITS, max: MAX_MINOR_UNITS }),
        (locale, currency, amount) => {
          const value: Money = { amount: minor(amount), currency }
          expect(builtInMoneyFormatter.format(value, locale)).toBe(intlMoneyFormatter?.format(value, locale))
        },
      ),
      { numRuns: 3_000 },
    )
  })
})

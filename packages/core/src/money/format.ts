import { exponentOf } from './currency.js'
import { type Money, toDecimalString } from './Money.js'

/**
 * Formats money for a receipt or a message with `Intl.NumberFormat`, exactly (the decimal string is
 * passed to Intl, never a float): `formatMoney({ amount: 2999, currency: 'EUR' }, 'fr-FR')` gives
 * `"29,99 €"`.
 * @category money
 */
export const formatMoney = (value: Money, locale = 'en-GB'): string => {
  const exponent = exponentOf(value.currency)
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: value.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  })
  // Intl formats a decimal string exactly (NumberFormat v3); the cast is for older lib typings.
  return format.format(toDecimalString(value) as unknown as number)
}

import { type CurrencyCode, exponentOf } from './currency.js'
import { type Money, toDecimalString } from './Money.js'

/**
 * Formats money for a receipt or a message with `Intl.NumberFormat`, exactly (the decimal string is
 * passed to Intl, never a float): `formatMoney({ amount: 2999, currency: 'EUR' }, 'fr-FR')` gives
 * `"29,99 €"`.
 * @category money
 */
export const formatMoney = (value: Money, locale = 'en-GB'): string =>
  // Intl formats a decimal string exactly (NumberFormat v3); the cast is for older lib typings.
  formatterOf(locale, value.currency).format(toDecimalString(value) as unknown as number)

// Building an Intl.NumberFormat costs far more than using one: keep one per locale and currency
// (two map levels, so that a lookup builds no key string).
const FORMATTERS = new Map<string, Map<CurrencyCode, Intl.NumberFormat>>()
const formatterOf = (locale: string, currency: CurrencyCode): Intl.NumberFormat => {
  let byCurrency = FORMATTERS.get(locale)
  if (byCurrency === undefined) {
    byCurrency = new Map()
    FORMATTERS.set(locale, byCurrency)
  }
  let format = byCurrency.get(currency)
  if (format === undefined) {
    const exponent = exponentOf(currency)
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    })
    byCurrency.set(currency, format)
  }
  return format
}

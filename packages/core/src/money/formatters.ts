import type { MoneyFormatter } from '../ports/host.js'
import { type CurrencyCode, exponentOf } from './currency.js'
import { BUILT_IN_MONEY_FORMATS } from './formats.generated.js'
import { toDecimalString } from './Money.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * How one locale writes money, for a runtime without `Intl`: its separators, whether a four-digit
 * amount is grouped (`minimumGrouping` 1: "1,234"; 2: "1234"), and the template of a negative amount
 * (`¤` for the ISO code, `#` for the number, the sign as written) for most currencies, with the
 * currencies written otherwise (a symbol such as `€`) as exceptions.
 * @category money
 */
export interface LocaleMoneyFormat {
  readonly decimal: string
  readonly group: string
  readonly minimumGrouping: 1 | 2
  readonly template: string
  readonly exceptions: Readonly<Record<string, string>>
}

/** Money formats by locale, such as the generated `BUILT_IN_MONEY_FORMATS`. @category money */
export type MoneyFormatTable = Readonly<Record<string, LocaleMoneyFormat>>

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

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

/**
 * Money formatting with `Intl.NumberFormat`, exact (the decimal string is passed to Intl, never a
 * float), or `undefined` in a runtime without `Intl`.
 * @category money
 */
export const intlMoneyFormatter: MoneyFormatter | undefined =
  typeof Intl === 'undefined' || typeof Intl.NumberFormat !== 'function'
    ? undefined
    : {
        // Intl formats a decimal string exactly (NumberFormat v3); the cast is for older lib typings.
        format: (value, locale) =>
          formatterOf(locale, value.currency).format(toDecimalString(value) as unknown as number),
      }

const grouped = (digits: string, group: string, minimumGrouping: 1 | 2): string => {
  if (digits.length < 4 + minimumGrouping - 1) return digits
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1)
  for (let i = out.length; i < digits.length; i += 3) out += group + digits.slice(i, i + 3)
  return out
}

/**
 * Money formatting from a table, without `Intl`. A locale the table lacks is written as `en-GB`.
 * @category money
 */
export const tableMoneyFormatter = (table: MoneyFormatTable): MoneyFormatter => ({
  format: (value, locale) => {
    const f = (Object.hasOwn(table, locale) ? table[locale] : table['en-GB']) as LocaleMoneyFormat
    const decimal = toDecimalString(value)
    const negative = decimal.startsWith('-')
    const [whole = '', fraction] = (negative ? decimal.slice(1) : decimal).split('.')
    const number = grouped(whole, f.group, f.minimumGrouping) + (fraction === undefined ? '' : f.decimal + fraction)
    let template = (Object.hasOwn(f.exceptions, value.currency) ? f.exceptions[value.currency] : f.template) as string
    // the positive template is the negative one without its sign (checked for every locale by the test)
    if (!negative) template = template.replace(/[-\u2212]/, '')
    return template.replace('¤', value.currency).replace('#', number)
  },
})

/** The built-in money formatter: the generated `BUILT_IN_MONEY_FORMATS`, without `Intl`. @category money */
export const builtInMoneyFormatter: MoneyFormatter = tableMoneyFormatter(BUILT_IN_MONEY_FORMATS)

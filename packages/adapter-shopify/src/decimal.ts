import { type CurrencyCode, exponentOf } from '@tessera/core/money'

/**
 * Shopify's `Decimal`: money in major units as a string (`"29.99"`). Tessera keeps integer minor
 * units; these two functions cross between them exactly, never through a float.
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/**
 * A Shopify `Decimal` amount (a string such as `"29.99"`, or a JSON number such as `100` as
 * Shopify's own sample tests write it) in minor units of the currency, or a reason. More decimals
 * than the currency has are refused, except trailing zeros (`"10.500"` in EUR is 1050).
 */
export const decimalToMinor = (value: unknown, currency: CurrencyCode): number | string => {
  if (typeof value === 'number' && !Number.isFinite(value)) return 'must be a finite amount'
  if (typeof value !== 'string' && typeof value !== 'number')
    return 'must be a Decimal amount such as "29.99" (a string)'
  const text = typeof value === 'number' ? String(value) : value.trim()
  const m = DECIMAL.exec(text)
  if (m === null) return `must be a Decimal amount ≥ 0 such as "29.99", got ${JSON.stringify(value)}`
  const exponent = exponentOf(currency)
  const fraction = (m[2] ?? '').replace(/0+$/, '')
  if (fraction.length > exponent)
    return `has ${fraction.length} decimals but ${currency} has ${exponent}: Tessera never rounds an amount silently`
  const text10 = `${m[1]}${fraction.padEnd(exponent, '0')}`
  // Up to 15 digits is below 2^53: a Number is exact (and cheaper in QuickJS than a BigInt).
  if (text10.length <= 15) return Number(text10)
  const digits = BigInt(text10)
  if (digits > BigInt(Number.MAX_SAFE_INTEGER)) return 'is too large'
  return Number(digits)
}

/**
 * Minor units as a Shopify `Decimal` string in major units: 2999 EUR is `"29.99"`, 1050 is
 * `"10.5"`, 500 JPY is `"500"`. Trailing zeros are dropped, as GraphQL decimals usually read.
 */
export const minorToDecimal = (minor: number, currency: CurrencyCode): string =>
  scaledToDecimal(minor, exponentOf(currency))

/** `n / 10^exponent` as a decimal string, trailing zeros dropped. */
const scaledToDecimal = (n: number, exponent: number): string => {
  const minor = n
  const sign = minor < 0 ? '-' : ''
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0')
  const whole = digits.slice(0, digits.length - exponent)
  const fraction = digits.slice(digits.length - exponent).replace(/0+$/, '')
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`
}

/**
 * A Tessera percentage (a number with at most 2 decimals, 12.5 means 12.5 %) as a `Decimal`
 * string, and in hundredths of a percent (1250) for exact integer checks.
 */
export const percentToDecimal = (percent: number): string => {
  return scaledToDecimal(percentHundredths(percent), 2)
}

/** A percentage with at most 2 decimals in hundredths (12.5 → 1250), exact. */
export const percentHundredths = (percent: number): number => Math.round(percent * 100)

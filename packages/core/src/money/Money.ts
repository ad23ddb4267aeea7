import { type CurrencyCode, exponentOf } from './currency.js'

/**
 * An integer number of minor units (cents for EUR, yen for JPY, fils for KWD).
 * Every amount in Tessera is one of these: never a float.
 * @category money
 */
export type MinorUnits = number & { readonly MinorUnits: unique symbol }

/** An integer number of loyalty points. @category money */
export type Points = number & { readonly Points: unique symbol }

/**
 * The largest amount Tessera accepts on the wire, per value and per basket: 10^12 minor units (ten
 * billion euros in cents, a trillion yen). Far past any sale, and low enough that sums of a
 * basket's lines, percentages of them (× 10,000 hundredths) and point totals stay exact in a double.
 * @category money
 */
export const MAX_MINOR_UNITS = 1_000_000_000_000

/** The largest number of points on the wire, per value: 10^12, like {@link MAX_MINOR_UNITS}. @category money */
export const MAX_POINTS = 1_000_000_000_000

/**
 * An amount of money: integer minor units and the currency they count.
 * @category money
 */
export interface Money {
  readonly amount: MinorUnits
  readonly currency: CurrencyCode
}

/**
 * Brands a number as minor units. Throws on a non-integer: that is a broken invariant, a bug in the
 * caller, never an expected failure.
 * @category money
 */
export const minor = (n: number): MinorUnits => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`minor units must be a safe integer, got ${n}`)
  return n as MinorUnits
}

/** Brands a number as points. Throws on a non-integer (a broken invariant). @category money */
export const points = (n: number): Points => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`points must be a safe integer, got ${n}`)
  return n as Points
}

/** Builds a {@link Money}. @category money */
export const money = (amount: number, currency: CurrencyCode): Money => ({ amount: minor(amount), currency })

/**
 * The exact decimal string of an amount in major units: `2999` EUR gives `"29.99"`, `5` JPY gives `"5"`.
 * @category money
 */
export const toDecimalString = ({ amount, currency }: Money): string => {
  const exponent = exponentOf(currency)
  const sign = amount < 0 ? '-' : ''
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0')
  if (exponent === 0) return `${sign}${digits}`
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`
}

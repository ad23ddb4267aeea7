/**
 * Square's decimal strings (quantities "0.532", percentages "8.875") as exact scaled integers, and
 * Square's rounding (half to even, "Bankers' Rounding", as the Orders API documents it).
 */

/** A decimal string as `digits / 10^scale`, exact. */
export interface Scaled {
  readonly digits: bigint
  readonly scale: number
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/** Parses a non-negative decimal string (`"2"`, `"0.532"`), or `undefined` when it is not one. */
export const parseDecimal = (text: string, maxDecimals: number): Scaled | undefined => {
  const m = DECIMAL.exec(text)
  if (m === null) return undefined
  const fraction = m[2] ?? ''
  if (fraction.length > maxDecimals) return undefined
  return { digits: BigInt(`${m[1]}${fraction}`), scale: fraction.length }
}

/** The decimal as a JavaScript number, for the wire basket's `quantity`. */
export const toNumber = (d: Scaled): number => Number(d.digits) / 10 ** d.scale

/** Whether the decimal is a whole number. */
export const isWhole = (d: Scaled): boolean => d.digits % 10n ** BigInt(d.scale) === 0n

/** `numerator / denominator` rounded half to even (both ≥ 0, denominator > 0). */
export const divHalfEven = (numerator: bigint, denominator: bigint): bigint => {
  const q = numerator / denominator
  const twice = 2n * (numerator % denominator)
  if (twice > denominator) return q + 1n
  if (twice === denominator) return q % 2n === 0n ? q : q + 1n
  return q
}

/** `amount × d1 × d2 × …`, rounded half to even to a whole minor unit, exact. */
export const mulHalfEven = (amount: number, ...factors: readonly Scaled[]): number => {
  let numerator = BigInt(amount)
  let denominator = 1n
  for (const f of factors) {
    numerator *= f.digits
    denominator *= 10n ** BigInt(f.scale)
  }
  return Number(divHalfEven(numerator, denominator))
}

import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'

/**
 * A percentage with at most two decimals, as basis points of a percent: 12.5 % is 1250.
 * Tessera computes with these integers, never with the float.
 * @category money
 */
export type Hundredths = number & { readonly Hundredths: unique symbol }

/** Why a number is not a usable percentage. @category errors */
export interface PercentError {
  readonly _tag: 'PercentError'
  readonly value: number
  readonly message: string
}

/**
 * Converts a percentage with up to 2 decimals into integer hundredths of a percent (12.5 → 1250),
 * refusing anything with more decimals, so that no float ever enters a money calculation.
 * @category money
 */
export const toHundredths = (percent: number): Either<PercentError, Hundredths> => {
  if (!Number.isFinite(percent))
    return left({ _tag: 'PercentError', value: percent, message: 'must be a finite number' })
  const scaled = Math.round(percent * 100)
  // percent * 100 of a 2-decimal number is within float noise of an integer; anything further away had more decimals.
  if (Math.abs(percent * 100 - scaled) > 1e-6 || !Number.isSafeInteger(scaled)) {
    return left({ _tag: 'PercentError', value: percent, message: `${percent} has more than 2 decimals` })
  }
  return right(scaled as Hundredths)
}

/**
 * Whether a number is a percentage with at most 2 decimals.
 * @category money
 */
export const hasAtMostTwoDecimals = (percent: number): boolean => toHundredths(percent)._tag === 'Right'

/**
 * `amount × percent / 100`, rounded half-up (half away from zero for negative amounts), in exact
 * integer arithmetic. `percent` has at most 2 decimals and was checked at the boundary; a percent
 * with more decimals is a bug in the caller and throws.
 *
 * @example
 * percentOf(698, 25) // 175 (174.5 rounded half-up)
 * @category money
 */
export const percentOf = (amount: number, percent: number): number => {
  const h = toHundredths(percent)
  if (h._tag === 'Left') throw new RangeError(`percentOf: ${h.left.message}`)
  return hundredthsOf(amount, h.right)
}

/**
 * `amount × hundredths / 10000`, rounded half-up, exact. The integer core of {@link percentOf}.
 * @category money
 */
export const hundredthsOf = (amount: number, hundredths: number): number => {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`percentOf: amount must be a safe integer, got ${amount}`)
  const negative = amount < 0 !== hundredths < 0
  const a = Math.abs(amount)
  const h = Math.abs(hundredths)
  let n: number
  if (a * h + 5000 <= Number.MAX_SAFE_INTEGER) {
    // Exact in doubles: the product is an integer below 2^53, and so is its remainder.
    const shifted = a * h + 5000
    n = (shifted - (shifted % 10000)) / 10000
  } else {
    n = Number((BigInt(a) * BigInt(h) + 5000n) / 10000n)
  }
  return negative && n !== 0 ? -n : n
}

/**
 * `amount × numerator / denominator`, floored, exact: for points (`floor(eligible × points / per)`)
 * and rates that are not percentages.
 * @category money
 */
export const mulDivFloor = (amount: number, numerator: number, denominator: number): number => {
  if (denominator <= 0) throw new RangeError('mulDivFloor: denominator must be > 0')
  const product = BigInt(amount) * BigInt(numerator)
  const d = BigInt(denominator)
  const q = product / d
  // BigInt division truncates toward zero; floor for negatives.
  return Number(product < 0n && product % d !== 0n ? q - 1n : q)
}

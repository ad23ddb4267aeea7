/**
 * commercetools money in exact integers: a line's total is `price × quantity` rounded to the
 * currency's minor unit with the cart's `priceRoundingMode` (HalfEven by default).
 */
import type { CtMoney, RoundingMode } from './cart.codec.js'

/** `numerator / denominator` rounded to an integer with a commercetools rounding mode (numerator ≥ 0, denominator > 0). */
export const divRound = (numerator: bigint, denominator: bigint, mode: RoundingMode): bigint => {
  const q = numerator / denominator
  const twice = 2n * (numerator % denominator)
  if (twice > denominator) return q + 1n
  if (twice < denominator) return q
  if (mode === 'HalfUp') return q + 1n
  if (mode === 'HalfDown') return q
  return q % 2n === 0n ? q : q + 1n
}

/**
 * The total of `quantity` units at `money`, in minor units of the currency (exponent `exponent`):
 * `centAmount × quantity` for a cent-precision price, `preciseAmount × quantity` rounded with `mode`
 * for a high-precision one.
 */
export const totalOf = (money: CtMoney, quantity: number, exponent: number, mode: RoundingMode): number => {
  if (money.type !== 'highPrecision' || money.preciseAmount === undefined || money.fractionDigits === undefined)
    return money.centAmount * quantity
  const extra = money.fractionDigits - exponent
  const n = BigInt(money.preciseAmount) * BigInt(quantity)
  return Number(extra >= 0 ? divRound(n, 10n ** BigInt(extra), mode) : n * 10n ** BigInt(-extra))
}

/** A money draft of commercetools (`externalPrice`): cent precision, or high precision when a cent does not divide. */
export type MoneyDraft =
  | { readonly type: 'centPrecision'; readonly currencyCode: string; readonly centAmount: number }
  | {
      readonly type: 'highPrecision'
      readonly currencyCode: string
      readonly preciseAmount: number
      readonly fractionDigits: number
    }

/**
 * The unit price whose total over `quantity` units is exactly `net` minor units under any of
 * commercetools' half rounding modes. A cent-precision price when `quantity` divides `net`; otherwise
 * a high-precision price `round(net × 10^k / quantity)` with `k` digits more than the currency, where
 * `10^k > quantity`: the error of the product is at most `quantity / 2 < 10^k / 2`, under half a
 * minor unit, so the platform's rounding gives `net` back.
 */
export const unitPriceFor = (net: number, quantity: number, currencyCode: string, exponent: number): MoneyDraft => {
  if (net % quantity === 0) return { type: 'centPrecision', currencyCode, centAmount: net / quantity }
  const k = String(quantity).length
  const scale = 10n ** BigInt(k)
  const precise = divRound(BigInt(net) * scale, BigInt(quantity), 'HalfEven')
  return { type: 'highPrecision', currencyCode, preciseAmount: Number(precise), fractionDigits: exponent + k }
}

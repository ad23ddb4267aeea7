import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { type CurrencyCode, exponentOf, isCurrencyCode } from './currency.js'
import { type Money, minor } from './Money.js'

/**
 * Why a decimal string could not become money.
 * @category errors
 */
export interface MoneyParseError {
  readonly _tag: 'MoneyParseError'
  readonly input: string
  readonly reason: 'NOT_A_DECIMAL' | 'TOO_MANY_DECIMALS' | 'UNKNOWN_CURRENCY' | 'TOO_LARGE'
  readonly message: string
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/

/**
 * Parses a decimal string exactly into minor units: `"29.99"` in EUR gives 2999. More decimals
 * than the currency has (`"29.999"` in EUR) are refused, never rounded.
 * @category money
 */
export const parseMoney = (input: string, currency: string): Either<MoneyParseError, Money> => {
  const fail = (reason: MoneyParseError['reason'], message: string) =>
    left<MoneyParseError>({ _tag: 'MoneyParseError', input, reason, message })
  if (!isCurrencyCode(currency)) return fail('UNKNOWN_CURRENCY', `"${currency}" is not an ISO 4217 currency code`)
  const m = DECIMAL.exec(input.trim())
  if (m === null) return fail('NOT_A_DECIMAL', `"${input}" is not a decimal number such as 29.99`)
  const [, sign, whole = '', fraction = ''] = m
  const exponent = exponentOf(currency as CurrencyCode)
  if (fraction.length > exponent) {
    return fail(
      'TOO_MANY_DECIMALS',
      `"${input}" has ${fraction.length} decimals but ${currency} has ${exponent}; amounts are never rounded silently`,
    )
  }
  const digits = BigInt(whole + fraction.padEnd(exponent, '0'))
  if (digits > BigInt(Number.MAX_SAFE_INTEGER)) return fail('TOO_LARGE', `"${input}" is too large`)
  const amount = Number(digits) * (sign === '-' ? -1 : 1)
  return right({ amount: minor(amount === 0 ? 0 : amount), currency: currency as CurrencyCode })
}

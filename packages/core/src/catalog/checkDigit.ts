/**
 * The GS1 mod-10 check digit of a digit string without its check digit: weights 3,1,3,… from the
 * right, check = (10 − sum mod 10) mod 10. Used for EAN-13, EAN-8, GTIN-14 and GS1 card numbers.
 * Throws on a non-digit input (a bug in the caller: decode first).
 *
 * @example
 * gs1CheckDigit('402284751821') // 6, so 4022847518216 is valid
 * @category catalog
 */
export const gs1CheckDigit = (digits: string): number => {
  if (!/^\d+$/.test(digits)) throw new RangeError(`gs1CheckDigit: digits only, got ${JSON.stringify(digits)}`)
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48
    sum += i % 2 === 0 ? digit * 3 : digit
  }
  return (10 - (sum % 10)) % 10
}

/** Whether a full GS1 number (with its check digit last) is valid. @category catalog */
export const isValidGs1 = (code: string): boolean =>
  /^\d{8,18}$/.test(code) && gs1CheckDigit(code.slice(0, -1)) === Number(code.slice(-1))

/**
 * The Luhn (ISO/IEC 7812) check digit of a digit string without its check digit: double every
 * second digit from the right. A different algorithm from GS1's, used by payment-style card numbers.
 * @category catalog
 */
export const luhnCheckDigit = (digits: string): number => {
  if (!/^\d+$/.test(digits)) throw new RangeError(`luhnCheckDigit: digits only, got ${JSON.stringify(digits)}`)
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 0) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return (10 - (sum % 10)) % 10
}

/** Whether a full Luhn number (with its check digit last) is valid. @category catalog */
export const isValidLuhn = (code: string): boolean =>
  /^\d{2,19}$/.test(code) && luhnCheckDigit(code.slice(0, -1)) === Number(code.slice(-1))

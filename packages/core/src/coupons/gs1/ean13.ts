import { type Either, right } from 'fp-ts/lib/Either.js'
import { gs1CheckDigit } from '../../catalog/checkDigit.js'
import {
  type CountryRules,
  readVariableMeasure,
  VARIABLE_MEASURE_RULES,
  type VariableMeasureBarcode,
} from '../../catalog/variableMeasure.js'
import { type MinorUnits, minor } from '../../money/Money.js'
import { fail, type Gs1Error } from './errors.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link parseBarcode}: the country whose variable-measure rules apply. @category gs1 */
export interface ParseBarcodeOptions {
  /** ISO 3166 alpha-2 country (`DE`, `SE`, `DK`, `GB`…). Without it, a `2x` EAN-13 is only an RCN. */
  readonly country?: string
  /** Rules table to use instead of {@link VARIABLE_MEASURE_RULES}. */
  readonly rules?: { readonly [country: string]: CountryRules }
}

/** A coupon EAN-13 in the euro area (`981`, `982`, `983`): `98p IIII RR VVV C`. @category gs1 */
export interface EuroCouponEan13 {
  readonly kind: 'coupon'
  readonly scheme: 'ean13-euro'
  readonly gtin: string
  readonly issuer: string
  readonly reference: string
  /** The value in euro cents (`981`: VVV × 10, `982`: VVV); absent for `983` (set nationally) and free items. */
  readonly valueMinor?: MinorUnits
  readonly currency: 'EUR'
  /** VVV = 000: a free item. */
  readonly freeItem: boolean
}

/** A coupon EAN-13 with prefix `99`: the layout is national, so the body is returned as it is. @category gs1 */
export interface NationalCouponEan13 {
  readonly kind: 'coupon'
  readonly scheme: 'ean13-99'
  readonly gtin: string
  /** Digits 3–12, to be read by the national (or the retailer's own) layout. */
  readonly body: string
}

/** A UPC-A coupon (number system 5): `5 CCCCC FFF VV K`. @category gs1 */
export interface UpcCoupon {
  readonly kind: 'coupon'
  readonly scheme: 'upc-a-5'
  readonly gtin: string
  readonly company: string
  readonly familyCode: string
  readonly valueCode: string
}

/** A trade item number (GTIN-8/12/13/14) with a good check digit. @category gs1 */
export interface GtinBarcode {
  readonly kind: 'gtin'
  readonly gtin: string
}

/** A restricted-circulation number with no variable-measure rule for it (store ids, cards, RCN-8). @category gs1 */
export interface RestrictedCirculationBarcode {
  readonly kind: 'restrictedCirculation'
  readonly gtin: string
  /** `geographic` (020–029, 200–299, UPC `2`), `company` (040–049, UPC `4`, RCN-8 `0` and `2`). */
  readonly scope: 'geographic' | 'company'
}

/** A refund receipt number (prefix `980`). @category gs1 */
export interface RefundReceiptBarcode {
  readonly kind: 'refundReceipt'
  readonly gtin: string
}

/** What an EAN/UPC number (GTIN-8, -12, -13 or -14) is. @category gs1 */
export type EanUpcBarcode =
  | GtinBarcode
  | VariableMeasureBarcode
  | RestrictedCirculationBarcode
  | RefundReceiptBarcode
  | EuroCouponEan13
  | NationalCouponEan13
  | UpcCoupon

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** Checks the GS1 check digit of a number (internal to the GS1 readers). */
export const checkDigitOf = (barcode: string, digits: string): Either<Gs1Error, string> => {
  const expected = gs1CheckDigit(digits.slice(0, -1))
  const actual = Number(digits.slice(-1))
  return expected === actual
    ? right(digits)
    : fail(barcode, 'BAD_CHECK_DIGIT', `check digit of ${digits} is ${actual}, expected ${expected}`, {
        expected,
        actual,
      })
}

/**
 * Reads a GTIN-8/12/13/14 (its check digit checked): a coupon EAN-13, a UPC-A coupon, a refund
 * receipt, a restricted-circulation or variable-measure number, or a plain GTIN (internal: see
 * `parseBarcode`).
 */
export const parseGtin = (
  barcode: string,
  digits: string,
  options: ParseBarcodeOptions,
): Either<Gs1Error, EanUpcBarcode> => {
  const checked = checkDigitOf(barcode, digits)
  if (checked._tag === 'Left') return checked
  if (digits.length === 8) {
    // RCN-8: prefixes 0 and 2 are for use within a company (GS1 General Specifications §2.1.11).
    if (digits[0] === '0' || digits[0] === '2')
      return right({ kind: 'restrictedCirculation', gtin: digits, scope: 'company' })
    return right({ kind: 'gtin', gtin: digits })
  }
  if (digits.length === 12) {
    if (digits[0] === '5') {
      return right({
        kind: 'coupon',
        scheme: 'upc-a-5',
        gtin: digits,
        company: digits.slice(1, 6),
        familyCode: digits.slice(6, 9),
        valueCode: digits.slice(9, 11),
      })
    }
    if (digits[0] === '2' || digits[0] === '4') {
      return right({ kind: 'restrictedCirculation', gtin: digits, scope: digits[0] === '2' ? 'geographic' : 'company' })
    }
    return right({ kind: 'gtin', gtin: digits })
  }
  if (digits.length === 14) return right({ kind: 'gtin', gtin: digits })
  // GTIN-13
  if (digits.startsWith('99'))
    return right({ kind: 'coupon', scheme: 'ean13-99', gtin: digits, body: digits.slice(2, 12) })
  if (digits.startsWith('980')) return right({ kind: 'refundReceipt', gtin: digits })
  if (/^98[1-3]/.test(digits)) {
    const vvv = Number(digits.slice(9, 12))
    const scale = digits[2] === '1' ? 10 : digits[2] === '2' ? 1 : undefined
    return right({
      kind: 'coupon',
      scheme: 'ean13-euro',
      gtin: digits,
      issuer: digits.slice(3, 7),
      reference: digits.slice(7, 9),
      ...(vvv !== 0 && scale !== undefined ? { valueMinor: minor(vvv * scale) } : {}),
      currency: 'EUR',
      freeItem: vvv === 0,
    })
  }
  if (digits[0] === '2') {
    const country = options.country?.toUpperCase()
    const rules = country === undefined ? undefined : (options.rules ?? VARIABLE_MEASURE_RULES)[country]
    if (country !== undefined && rules === undefined) {
      return fail(
        barcode,
        'UNSUPPORTED',
        `no variable-measure rules for country ${country}; known: ${Object.keys(options.rules ?? VARIABLE_MEASURE_RULES).join(', ')}`,
      )
    }
    const measured =
      rules === undefined || country === undefined ? undefined : readVariableMeasure(barcode, digits, country, rules)
    return measured ?? right({ kind: 'restrictedCirculation', gtin: digits, scope: 'geographic' })
  }
  if (/^0[24]/.test(digits)) {
    return right({ kind: 'restrictedCirculation', gtin: digits, scope: digits[1] === '2' ? 'geographic' : 'company' })
  }
  return right({ kind: 'gtin', gtin: digits })
}

/**
 * Makes an EAN-13 coupon number with prefix `99` from 10 body digits (the national or retailer
 * layout), appending the check digit: a short number a till can key in for a signed coupon.
 * @category gs1
 */
export const couponEan13 = (body: string): Either<Gs1Error, string> =>
  /^\d{10}$/.test(body)
    ? right(`99${body}${gs1CheckDigit(`99${body}`)}`)
    : fail(body, 'MALFORMED', `a 99 coupon body is 10 digits, got ${JSON.stringify(body)}`)

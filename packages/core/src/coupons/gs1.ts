import type { Either } from 'fp-ts/lib/Either.js'
import type { VariableMeasureBarcode } from '../catalog/variableMeasure.js'
import type { DataBar8110Coupon, DataBar8112Coupon } from './gs1/databar.js'
import {
  type EuroCouponEan13,
  type GtinBarcode,
  type NationalCouponEan13,
  type ParseBarcodeOptions,
  parseGtin,
  type RefundReceiptBarcode,
  type RestrictedCirculationBarcode,
  type UpcCoupon,
} from './gs1/ean13.js'
import { type GlobalCouponNumber, GS, parseElementString } from './gs1/elementString.js'
import { fail, type Gs1Error } from './gs1/errors.js'

// The GS1 barcodes a till scans, one reader per family: EAN/UPC numbers (gs1/ean13.ts, with the
// variable-measure rules in catalog/variableMeasure.ts), element strings (gs1/elementString.ts) and
// the DataBar coupons they carry (gs1/databar.ts).

export type { CouponRequirement, DataBar8110Coupon, DataBar8112Coupon } from './gs1/databar.js'
export {
  couponEan13,
  type EanUpcBarcode,
  type EuroCouponEan13,
  type GtinBarcode,
  type NationalCouponEan13,
  type ParseBarcodeOptions,
  type RefundReceiptBarcode,
  type RestrictedCirculationBarcode,
  type UpcCoupon,
} from './gs1/ean13.js'
export type { ElementStringCoupon, GlobalCouponNumber } from './gs1/elementString.js'
export type { Gs1Error } from './gs1/errors.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** Any coupon a till can scan. @category gs1 */
export type ScannedCoupon =
  | DataBar8110Coupon
  | DataBar8112Coupon
  | EuroCouponEan13
  | NationalCouponEan13
  | UpcCoupon
  | GlobalCouponNumber

/** What a scanned barcode is. @category gs1 */
export type ParsedBarcode =
  | GtinBarcode
  | VariableMeasureBarcode
  | RestrictedCirculationBarcode
  | RefundReceiptBarcode
  | ScannedCoupon

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Reads a scanned barcode: a GTIN-8/12/13/14 (with its check digit checked), a coupon EAN-13 (`99`,
 * `981`–`983`), a UPC-A coupon (`5…`), a refund receipt (`980`), a restricted-circulation number, a
 * variable-measure EAN-13 under the rules of `options.country` (price, weight or count, with the
 * price verifier digit checked where the layout has one), or a GS1 DataBar coupon element string
 * (AI 8110, 8112, 255 with 8111/394n): raw with GS separators, with a `]e0` symbology identifier,
 * or written `(8110)…`.
 * @category gs1
 */
export const parseBarcode = (text: string, options: ParseBarcodeOptions = {}): Either<Gs1Error, ParsedBarcode> => {
  const barcode = text
  const body = text.trim().replace(/^\](e0|C1|Q3|d2)/, '')
  if (body === '') return fail(barcode, 'MALFORMED', 'empty barcode')
  if (/^\d+$/.test(body)) {
    if ([8, 12, 13, 14].includes(body.length)) return parseGtin(barcode, body, options)
    if (/^(255|8110|8111|8112|394[0-3])/.test(body)) return parseElementString(barcode, body)
    return fail(
      barcode,
      'MALFORMED',
      `${body.length} digits is not a GTIN (8, 12, 13 or 14 digits) nor a coupon element string`,
    )
  }
  if (body.startsWith('(') || [...body].every((ch) => ch === GS || (ch >= '0' && ch <= '9')))
    return parseElementString(barcode, body)
  return fail(barcode, 'MALFORMED', `a barcode is digits or GS1 "(AI)data"; got ${JSON.stringify(text)}`)
}

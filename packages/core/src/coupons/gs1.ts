import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { gs1CheckDigit } from '../catalog/checkDigit.js'
import { type CurrencyCode, exponentOf } from '../money/currency.js'
import { type MinorUnits, minor } from '../money/Money.js'

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/**
 * One variable-measure rule of a country: for EAN-13s starting with one of `prefixes`, the layout of
 * digits 1–12 (`P` prefix and item reference, `C` price verifier digit, `V` value) and what the value
 * is: a price with `decimals` decimals of the major unit, a weight in kg with `decimals` decimals,
 * or a count.
 * @category gs1
 */
export interface VariableMeasureRule {
  readonly prefixes: readonly string[]
  readonly layout: string
  readonly measure: 'price' | 'weight' | 'count'
  readonly decimals: number
}

/** A country's variable-measure rules and the currency its prices are in. @category gs1 */
export interface CountryRules {
  readonly currency: string
  readonly rules: readonly VariableMeasureRule[]
}

// Sweden and Norway share one layout: 8-digit item, 4-digit value, the prefix saying its unit.
const NORDIC_RULES: readonly VariableMeasureRule[] = [
  { prefixes: ['20'], layout: 'PPPPPPPPVVVV', measure: 'price', decimals: 2 },
  { prefixes: ['21'], layout: 'PPPPPPPPVVVV', measure: 'price', decimals: 1 },
  { prefixes: ['22'], layout: 'PPPPPPPPVVVV', measure: 'price', decimals: 0 },
  { prefixes: ['23'], layout: 'PPPPPPPPVVVV', measure: 'weight', decimals: 3 },
  { prefixes: ['24'], layout: 'PPPPPPPPVVVV', measure: 'weight', decimals: 2 },
  { prefixes: ['25'], layout: 'PPPPPPPPVVVV', measure: 'weight', decimals: 1 },
]

/**
 * Variable-measure (price/weight embedded) rules by country, as configuration (GS1 General
 * Specifications §7.9 and the national GS1 bodies, as collected by biip `rcn.py`). Add a country by
 * adding an entry; pass your own table to {@link parseBarcode} to override one.
 * @category gs1
 */
export const VARIABLE_MEASURE_RULES: { readonly [country: string]: CountryRules } = {
  DE: {
    currency: 'EUR',
    rules: [
      { prefixes: ['22', '23'], layout: 'PPPPPPCVVVVV', measure: 'price', decimals: 2 },
      { prefixes: ['25', '26'], layout: 'PPPPPPCVVVVV', measure: 'count', decimals: 0 },
      { prefixes: ['28', '29'], layout: 'PPPPPPCVVVVV', measure: 'weight', decimals: 3 },
    ],
  },
  SE: {
    currency: 'SEK',
    rules: NORDIC_RULES,
  },
  NO: {
    currency: 'NOK',
    rules: NORDIC_RULES,
  },
  DK: {
    currency: 'DKK',
    rules: [
      { prefixes: ['21', '22', '23', '24'], layout: 'PPPPPPVVVVVV', measure: 'price', decimals: 2 },
      { prefixes: ['26', '28'], layout: 'PPPPPPVVVVVV', measure: 'weight', decimals: 3 },
      { prefixes: ['27'], layout: 'PPPPPPPVVVVV', measure: 'weight', decimals: 3 },
    ],
  },
  GB: {
    currency: 'GBP',
    rules: [{ prefixes: ['20'], layout: 'PPPPPPPCVVVV', measure: 'price', decimals: 2 }],
  },
  ...Object.fromEntries(
    ['FI', 'EE', 'LV', 'LT'].map((country) => [
      country,
      {
        currency: 'EUR',
        rules: [
          { prefixes: ['23'], layout: 'PPPPPPPPVVVV', measure: 'weight', decimals: 3 },
          { prefixes: ['24'], layout: 'PPPPPPPPVVVV', measure: 'weight', decimals: 2 },
          { prefixes: ['25'], layout: 'PPPPPPPPVVVV', measure: 'weight', decimals: 1 },
        ],
      } satisfies CountryRules,
    ]),
  ),
}

/** Options of {@link parseBarcode}: the country whose variable-measure rules apply. @category gs1 */
export interface ParseBarcodeOptions {
  /** ISO 3166 alpha-2 country (`DE`, `SE`, `DK`, `GB`…). Without it, a `2x` EAN-13 is only an RCN. */
  readonly country?: string
  /** Rules table to use instead of {@link VARIABLE_MEASURE_RULES}. */
  readonly rules?: { readonly [country: string]: CountryRules }
}

/** One purchase requirement of a GS1 DataBar coupon (AI 8110). @category gs1 */
export interface CouponRequirement {
  /** How many (units, or cents: see `requirementCode`). */
  readonly requirement: number
  /** 0 units, 1 cash value (cents), 2 total transaction, 3 product weight, 4 total units, 9 free. */
  readonly requirementCode: number
  readonly familyCode: string
  /** The company prefix of the items; absent = the primary company prefix. */
  readonly companyPrefix?: string
}

/** A North American coupon carried in GS1 DataBar Expanded, AI 8110. @category gs1 */
export interface DataBar8110Coupon {
  readonly kind: 'coupon'
  readonly scheme: 'databar-8110'
  readonly companyPrefix: string
  readonly offerCode: string
  /** The save value: cents off when `saveValueCode` is 0 (the default). */
  readonly saveValue: number
  readonly requirements: readonly CouponRequirement[]
  /** How the extra requirements combine: 0 any one, 1 all, 2 the first and either other, 3 the first or the second. */
  readonly rulesCode?: number
  /** Last valid day `YYYY-MM-DD` (from `YYMMDD`, century 20). */
  readonly expiry?: string
  readonly start?: string
  readonly serial?: string
  readonly retailerId?: string
  /** 0 cents off, 1 free item, 2 multiple buy, 5 percent off, 6 …; default 0. */
  readonly saveValueCode: number
  /** 0 the first qualifying item, 1 the second, 2 the third; default 0. */
  readonly appliesToItem: number
  readonly storeCoupon: boolean
  readonly dontMultiply: boolean
  readonly loyaltyPoints?: number
}

/** A GS1 DataBar positive-offer coupon, AI 8112 (paperless, looked up by the retailer). @category gs1 */
export interface DataBar8112Coupon {
  readonly kind: 'coupon'
  readonly scheme: 'databar-8112'
  readonly formatCode: string
  readonly funderId: string
  readonly offerCode: string
  readonly serial: string
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

/** A Global Coupon Number, AI 255 (with AI 8111 points or AI 394n percent off if present). @category gs1 */
export interface GlobalCouponNumber {
  readonly kind: 'coupon'
  readonly scheme: 'gcn-255'
  readonly gcn: string
  readonly serial?: string
  readonly loyaltyPoints?: number
  /** Percent off as a decimal string (`12.5`). */
  readonly percentOff?: string
}

/** Any coupon a till can scan. @category gs1 */
export type ScannedCoupon =
  | DataBar8110Coupon
  | DataBar8112Coupon
  | EuroCouponEan13
  | NationalCouponEan13
  | UpcCoupon
  | GlobalCouponNumber

/** A trade item number (GTIN-8/12/13/14) with a good check digit. @category gs1 */
export interface GtinBarcode {
  readonly kind: 'gtin'
  readonly gtin: string
}

/**
 * A variable-measure item: the price, weight or count embedded in the number. `lookupGtin` is the
 * number with the value (and its verifier) zeroed and the check digit recomputed: look the item
 * up by it.
 * @category gs1
 */
export interface VariableMeasureBarcode {
  readonly kind: 'variableMeasure'
  readonly gtin: string
  readonly country: string
  readonly itemReference: string
  readonly lookupGtin: string
  readonly measure: 'price' | 'weight' | 'count'
  readonly priceMinor?: MinorUnits
  readonly currency?: string
  readonly weightGrams?: number
  readonly count?: number
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

/** What a scanned barcode is. @category gs1 */
export type ParsedBarcode =
  | GtinBarcode
  | VariableMeasureBarcode
  | RestrictedCirculationBarcode
  | RefundReceiptBarcode
  | ScannedCoupon

/**
 * Why a barcode was refused: `BAD_CHECK_DIGIT` (with `expected` and `actual`),
 * `BAD_PRICE_CHECK_DIGIT` (the verifier digit of an embedded price/weight, with `expected` and
 * `actual`), `UNSUPPORTED` (a well-formed code this parser does not read) or `MALFORMED`.
 * @category gs1
 */
export interface Gs1Error {
  readonly _tag: 'Gs1Error'
  readonly reason: 'BAD_CHECK_DIGIT' | 'BAD_PRICE_CHECK_DIGIT' | 'UNSUPPORTED' | 'MALFORMED'
  readonly barcode: string
  readonly message: string
  readonly expected?: number
  readonly actual?: number
}

// ---------------------------------------------------------------------------------------------
// Price verifier digit (GS1 General Specifications §7.9.2–7.9.4)
// ---------------------------------------------------------------------------------------------

const W2_MINUS = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7]
const W3 = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7]
const W5_PLUS = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9]
const W5_MINUS = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1]

/**
 * The verifier digit of a 4- or 5-digit embedded price/weight. Four digits: weights (2-, 2-, 3, 5-),
 * verifier = (Σ × 3) mod 10 (`2875` → 9). Five digits: weights (5+, 2-, 5-, 5+, 2-), r = (10 − Σ mod
 * 10) mod 10, and the verifier is the digit whose 5- product is r (`14685` → 6).
 * Throws on another length (a bug in a rules table).
 * @category gs1
 */
export const priceVerifierDigit = (value: string): number => {
  const d = [...value].map(Number)
  if (d.length === 4 && d.every((x) => x >= 0 && x <= 9)) {
    const sum =
      (W2_MINUS[d[0] as number] as number) +
      (W2_MINUS[d[1] as number] as number) +
      (W3[d[2] as number] as number) +
      (W5_MINUS[d[3] as number] as number)
    return (sum * 3) % 10
  }
  if (d.length === 5 && d.every((x) => x >= 0 && x <= 9)) {
    const sum =
      (W5_PLUS[d[0] as number] as number) +
      (W2_MINUS[d[1] as number] as number) +
      (W5_MINUS[d[2] as number] as number) +
      (W5_PLUS[d[3] as number] as number) +
      (W2_MINUS[d[4] as number] as number)
    return W5_MINUS.indexOf((10 - (sum % 10)) % 10)
  }
  throw new RangeError(`priceVerifierDigit: 4 or 5 digits, got ${JSON.stringify(value)}`)
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const fail = (barcode: string, reason: Gs1Error['reason'], message: string, extra: Partial<Gs1Error> = {}) =>
  left<Gs1Error>({ _tag: 'Gs1Error', reason, barcode, message, ...extra })

const checkDigitOf = (barcode: string, digits: string): Either<Gs1Error, string> => {
  const expected = gs1CheckDigit(digits.slice(0, -1))
  const actual = Number(digits.slice(-1))
  return expected === actual
    ? right(digits)
    : fail(barcode, 'BAD_CHECK_DIGIT', `check digit of ${digits} is ${actual}, expected ${expected}`, {
        expected,
        actual,
      })
}

const variableMeasure = (
  barcode: string,
  gtin: string,
  country: string,
  rules: CountryRules,
): Either<Gs1Error, ParsedBarcode> | undefined => {
  const rule = rules.rules.find((r) => r.prefixes.includes(gtin.slice(0, 2)))
  if (rule === undefined) return undefined
  if (!/^[PCV]{12}$/.test(rule.layout)) {
    throw new RangeError(`variable-measure layout ${rule.layout} of ${country} must be 12 of P, C, V`)
  }
  let item = ''
  let value = ''
  let verifier: number | undefined
  let lookup = ''
  for (let i = 0; i < 12; i++) {
    const kind = rule.layout[i]
    const digit = gtin[i] as string
    if (kind === 'P') item += digit
    else if (kind === 'V') value += digit
    else verifier = Number(digit)
  }
  if (verifier !== undefined) {
    const expected = priceVerifierDigit(value)
    if (expected !== verifier) {
      return fail(
        barcode,
        'BAD_PRICE_CHECK_DIGIT',
        `the ${rule.measure} ${value} of ${gtin} has verifier digit ${verifier}, expected ${expected}`,
        {
          expected,
          actual: verifier,
        },
      )
    }
  }
  const zeroVerifier = verifier === undefined ? '' : String(priceVerifierDigit('0'.repeat(value.length)))
  for (const kind of rule.layout) lookup += kind === 'P' ? item[lookup.length] : kind === 'C' ? zeroVerifier : '0'
  lookup += gs1CheckDigit(lookup)
  const n = Number(value)
  const base = {
    kind: 'variableMeasure',
    gtin,
    country,
    itemReference: item,
    lookupGtin: lookup,
    measure: rule.measure,
  } as const
  if (rule.measure === 'weight') return right({ ...base, weightGrams: n * 10 ** (3 - rule.decimals) })
  if (rule.measure === 'count') return right({ ...base, count: n })
  const exponent = exponentOf(rules.currency as CurrencyCode)
  if (exponent === undefined || rule.decimals > exponent) {
    throw new RangeError(`variable-measure rule of ${country}: ${rule.decimals} decimals do not fit ${rules.currency}`)
  }
  return right({ ...base, priceMinor: minor(n * 10 ** (exponent - rule.decimals)), currency: rules.currency })
}

const parseGtin = (barcode: string, digits: string, options: ParseBarcodeOptions): Either<Gs1Error, ParsedBarcode> => {
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
      rules === undefined || country === undefined ? undefined : variableMeasure(barcode, digits, country, rules)
    return measured ?? right({ kind: 'restrictedCirculation', gtin: digits, scope: 'geographic' })
  }
  if (/^0[24]/.test(digits)) {
    return right({ kind: 'restrictedCirculation', gtin: digits, scope: digits[1] === '2' ? 'geographic' : 'company' })
  }
  return right({ kind: 'gtin', gtin: digits })
}

/** A cursor over the digits of an AI's data, failing with MALFORMED and the field name. */
class Reader {
  at = 0
  constructor(
    readonly data: string,
    readonly ai: string,
  ) {}
  get done() {
    return this.at >= this.data.length
  }
  peek() {
    return this.data[this.at]
  }
  take(n: number, field: string): string {
    if (this.at + n > this.data.length) throw new Malformed(`AI ${this.ai}: ${field} is cut short (${n} digits needed)`)
    const s = this.data.slice(this.at, this.at + n)
    this.at += n
    return s
  }
  digit(field: string, allowed: string): number {
    const d = this.take(1, field)
    if (!allowed.includes(d))
      throw new Malformed(`AI ${this.ai}: ${field} must be one of ${[...allowed].join(', ')}, got ${d}`)
    return Number(d)
  }
  /** A VLI digit in `allowed`, then VLI + `plus` digits. */
  vli(field: string, allowed: string, plus: number): string {
    const n = this.digit(`${field} length indicator`, allowed)
    return this.take(n + plus, field)
  }
}

class Malformed extends Error {}

const yymmdd = (s: string, ai: string, field: string): string => {
  const y = 2000 + Number(s.slice(0, 2))
  const m = Number(s.slice(2, 4))
  const d = Number(s.slice(4, 6))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    throw new Malformed(`AI ${ai}: ${field} ${s} is not a date YYMMDD`)
  return `${y}-${s.slice(2, 4)}-${s.slice(4, 6)}`
}

const requirementOf = (r: Reader, which: string, withPrefix: boolean): CouponRequirement => {
  const requirement = Number(r.vli(`${which} purchase requirement`, '12345', 0))
  const requirementCode = r.digit(`${which} purchase requirement code`, '012349')
  const familyCode = r.take(3, `${which} family code`)
  if (!withPrefix) return { requirement, requirementCode, familyCode }
  const vli = r.digit(`${which} company prefix length indicator`, '01234569')
  if (vli === 9) return { requirement, requirementCode, familyCode }
  return { requirement, requirementCode, familyCode, companyPrefix: r.take(vli + 6, `${which} company prefix`) }
}

const parse8110 = (data: string): DataBar8110Coupon => {
  const r = new Reader(data, '8110')
  const companyPrefix = r.vli('company prefix', '0123456', 6)
  const offerCode = r.take(6, 'offer code')
  const saveValue = Number(r.vli('save value', '12345', 0))
  const requirements: CouponRequirement[] = [requirementOf(r, 'first', false)]
  let rulesCode: number | undefined
  let expiry: string | undefined
  let start: string | undefined
  let serial: string | undefined
  let retailerId: string | undefined
  let saveValueCode = 0
  let appliesToItem = 0
  let storeCoupon = false
  let dontMultiply = false
  let last = 0
  while (!r.done) {
    const group = Number(r.peek())
    if (!'123456789'.includes(String(group)) || group <= last || group === 7 || group === 8) {
      throw new Malformed(
        `AI 8110: unexpected ${r.data.slice(r.at)} after the fields (optional groups 1–6 and 9, in order)`,
      )
    }
    r.take(1, 'group')
    last = group
    if (group === 1) {
      rulesCode = r.digit('additional purchase rules code', '0123')
      requirements.push(requirementOf(r, 'second', true))
    } else if (group === 2) requirements.push(requirementOf(r, 'third', true))
    else if (group === 3) expiry = yymmdd(r.take(6, 'expiration date'), '8110', 'expiration date')
    else if (group === 4) start = yymmdd(r.take(6, 'start date'), '8110', 'start date')
    else if (group === 5) serial = r.vli('serial number', '0123456789', 6)
    else if (group === 6) retailerId = r.vli('retailer company prefix or GLN', '1234567', 6)
    else {
      saveValueCode = r.digit('save value code', '01256')
      appliesToItem = r.digit('save value applies to item', '012')
      storeCoupon = r.digit('store coupon flag', '0123456789') !== 0
      dontMultiply = r.digit("don't multiply flag", '01') === 1
    }
  }
  if (expiry !== undefined && start !== undefined && start > expiry) {
    throw new Malformed(`AI 8110: start date ${start} is after the expiration date ${expiry}`)
  }
  return {
    kind: 'coupon',
    scheme: 'databar-8110',
    companyPrefix,
    offerCode,
    saveValue,
    requirements,
    ...(rulesCode !== undefined ? { rulesCode } : {}),
    ...(expiry !== undefined ? { expiry } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(serial !== undefined ? { serial } : {}),
    ...(retailerId !== undefined ? { retailerId } : {}),
    saveValueCode,
    appliesToItem,
    storeCoupon,
    dontMultiply,
  }
}

const parse8112 = (data: string): DataBar8112Coupon => {
  const r = new Reader(data, '8112')
  const formatCode = String(r.digit('format code', '01'))
  const funderId = r.vli('funder id', '0123456', 6)
  const offerCode = r.take(6, 'offer code')
  const serial = r.vli('serial number', '0123456789', 6)
  if (!r.done) throw new Malformed(`AI 8112: unexpected ${data.slice(r.at)} after the serial number`)
  return { kind: 'coupon', scheme: 'databar-8112', formatCode, funderId, offerCode, serial }
}

/** Application identifiers this parser reads: fixed length, or max length of a variable field. */
const AIS: { readonly [ai: string]: { readonly fixed?: number; readonly max?: number } } = {
  '255': { max: 25 },
  '8110': { max: 70 },
  '8111': { fixed: 4 },
  '8112': { max: 70 },
  '3940': { fixed: 4 },
  '3941': { fixed: 4 },
  '3942': { fixed: 4 },
  '3943': { fixed: 4 },
}

const GS = '\u001d'

const elementsOf = (text: string): Map<string, string> => {
  const elements = new Map<string, string>()
  if (text.startsWith('(')) {
    const re = /\((\d{2,4})\)([^(]*)/gy
    let m: RegExpExecArray | null
    let end = 0
    // biome-ignore lint/suspicious/noAssignInExpressions: a regex scan loop
    while ((m = re.exec(text)) !== null) {
      elements.set(m[1] as string, m[2] as string)
      end = re.lastIndex
    }
    if (end !== text.length) throw new Malformed(`cannot read ${JSON.stringify(text.slice(end))} as "(AI)data"`)
  } else {
    let at = 0
    while (at < text.length) {
      if (text[at] === GS) {
        at++
        continue
      }
      const ai = ['255', '8110', '8111', '8112', '3940', '3941', '3942', '3943'].find((a) => text.startsWith(a, at))
      if (ai === undefined)
        throw new Unsupported(
          `application identifier at ${JSON.stringify(text.slice(at, at + 4))} is not one this parser reads`,
        )
      at += ai.length
      const spec = AIS[ai] as { fixed?: number; max?: number }
      const end =
        spec.fixed !== undefined ? at + spec.fixed : text.indexOf(GS, at) < 0 ? text.length : text.indexOf(GS, at)
      elements.set(ai, text.slice(at, end))
      at = end
    }
  }
  for (const [ai, data] of elements) {
    const spec = AIS[ai]
    if (spec === undefined) throw new Unsupported(`AI ${ai} is not one this parser reads`)
    if (!/^\d+$/.test(data)) throw new Malformed(`AI ${ai}: data must be digits, got ${JSON.stringify(data)}`)
    if (spec.fixed !== undefined && data.length !== spec.fixed)
      throw new Malformed(`AI ${ai}: must be ${spec.fixed} digits, got ${data.length}`)
    if (spec.max !== undefined && data.length > spec.max)
      throw new Malformed(`AI ${ai}: at most ${spec.max} digits, got ${data.length}`)
  }
  return elements
}

class Unsupported extends Error {}

const parseElementString = (barcode: string, text: string): Either<Gs1Error, ParsedBarcode> => {
  try {
    const e = elementsOf(text)
    const points = e.has('8111') ? Number(e.get('8111')) : undefined
    if (e.has('8110')) {
      const coupon = parse8110(e.get('8110') as string)
      return right(points === undefined ? coupon : { ...coupon, loyaltyPoints: points })
    }
    if (e.has('8112')) return right(parse8112(e.get('8112') as string))
    const gcnData = e.get('255')
    if (gcnData !== undefined) {
      if (gcnData.length < 13)
        throw new Malformed(`AI 255: the Global Coupon Number needs 13 digits, got ${gcnData.length}`)
      const gcn = gcnData.slice(0, 13)
      const checked = checkDigitOf(barcode, gcn)
      if (checked._tag === 'Left') return checked
      const percentAi = ['3940', '3941', '3942', '3943'].find((ai) => e.has(ai))
      let percentOff: string | undefined
      if (percentAi !== undefined) {
        const decimals = Number(percentAi[3])
        const raw = e.get(percentAi) as string
        const whole = raw.slice(0, 4 - decimals).replace(/^0+(?=\d)/, '')
        percentOff = decimals === 0 ? whole : `${whole}.${raw.slice(4 - decimals)}`.replace(/\.?0+$/, '')
      }
      return right({
        kind: 'coupon',
        scheme: 'gcn-255',
        gcn,
        ...(gcnData.length > 13 ? { serial: gcnData.slice(13) } : {}),
        ...(points !== undefined ? { loyaltyPoints: points } : {}),
        ...(percentOff !== undefined ? { percentOff } : {}),
      })
    }
    throw new Malformed(`AI ${[...e.keys()].join(', ')} needs AI 255 (a Global Coupon Number)`)
  } catch (err) {
    if (err instanceof Malformed) return fail(barcode, 'MALFORMED', err.message)
    if (err instanceof Unsupported) return fail(barcode, 'UNSUPPORTED', err.message)
    throw err
  }
}

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

/**
 * Makes an EAN-13 coupon number with prefix `99` from 10 body digits (the national or retailer
 * layout), appending the check digit: a short number a till can key in for a signed coupon.
 * @category gs1
 */
export const couponEan13 = (body: string): Either<Gs1Error, string> =>
  /^\d{10}$/.test(body)
    ? right(`99${body}${gs1CheckDigit(`99${body}`)}`)
    : fail(body, 'MALFORMED', `a 99 coupon body is 10 digits, got ${JSON.stringify(body)}`)

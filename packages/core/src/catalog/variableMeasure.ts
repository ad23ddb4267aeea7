import { type Either, right } from 'fp-ts/lib/Either.js'
import { fail, type Gs1Error } from '../coupons/gs1/errors.js'
import { type CurrencyCode, exponentOf } from '../money/currency.js'
import { type MinorUnits, minor } from '../money/Money.js'
import { gs1CheckDigit } from './checkDigit.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

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

// ── price verifier digit (GS1 General Specifications §7.9.2–7.9.4) ───────────────────────────────

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

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Reads the value embedded in a variable-measure EAN-13 under a country's rules (checking the price
 * verifier digit where the layout has one), or `undefined` when no rule of the country covers its
 * prefix. Throws on a broken rules table.
 * @category gs1
 */
export const readVariableMeasure = (
  barcode: string,
  gtin: string,
  country: string,
  rules: CountryRules,
): Either<Gs1Error, VariableMeasureBarcode> | undefined => {
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

import * as t from 'io-ts'
import { fieldError, looseObject } from '../codec/object.js'
import { NonEmptyString, oneOf, primitive, textProblem } from '../codec/primitive.js'
import type { CurrencyCode } from '../money/currency.js'
import { MAX_MINOR_UNITS, type MinorUnits } from '../money/Money.js'
import { CurrencyCodec, MinorUnitsCodec, PercentCodec } from '../money/money.codec.js'
import { type IsoDateTime, IsoDateTimeCodec } from '../time/time.codec.js'
import { UNITS, type Unit } from './units.js'

/** A stock-keeping unit: the product id a till scans. @category basket */
export type Sku = string & { readonly Sku: unique symbol }

/** The SKU codec: a non-empty string. @category codecs */
export const SkuCodec = primitive<Sku>(
  'Sku',
  (u) => (typeof u === 'string' && u.length > 0 ? textProblem(u) : 'must be a non-empty SKU string'),
  { type: 'string', minLength: 1 },
)

/** A quantity: a number > 0. Whole for `each` lines, which the line codec checks. @category codecs */
export const QuantityCodec = primitive<number>(
  'Quantity',
  (u) =>
    typeof u === 'number' && Number.isFinite(u) && u > 0
      ? undefined
      : typeof u === 'number' && u <= 0
        ? 'must be > 0; returns go through the return flow, not negative or zero lines'
        : 'must be a number > 0',
  { type: 'number', exclusiveMinimum: 0 },
)

/**
 * One line of a basket. `amount` is the line price before any discount and is authoritative
 * (it matters for weighed goods); `unit` defaults to `each`.
 * @category basket
 */
export interface BasketLine {
  readonly id: string
  readonly sku: Sku
  readonly quantity: number
  readonly unit?: Unit
  readonly unitPrice: MinorUnits
  readonly amount: MinorUnits
  readonly categories: readonly string[]
  readonly brand?: string
  readonly tags?: readonly string[]
  readonly discountable?: boolean
  readonly taxRate?: number
}

/**
 * The line codec. Beyond the fields, an `each` line must have a whole quantity.
 * @category codecs
 */
export const BasketLineCodec = looseObject(
  'BasketLine',
  {
    id: NonEmptyString,
    sku: SkuCodec,
    quantity: QuantityCodec,
    unitPrice: MinorUnitsCodec,
    amount: MinorUnitsCodec,
    categories: t.readonlyArray(NonEmptyString),
  },
  {
    unit: oneOf('Unit', UNITS),
    discountable: t.boolean,
    tags: t.readonlyArray(NonEmptyString),
    brand: NonEmptyString,
    taxRate: PercentCodec,
  },
  {
    description: 'One line of a basket. `amount` is the price before any discount, and is authoritative.',
    check: (line, c) =>
      (line.unit ?? 'each') === 'each' && !Number.isInteger(line.quantity)
        ? [
            fieldError(
              c,
              ['quantity'],
              line.quantity,
              `must be a whole number for a line sold by unit "each", got ${line.quantity}; give "unit" (e.g. "kg") for measured goods`,
            ),
          ]
        : [],
  },
)

/**
 * A basket, as a till or a cart sends it (wire contract v1).
 * @category basket
 */
export interface Basket {
  readonly id: string
  readonly storeId: string
  readonly terminalId: string
  readonly channel: 'store' | 'online'
  readonly currency: CurrencyCode
  readonly pricesIncludeTax: boolean
  readonly at: IsoDateTime
  readonly card?: string
  readonly codes?: readonly string[]
  readonly lines: readonly BasketLine[]
}

/**
 * The basket codec (wire contract v1). Unknown vendor fields are dropped; line ids must be unique.
 * @category codecs
 */
export const BasketCodec: t.Type<Basket, unknown, unknown> = looseObject(
  'Basket',
  {
    id: NonEmptyString,
    storeId: NonEmptyString,
    terminalId: NonEmptyString,
    channel: oneOf('Channel', ['store', 'online'] as const),
    currency: CurrencyCodec,
    pricesIncludeTax: t.boolean,
    at: IsoDateTimeCodec,
    lines: t.readonlyArray(BasketLineCodec),
  },
  {
    card: NonEmptyString,
    codes: t.readonlyArray(NonEmptyString),
  },
  {
    description: 'A basket as a till or cart sends it (wire contract v1). Unknown fields are dropped.',
    check: (basket, c) => {
      const seen = new Set<string>()
      const errors: t.ValidationError[] = []
      let total = 0
      for (const [i, line] of (basket.lines as readonly BasketLine[]).entries()) {
        total += line.amount
        if (seen.has(line.id)) {
          errors.push(
            fieldError(
              c,
              ['lines', i, 'id'],
              line.id,
              `duplicate line id ${JSON.stringify(line.id)}; each line needs its own id`,
            ),
          )
        }
        seen.add(line.id)
      }
      if (total > MAX_MINOR_UNITS) {
        errors.push(
          fieldError(
            c,
            ['lines'],
            total,
            `the lines add up to ${total} minor units; a basket may hold at most ${MAX_MINOR_UNITS}`,
          ),
        )
      }
      return errors
    },
  },
) as unknown as t.Type<Basket, unknown, unknown>

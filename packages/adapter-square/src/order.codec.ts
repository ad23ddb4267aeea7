import {
  Count,
  CurrencyCodec,
  IsoDateTimeCodec,
  looseObject,
  MinorUnitsCodec,
  NonEmptyString,
  primitive,
} from '@tessera/core'
import * as t from 'io-ts'
import { parseDecimal } from './decimal.js'

/**
 * The subset of Square's `Order` (Orders API, `api.json` of `square/connect-api-specification`)
 * that the adapter reads. A Square order is a foreign document: fields Tessera does not read are
 * ignored (`looseObject`), and the fields it reads are checked at their path.
 */

/** Square's `Money`: `amount` in the currency's smallest denomination (cents for USD), an integer. */
export const SquareMoneyCodec = looseObject('Money', { amount: MinorUnitsCodec, currency: CurrencyCodec })
/** @category square */
export type SquareMoney = t.TypeOf<typeof SquareMoneyCodec>

/** A Square quantity: a decimal string > 0 with at most 5 decimals (`"2"`, `"0.532"`). */
export const SquareQuantityCodec = primitive<string>(
  'SquareQuantity',
  (u) => {
    if (typeof u !== 'string') return 'must be a decimal string such as "2" or "0.532" (Square quantities are strings)'
    const d = parseDecimal(u, 5)
    if (d === undefined) return 'must be a decimal string such as "2" or "0.532", with at most 5 decimals'
    return d.digits > 0n ? undefined : 'must be > 0; returns go through the return flow, not zero lines'
  },
  { type: 'string', pattern: '^\\d+(\\.\\d{1,5})?$' },
)

/** A Square percentage: a decimal string from 0 to 100 (`"50"`, `"8.875"`). */
export const SquarePercentageCodec = primitive<string>(
  'SquarePercentage',
  (u) => {
    if (typeof u !== 'string') return 'must be a decimal string such as "7.25" (Square percentages are strings)'
    const d = parseDecimal(u, 8)
    if (d === undefined) return 'must be a decimal string such as "7.25"'
    return d.digits <= 100n * 10n ** BigInt(d.scale) ? undefined : 'must be at most 100'
  },
  { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
)

const Metadata = t.record(t.string, t.string)

export const SquareModifierCodec = looseObject(
  'OrderLineItemModifier',
  {},
  {
    uid: NonEmptyString,
    catalog_object_id: NonEmptyString,
    name: t.string,
    base_price_money: SquareMoneyCodec,
    quantity: SquareQuantityCodec,
  },
)

export const SquareMeasurementUnitCodec = looseObject(
  'MeasurementUnit',
  {},
  {
    weight_unit: t.string,
    volume_unit: t.string,
    length_unit: t.string,
    area_unit: t.string,
    time_unit: t.string,
    generic_unit: t.string,
    custom_unit: t.unknown,
  },
)

export const SquareAppliedDiscountCodec = looseObject(
  'OrderLineItemAppliedDiscount',
  { discount_uid: NonEmptyString },
  { uid: NonEmptyString, applied_money: SquareMoneyCodec },
)

export const SquareAppliedTaxCodec = looseObject(
  'OrderLineItemAppliedTax',
  { tax_uid: NonEmptyString },
  { uid: NonEmptyString, applied_money: SquareMoneyCodec },
)

export const SquareLineItemCodec = looseObject(
  'OrderLineItem',
  { quantity: SquareQuantityCodec },
  {
    uid: NonEmptyString,
    name: t.string,
    catalog_object_id: NonEmptyString,
    variation_name: t.string,
    item_type: t.string,
    base_price_money: SquareMoneyCodec,
    quantity_unit: looseObject(
      'OrderQuantityUnit',
      {},
      { measurement_unit: SquareMeasurementUnitCodec, precision: Count },
    ),
    modifiers: t.readonlyArray(SquareModifierCodec),
    applied_discounts: t.readonlyArray(SquareAppliedDiscountCodec),
    applied_taxes: t.readonlyArray(SquareAppliedTaxCodec),
    metadata: Metadata,
  },
)
/** @category square */
export type SquareLineItem = t.TypeOf<typeof SquareLineItemCodec>

export const SquareDiscountCodec = looseObject(
  'OrderLineItemDiscount',
  {},
  {
    uid: NonEmptyString,
    name: t.string,
    type: t.string,
    percentage: SquarePercentageCodec,
    amount_money: SquareMoneyCodec,
    applied_money: SquareMoneyCodec,
    scope: t.string,
    catalog_object_id: NonEmptyString,
    metadata: Metadata,
  },
)
/** @category square */
export type SquareDiscount = t.TypeOf<typeof SquareDiscountCodec>

export const SquareTaxCodec = looseObject(
  'OrderLineItemTax',
  {},
  {
    uid: NonEmptyString,
    name: t.string,
    type: t.string,
    percentage: SquarePercentageCodec,
    scope: t.string,
    catalog_object_id: NonEmptyString,
  },
)
/** @category square */
export type SquareTax = t.TypeOf<typeof SquareTaxCodec>

/**
 * The Square `Order` fields Tessera reads. Unknown fields are ignored; they are kept untouched in
 * the order {@link applyEvaluation} returns.
 * @category square
 */
export const SquareOrderCodec = looseObject(
  'Order',
  { location_id: NonEmptyString, line_items: t.readonlyArray(SquareLineItemCodec) },
  {
    id: NonEmptyString,
    reference_id: NonEmptyString,
    customer_id: NonEmptyString,
    created_at: IsoDateTimeCodec,
    discounts: t.readonlyArray(SquareDiscountCodec),
    taxes: t.readonlyArray(SquareTaxCodec),
    pricing_options: looseObject(
      'OrderPricingOptions',
      {},
      { auto_apply_discounts: t.boolean, auto_apply_taxes: t.boolean },
    ),
    source: looseObject('OrderSource', {}, { name: t.string }),
  },
)
/** @category square */
export type SquareOrder = t.TypeOf<typeof SquareOrderCodec>

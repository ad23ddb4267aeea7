import { Count, FiniteNumber, looseObject, MinorUnitsCodec, NonEmptyString, oneOf, primitive } from '@tessera/core'
import * as t from 'io-ts'

/**
 * The subset of commercetools' API Extension input and `Cart` (HTTP API, `commercetools-api-reference`)
 * that the adapter reads. A cart is a foreign document: fields Tessera does not read are ignored
 * (`looseObject`), the fields it reads are checked at their path (`resource.obj.lineItems.0.quantity`).
 */

/** A currency code as commercetools writes it: three capital letters (Tessera's own table is checked later). */
const CurrencyCodeText = primitive<string>(
  'CurrencyCode',
  (u) =>
    typeof u === 'string' && /^[A-Z]{3}$/.test(u) ? undefined : 'must be an ISO 4217 currency code such as "EUR"',
  { type: 'string', pattern: '^[A-Z]{3}$' },
)

/**
 * commercetools' `TypedMoney`: `centPrecision` (an integer `centAmount` in the currency's minor unit,
 * `fractionDigits` its exponent) or `highPrecision` (`preciseAmount` with more `fractionDigits`,
 * `centAmount` its rounding). A Money draft may omit `type` and `fractionDigits`.
 * @category commercetools
 */
export const CtMoneyCodec = looseObject(
  'Money',
  { currencyCode: CurrencyCodeText, centAmount: MinorUnitsCodec },
  {
    type: oneOf('MoneyType', ['centPrecision', 'highPrecision'] as const),
    fractionDigits: Count,
    preciseAmount: Count,
  },
)
/** @category commercetools */
export type CtMoney = t.TypeOf<typeof CtMoneyCodec>

/** A `Price` of a line item or variant: its value, a product discount's value, and its selection fields. */
export const CtPriceCodec = looseObject(
  'Price',
  { value: CtMoneyCodec },
  {
    id: t.string,
    country: t.string,
    customerGroup: t.unknown,
    channel: t.unknown,
    validFrom: t.string,
    validUntil: t.string,
    discounted: looseObject('DiscountedPrice', { value: CtMoneyCodec }, { discount: t.unknown }),
  },
)
/** @category commercetools */
export type CtPrice = t.TypeOf<typeof CtPriceCodec>

/** A line item's `taxRate` (`amount` 0.19 for 19 %). */
export const CtTaxRateCodec = looseObject(
  'TaxRate',
  { amount: FiniteNumber, includedInPrice: t.boolean },
  { name: t.string, country: t.string },
)

/** A commercetools quantity: a whole number ≥ 1 (weighed goods come as 1 with the price embedded). */
export const CtQuantityCodec = primitive<number>(
  'Quantity',
  (u) =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= 1
      ? undefined
      : 'must be a whole number ≥ 1 (commercetools quantities are integers)',
  { type: 'integer', minimum: 1 },
)

/** @category commercetools */
export const CtLineItemCodec = looseObject(
  'LineItem',
  {
    id: NonEmptyString,
    productId: NonEmptyString,
    variant: looseObject('ProductVariant', {}, { id: t.number, sku: t.string, prices: t.readonlyArray(CtPriceCodec) }),
    price: CtPriceCodec,
    quantity: CtQuantityCodec,
  },
  {
    key: t.string,
    totalPrice: CtMoneyCodec,
    priceMode: t.string,
    lineItemMode: t.string,
    taxRate: CtTaxRateCodec,
  },
)
/** @category commercetools */
export type CtLineItem = t.TypeOf<typeof CtLineItemCodec>

/** @category commercetools */
export const CtCustomLineItemCodec = looseObject(
  'CustomLineItem',
  { id: NonEmptyString, slug: NonEmptyString, money: CtMoneyCodec, quantity: CtQuantityCodec },
  { key: t.string, totalPrice: CtMoneyCodec, taxRate: CtTaxRateCodec },
)
/** @category commercetools */
export type CtCustomLineItem = t.TypeOf<typeof CtCustomLineItemCodec>

/** The rounding modes of a cart's `priceRoundingMode` and `taxRoundingMode`. @category commercetools */
export const ROUNDING_MODES = ['HalfEven', 'HalfUp', 'HalfDown'] as const
/** @category commercetools */
export type RoundingMode = (typeof ROUNDING_MODES)[number]

/**
 * The `Cart` fields Tessera reads. Custom fields (`custom.fields`) carry the loyalty card and the
 * Tessera codes (see `CartToBasketOptions.fields`).
 * @category commercetools
 */
export const CtCartCodec = looseObject(
  'Cart',
  { id: NonEmptyString, totalPrice: CtMoneyCodec, lineItems: t.readonlyArray(CtLineItemCodec) },
  {
    version: t.number,
    createdAt: t.string,
    lastModifiedAt: t.string,
    customerId: t.string,
    anonymousId: t.string,
    country: t.string,
    store: looseObject('StoreKeyReference', {}, { key: t.string }),
    customLineItems: t.readonlyArray(CtCustomLineItemCodec),
    discountCodes: t.readonlyArray(t.unknown),
    directDiscounts: t.readonlyArray(t.unknown),
    cartState: t.string,
    taxMode: t.string,
    priceRoundingMode: oneOf('RoundingMode', ROUNDING_MODES),
    taxRoundingMode: oneOf('RoundingMode', ROUNDING_MODES),
    custom: looseObject('CustomFields', {}, { type: t.unknown, fields: t.record(t.string, t.unknown) }),
  },
)
/** @category commercetools */
export type CtCart = t.TypeOf<typeof CtCartCodec>

/** The extension actions of a cart trigger. @category commercetools */
export const EXTENSION_ACTIONS = ['Create', 'Update'] as const

/**
 * The body commercetools posts to an API Extension (`ExtensionInput`): the action, and the cart as
 * it would be stored (`resource.obj`). `oldResource` (on Update) is not read.
 * @category commercetools
 */
export const ExtensionInputCodec = looseObject(
  'ExtensionInput',
  {
    action: oneOf('ExtensionAction', EXTENSION_ACTIONS),
    resource: looseObject('CartReference', {
      typeId: oneOf('ReferenceTypeId', ['cart'] as const),
      id: NonEmptyString,
      obj: CtCartCodec,
    }),
  },
  { oldResource: t.unknown },
)
/** @category commercetools */
export type ExtensionInput = t.TypeOf<typeof ExtensionInputCodec>

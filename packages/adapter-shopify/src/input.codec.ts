import { looseObject, NonEmptyString, PositiveCount, primitive } from '@tessera/core/codec'
import * as t from 'io-ts'

/**
 * The parts of a Discount Function input (API 2025-04, `schema.graphql` of `Shopify/function-examples`)
 * that the adapter reads. The input is whatever the function's input query asked for, so every field
 * the adapter can do without is optional; a field GraphQL declares nullable may be `null`. Unknown
 * fields are ignored (`looseObject`).
 */

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

/**
 * A `Decimal` as it travels: a string (`"29.99"`). A JSON number is accepted too, since Shopify's
 * own sample tests write `100`; the amount is checked against its currency later.
 */
export const DecimalCodec = primitive<string | number>(
  'Decimal',
  (u) =>
    typeof u === 'string' || (typeof u === 'number' && Number.isFinite(u))
      ? undefined
      : 'must be a Decimal such as "29.99"',
  { type: ['string', 'number'] },
)

/** `MoneyV2`: a Decimal amount and its currency. */
export const MoneyV2Codec = looseObject('MoneyV2', { amount: DecimalCodec }, { currencyCode: t.string })
/** @category shopify */
export type MoneyV2 = t.TypeOf<typeof MoneyV2Codec>

export const ProductCodec = looseObject(
  'Product',
  {},
  {
    id: NonEmptyString,
    handle: t.string,
    productType: nullable(t.string),
    vendor: nullable(t.string),
    isGiftCard: t.boolean,
    hasTags: t.readonlyArray(looseObject('HasTagResponse', { tag: t.string, hasTag: t.boolean })),
  },
)

export const MerchandiseCodec = looseObject(
  'Merchandise',
  {},
  {
    __typename: t.string,
    id: NonEmptyString,
    sku: nullable(t.string),
    requiresShipping: t.boolean,
    product: ProductCodec,
  },
)

export const CartLineCodec = looseObject(
  'CartLine',
  {
    id: NonEmptyString,
    cost: looseObject(
      'CartLineCost',
      { subtotalAmount: MoneyV2Codec },
      {
        amountPerQuantity: MoneyV2Codec,
        totalAmount: MoneyV2Codec,
        compareAtAmountPerQuantity: nullable(MoneyV2Codec),
      },
    ),
  },
  { quantity: PositiveCount, merchandise: MerchandiseCodec },
)
/** @category shopify */
export type CartLine = t.TypeOf<typeof CartLineCodec>

export const DeliveryOptionCodec = looseObject(
  'CartDeliveryOption',
  {},
  {
    handle: NonEmptyString,
    code: nullable(t.string),
    title: nullable(t.string),
    deliveryMethodType: t.string,
    cost: MoneyV2Codec,
  },
)

export const DeliveryGroupCodec = looseObject(
  'CartDeliveryGroup',
  { id: NonEmptyString },
  { selectedDeliveryOption: nullable(DeliveryOptionCodec) },
)
/** @category shopify */
export type DeliveryGroup = t.TypeOf<typeof DeliveryGroupCodec>

export const DiscountClassCodec = t.keyof({ ORDER: null, PRODUCT: null, SHIPPING: null }, 'DiscountClass')
/** Shopify's discount classes: which kinds of discount a discount node may give. @category shopify */
export type DiscountClass = t.TypeOf<typeof DiscountClassCodec>

export const MetafieldCodec = looseObject('Metafield', {}, { jsonValue: t.unknown, value: t.string, type: t.string })

export const DiscountCodec = looseObject(
  'Discount',
  { discountClasses: t.readonlyArray(DiscountClassCodec) },
  { metafield: nullable(MetafieldCodec) },
)

const BuyerIdentityCodec = looseObject(
  'BuyerIdentity',
  {},
  {
    customer: nullable(looseObject('Customer', { id: NonEmptyString })),
    isAuthenticated: t.boolean,
  },
)

const ShopCodec = looseObject('Shop', {}, { localTime: looseObject('LocalTime', { date: t.string }) })

const common = {
  triggeringDiscountCode: nullable(t.string),
  shop: ShopCodec,
  presentmentCurrencyRate: DecimalCodec,
}

/** The input of `cart.lines.discounts.generate.run`, as far as the adapter reads it. @category shopify */
export const CartLinesInputCodec = looseObject(
  'Input',
  {
    cart: looseObject(
      'Cart',
      { lines: t.readonlyArray(CartLineCodec) },
      { buyerIdentity: nullable(BuyerIdentityCodec), cost: t.unknown },
    ),
    discount: DiscountCodec,
  },
  common,
)
/** @category shopify */
export type CartLinesInput = t.TypeOf<typeof CartLinesInputCodec>

/**
 * The input of `cart.delivery-options.discounts.generate.run`: the delivery groups, and the cart
 * lines where the query asks for them (a threshold on the merchandise needs them).
 * @category shopify
 */
export const DeliveryInputCodec = looseObject(
  'Input',
  {
    cart: looseObject(
      'Cart',
      { deliveryGroups: t.readonlyArray(DeliveryGroupCodec) },
      { lines: t.readonlyArray(CartLineCodec), buyerIdentity: nullable(BuyerIdentityCodec) },
    ),
    discount: DiscountCodec,
  },
  common,
)
/** @category shopify */
export type DeliveryInput = t.TypeOf<typeof DeliveryInputCodec>

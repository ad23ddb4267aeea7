/**
 * `@tessera/adapter-shopify`: a Shopify discount function (Discount Function API 2025-04). The cart
 * becomes a Tessera basket, the discount's metafield holds the campaigns, and Tessera's evaluation
 * becomes product, order and delivery discount operations, for the discount's classes only, so that
 * Shopify's total equals Tessera's to the cent. The function entry (`./function`) bundles for
 * Shopify's Wasm runtime.
 * @packageDocumentation
 */
export { runCartLines } from './cartLines.js'
export { classOf, DELIVERY_CATEGORY, decodeConfig, METAFIELD_PATH, type ShopifyConfig } from './config.js'
export { decimalToMinor, minorToDecimal } from './decimal.js'
export { runDelivery, UNPRICED_DELIVERY_AMOUNT } from './delivery.js'
export { cartDeliveryOptionsDiscountsGenerateRun, cartLinesDiscountsGenerateRun } from './function.js'
export {
  type CartLine,
  CartLineCodec,
  type CartLinesInput,
  CartLinesInputCodec,
  type DeliveryGroup,
  DeliveryGroupCodec,
  type DeliveryInput,
  DeliveryInputCodec,
  type DiscountClass,
  DiscountClassCodec,
  type MoneyV2,
  MoneyV2Codec,
} from './input.codec.js'
export * from './output.js'
export type { FunctionRun, PhaseMark } from './run.js'
export * from './shopifyModel.js'

/**
 * `@tessera/adapter-square`: Square Orders and Loyalty. A Square `Order` becomes a Tessera basket,
 * Tessera's evaluation becomes the order's line-item discounts (so Square computes Tessera's totals,
 * then its own taxes), and a close's receipt becomes Square Loyalty requests.
 * @packageDocumentation
 */
export * from './applyEvaluation.js'
export * from './calculate.js'
export * from './loyalty.js'
export {
  type SquareDiscount,
  SquareDiscountCodec,
  type SquareLineItem,
  SquareLineItemCodec,
  type SquareMoney,
  SquareMoneyCodec,
  type SquareOrder,
  SquareOrderCodec,
  type SquareTax,
  SquareTaxCodec,
} from './order.codec.js'
export { ORDER_DOCUMENT } from './order.js'
export * from './price.js'
export {
  type OrderToBasketOptions,
  orderToBasket,
  type SquareCatalog,
  SquareCatalogCodec,
  type SquareCatalogEntry,
  SquareCatalogEntryCodec,
} from './toBasket.js'

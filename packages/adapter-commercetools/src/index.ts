/**
 * `@tessera/adapter-commercetools`: a commercetools Cart API Extension. The cart of the extension
 * request becomes a Tessera basket, Tessera prices it, and the answer is update actions
 * (`setDirectDiscounts`, or `setLineItemPrice`) with which commercetools computes Tessera's totals.
 * @packageDocumentation
 */
export * from './actions.js'
export * from './cart.codec.js'
export * from './extension.js'
export { divRound, type MoneyDraft, totalOf, unitPriceFor } from './money.js'
export {
  basketOfRead,
  CART_DOCUMENT,
  type CartToBasketOptions,
  type CtCatalog,
  CtCatalogCodec,
  type CtCatalogEntry,
  CtCatalogEntryCodec,
  type CustomFieldNames,
  cartToBasket,
  type ReadCart,
  type ReadLine,
  readCart,
  type Strategy,
} from './toBasket.js'
export * from './wire.js'

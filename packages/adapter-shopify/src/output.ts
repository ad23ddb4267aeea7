/**
 * The Discount Function API's outputs (2025-04), as the adapter writes them. Amounts and
 * percentages are `Decimal` strings. Every output of the tests is checked against Shopify's
 * `schema.graphql` with graphql-js.
 */

/** @category shopify */
export interface AssociatedDiscountCode {
  readonly code: string
}

/** A product discount's value: a fixed amount off the line (once, not per unit), or a percentage. @category shopify */
export type ProductValue =
  | { readonly fixedAmount: { readonly amount: string; readonly appliesToEachItem?: boolean } }
  | { readonly percentage: { readonly value: string } }

/** @category shopify */
export interface ProductDiscountCandidate {
  readonly message?: string
  readonly targets: readonly { readonly cartLine: { readonly id: string; readonly quantity?: number } }[]
  readonly value: ProductValue
  readonly associatedDiscountCode?: AssociatedDiscountCode
}

/** An order or delivery discount's value. @category shopify */
export type AmountValue =
  | { readonly fixedAmount: { readonly amount: string } }
  | { readonly percentage: { readonly value: string } }

/** @category shopify */
export interface OrderDiscountCandidate {
  readonly message?: string
  readonly targets: readonly { readonly orderSubtotal: { readonly excludedCartLineIds: readonly string[] } }[]
  readonly value: AmountValue
  readonly associatedDiscountCode?: AssociatedDiscountCode
}

/** @category shopify */
export type CartOperation =
  | {
      readonly productDiscountsAdd: {
        readonly selectionStrategy: 'FIRST' | 'MAXIMUM' | 'ALL'
        readonly candidates: readonly ProductDiscountCandidate[]
      }
    }
  | {
      readonly orderDiscountsAdd: {
        readonly selectionStrategy: 'FIRST' | 'MAXIMUM'
        readonly candidates: readonly OrderDiscountCandidate[]
      }
    }

/** The result of `cart.lines.discounts.generate.run` (`CartLinesDiscountsGenerateRunResult`). @category shopify */
export interface CartLinesDiscountsGenerateRunResult {
  readonly operations: readonly CartOperation[]
}

/** @category shopify */
export interface DeliveryDiscountCandidate {
  readonly message?: string
  readonly targets: readonly (
    | { readonly deliveryGroup: { readonly id: string } }
    | { readonly deliveryOption: { readonly handle: string } }
  )[]
  readonly value: AmountValue
  readonly associatedDiscountCode?: AssociatedDiscountCode
}

/** @category shopify */
export interface DeliveryOperation {
  readonly deliveryDiscountsAdd: {
    readonly selectionStrategy: 'ALL'
    readonly candidates: readonly DeliveryDiscountCandidate[]
  }
}

/** The result of `cart.delivery-options.discounts.generate.run`. @category shopify */
export interface CartDeliveryOptionsDiscountsGenerateRunResult {
  readonly operations: readonly DeliveryOperation[]
}

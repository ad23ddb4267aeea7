import {
  type Basket,
  type Compiled,
  type Customer,
  type DecodeError,
  type Evaluation,
  evaluate,
  type Program,
} from '@tessera/core'
import { type Either, right } from 'fp-ts/lib/Either.js'
import { applyEvaluation, type SquareOrderJson } from './applyEvaluation.js'
import { type OrderToBasketOptions, orderToBasket } from './toBasket.js'

/** Options of {@link priceSquareOrder}: the basket options, and who the customer is. @category square */
export interface PriceSquareOrderOptions extends OrderToBasketOptions {
  readonly customer?: Customer
  readonly program?: Program
}

/** The basket of a Square order, its evaluation, and the order with Tessera's discounts. @category square */
export interface PricedSquareOrder {
  readonly basket: Basket
  readonly evaluation: Evaluation
  readonly order: SquareOrderJson
}

/**
 * Prices a Square order with compiled campaigns in one call: {@link orderToBasket}, the core's
 * `evaluate`, then {@link applyEvaluation}. Pure, like the evaluator.
 * @category square
 */
export const priceSquareOrder = (
  order: unknown,
  compiled: Compiled,
  options: PriceSquareOrderOptions = {},
): Either<DecodeError, PricedSquareOrder> => {
  const basket = orderToBasket(order, options)
  if (basket._tag === 'Left') return basket
  const evaluation = evaluate(compiled, basket.right, options.customer, options.program)
  const applied = applyEvaluation(order, evaluation)
  if (applied._tag === 'Left') return applied
  return right({ basket: basket.right, evaluation, order: applied.right })
}

import { type DecodeError, decodeError, type Evaluation, type FieldProblem } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { type MoneyDraft, unitPriceFor } from './money.js'
import type { ReadCart, ReadLine, Strategy } from './toBasket.js'

/** A commercetools `DirectDiscountDraft` as the adapter writes it: an absolute amount on line items. @category commercetools */
export interface DirectDiscountDraft {
  readonly value: {
    readonly type: 'absolute'
    readonly money: readonly {
      readonly type: 'centPrecision'
      readonly currencyCode: string
      readonly centAmount: number
      readonly fractionDigits: number
    }[]
    readonly applicationMode: 'IndividualApplication' | 'ProportionateDistribution'
  }
  readonly target: { readonly type: 'lineItems'; readonly predicate: string }
}

/** The cart update actions the adapter answers. @category commercetools */
export type CartUpdateAction =
  | { readonly action: 'setDirectDiscounts'; readonly discounts: readonly DirectDiscountDraft[] }
  | { readonly action: 'setLineItemPrice'; readonly lineItemId: string; readonly externalPrice?: MoneyDraft }

type Json = Record<string, unknown>

/** The evaluation is of this cart: same line ids and gross amounts, allocations adding up. */
const checkEvaluation = (read: ReadCart, evaluation: Evaluation): Map<string, number> | DecodeError => {
  const problems: FieldProblem[] = []
  const byId = new Map(read.lines.map((l) => [l.id, l]))
  const discountOf = new Map<string, number>()
  for (const [k, line] of evaluation.lines.entries()) {
    const own = byId.get(line.id)
    if (own === undefined) {
      problems.push({ path: `lines.${k}.id`, reason: `names no line of the cart (${JSON.stringify(line.id)})` })
      continue
    }
    if (own.gross !== line.amount) {
      problems.push({
        path: `lines.${k}.amount`,
        reason: `is ${line.amount}, but the cart's ${own.kind}s.${own.index} totals ${own.gross}: the evaluation is of another cart`,
      })
    }
    if (line.discount > 0 && own.kind === 'customLineItem') {
      problems.push({
        path: `lines.${k}.discount`,
        reason: 'discounts a custom line item, which Tessera never discounts',
      })
    }
    discountOf.set(line.id, line.discount)
  }
  for (const l of read.lines) {
    if (!discountOf.has(l.id))
      problems.push({ path: 'lines', reason: `misses the cart's ${l.kind}s.${l.index} (${l.id})` })
  }
  return problems.length > 0 ? decodeError('evaluation', problems) : discountOf
}

/** A line item predicate matching the lines of one SKU (or, without a SKU, of one product). */
const predicateOf = (read: ReadCart, line: ReadLine): string => {
  if (line.sku !== undefined) return `sku = ${JSON.stringify(line.sku)}`
  const item = read.cart.lineItems[line.index]
  return `product.id = ${JSON.stringify(item?.productId ?? '')}`
}

const sameDiscounts = (cart: ReadCart['cart'], discounts: readonly DirectDiscountDraft[]): boolean => {
  const existing = (cart.directDiscounts ?? []).map((d) => {
    const { id: _id, ...rest } = d as Json
    return JSON.stringify({ value: rest.value, target: rest.target })
  })
  return (
    existing.length === discounts.length &&
    discounts.every((d, i) => JSON.stringify({ value: d.value, target: d.target }) === existing[i])
  )
}

/**
 * The update actions that make commercetools compute Tessera's evaluation of the cart (read by
 * `readCart`, evaluated from its basket).
 *
 * - `directDiscounts`: one `setDirectDiscounts` whose discounts are absolute amounts in the cart's
 *   currency and fraction digits, one per SKU that Tessera discounted, targeting the lines of that
 *   SKU (`sku = "…"`). commercetools applies a line item discount per unit, so
 *   `IndividualApplication` (the amount off each unit) is written only for lines of one unit with
 *   the same discount: each loses exactly Tessera's allocation. Otherwise the SKU's lines get
 *   `ProportionateDistribution` of their sum: shared over their units in proportion to the units'
 *   prices, to the minor unit, adding up to the sum (one line: exactly its discount; several lines
 *   of one SKU: the total is exact, the split between them the platform's).
 *   No action when the cart already carries exactly these discounts.
 * - `externalPrice`: `setLineItemPrice` per discounted line with the unit price whose total over the
 *   line's quantity the platform rounds to Tessera's net, and `setLineItemPrice` without a price for a
 *   line the adapter priced before that has no discount now (back to the platform price).
 * @category commercetools
 */
export const cartActions = (
  read: ReadCart,
  evaluation: Evaluation,
  strategy: Strategy = 'directDiscounts',
): Either<DecodeError, readonly CartUpdateAction[]> => {
  const checked = checkEvaluation(read, evaluation)
  if (!(checked instanceof Map)) return left(checked)
  const discountOf = checked
  const items = read.lines.filter((l) => l.kind === 'lineItem')
  const actions: CartUpdateAction[] = []
  if (strategy === 'externalPrice') {
    if ((read.cart.directDiscounts ?? []).length > 0) actions.push({ action: 'setDirectDiscounts', discounts: [] })
    for (const line of items) {
      const discount = discountOf.get(line.id) ?? 0
      if (discount > 0) {
        actions.push({
          action: 'setLineItemPrice',
          lineItemId: line.id,
          externalPrice: unitPriceFor(line.gross - discount, line.quantity, read.currency, read.exponent),
        })
      } else if (line.priceMode === 'ExternalPrice') {
        actions.push({ action: 'setLineItemPrice', lineItemId: line.id })
      }
    }
    return right(actions)
  }
  const groups = new Map<string, ReadLine[]>()
  for (const line of items) {
    const key = predicateOf(read, line)
    groups.set(key, [...(groups.get(key) ?? []), line])
  }
  const discounts: DirectDiscountDraft[] = []
  for (const [predicate, lines] of groups) {
    const amounts = lines.map((l) => discountOf.get(l.id) ?? 0)
    const sum = amounts.reduce((s, a) => s + a, 0)
    if (sum === 0) continue
    // commercetools discounts units: IndividualApplication takes the amount off each unit. Only a
    // group of single units with the same discount is written so; otherwise the group's sum is
    // distributed in proportion (over units of one price: the sum exactly, in minor units).
    const same = lines.every((l) => l.quantity === 1) && amounts.every((a) => a === amounts[0])
    discounts.push({
      value: {
        type: 'absolute',
        money: [
          {
            type: 'centPrecision',
            currencyCode: read.currency,
            centAmount: same ? (amounts[0] as number) : sum,
            fractionDigits: read.exponent,
          },
        ],
        applicationMode: same ? 'IndividualApplication' : 'ProportionateDistribution',
      },
      target: { type: 'lineItems', predicate },
    })
  }
  if (!sameDiscounts(read.cart, discounts)) actions.push({ action: 'setDirectDiscounts', discounts })
  return right(actions)
}

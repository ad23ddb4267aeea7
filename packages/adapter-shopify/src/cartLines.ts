import type { Basket, Campaign, DecodeError, FieldProblem } from '@tessera/core/engine'
import type { CurrencyCode } from '@tessera/core/money'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import {
  basketDocument,
  basketLineOf,
  basketTime,
  cartCurrency,
  inputError,
  leanCartBasket,
  linesMoney,
  toBasket,
} from './basket.js'
import {
  codeOf,
  isExactPercent,
  type LineCandidate,
  labelOf,
  lineCandidates,
  type TesseraDiscount,
} from './candidates.js'
import { classOf, plainPercentOf, type ShopifyConfig } from './config.js'
import { minorToDecimal, percentToDecimal } from './decimal.js'
import { type CartLinesInput, CartLinesInputCodec, type DiscountClass } from './input.codec.js'
import { checkedCartLinesInput } from './input.lean.js'
import type { CartLinesDiscountsGenerateRunResult, CartOperation, ProductDiscountCandidate } from './output.js'
import {
  campaignsOfClasses,
  evaluateCampaigns,
  type FunctionRun,
  noMark,
  type PhaseMark,
  readInput,
  refused,
} from './run.js'

const EMPTY: CartLinesDiscountsGenerateRunResult = { operations: [] }

/** A line candidate as a product discount candidate (no spread: this runs once per discounted line). */
const productCandidate = (c: LineCandidate): ProductDiscountCandidate => {
  const targets = new Array<{ cartLine: { id: string } }>(c.lineIds.length)
  for (let i = 0; i < targets.length; i++) targets[i] = { cartLine: { id: c.lineIds[i] as string } }
  const out: { -readonly [K in keyof ProductDiscountCandidate]: ProductDiscountCandidate[K] } = {
    message: c.message,
    targets,
    value:
      'fixedAmount' in c.value
        ? { fixedAmount: { amount: c.value.fixedAmount.amount, appliesToEachItem: false } }
        : c.value,
  }
  if (c.associatedDiscountCode !== undefined) out.associatedDiscountCode = c.associatedDiscountCode
  return out
}

/**
 * The cart's basket by the path that checks every field and names the one it refuses: the
 * currency, the time, each line's Decimals, then the core's `decodeBasket`.
 */
export const slowCartBasket = (
  config: ShopifyConfig,
  shop: CartLinesInput,
  extra: { readonly card?: string; readonly code?: string | null },
): Either<DecodeError, { readonly currency: CurrencyCode; readonly basket: Basket }> => {
  const currency = cartCurrency(config, linesMoney(shop.cart.lines))
  if (currency._tag === 'Left') return currency
  const at = basketTime(config, shop.shop)
  if (at._tag === 'Left') return at
  const problems: FieldProblem[] = []
  const lines = shop.cart.lines.map((l, i) => basketLineOf(l, i, currency.right, problems))
  if (problems.length > 0) return left(inputError(problems.slice(0, 20)))
  const basket = toBasket(basketDocument(config, currency.right, at.right, extra, lines), (i) => `cart.lines.${i}`)
  return basket._tag === 'Left' ? basket : right({ currency: currency.right, basket: basket.right })
}

/**
 * The `cart.lines.discounts.generate.run` target: the cart as a Tessera basket, the campaigns of
 * the discount's metafield evaluated on it by the core, and Tessera's discounts as Shopify
 * operations, for the discount classes the discount has (`discount.discountClasses`) only:
 *
 * - `PRODUCT` campaigns (those that pick lines) become one `productDiscountsAdd`: per line, a
 *   `fixedAmount` equal to what Tessera allocated to it, or one `percentage` over a campaign's lines
 *   where that is exact (see the README);
 * - `ORDER` campaigns (order-wide: `amountOff` of `basket`, `percentOff` of `*`) become one
 *   `orderDiscountsAdd` on the order subtotal: the sum of their amounts as a `fixedAmount`, or the
 *   campaign's `percentage` when it is the only discount and exact. Shopify applies one order
 *   candidate per function, after product discounts.
 *
 * Campaigns of a class the discount does not have are left out before evaluating, so the output
 * is exactly Tessera's evaluation of the others: Shopify's total equals Tessera's, to the cent.
 *
 * Never throws on bad input: a missing or mistyped field, a wrong currency or a malformed
 * metafield gives an empty `operations` list (a failing function would block the checkout) and the
 * reason in `log`, naming the field.
 * @category shopify
 */
export const runCartLines = (
  input: unknown,
  mark: PhaseMark = noMark,
): FunctionRun<CartLinesDiscountsGenerateRunResult> => {
  const read = readInput(CartLinesInputCodec, input, mark, checkedCartLinesInput)
  if ('_tag' in read) return refused(EMPTY, read)
  const { input: shop, config } = read
  const classes = new Set<DiscountClass>(shop.discount.discountClasses.filter((c) => c !== 'SHIPPING'))
  if (classes.size === 0)
    return { result: EMPTY, log: ['tessera: no discount: the discount has neither the ORDER nor the PRODUCT class'] }

  const card = shop.cart.buyerIdentity?.customer?.id
  const extra = { ...(card === undefined ? {} : { card }), code: shop.triggeringDiscountCode }
  const at = basketTime(config, shop.shop)
  // A plainly good cart is built directly; anything else takes the slow path, which names the field.
  const lean = at._tag === 'Right' ? leanCartBasket(config, shop.cart.lines, at.right, extra) : undefined
  const built = lean === undefined ? slowCartBasket(config, shop, extra) : right(lean)
  if (built._tag === 'Left') return refused(EMPTY, built.left)
  const { currency, basket } = built.right
  mark('basket')

  const log: string[] = []
  const campaigns = campaignsOfClasses(config.campaigns, classes)
  const evaluation = evaluateCampaigns(campaigns, config, basket, log, mark)
  const byId = new Map<string, Campaign>(campaigns.map((c) => [c.id, c]))
  const campaignOf = (id: string) => byId.get(id)
  const classOfDiscount = (d: TesseraDiscount) => {
    const c = byId.get(d.campaignId)
    return c === undefined ? 'PRODUCT' : classOf(c)
  }
  const amounts = new Map(basket.lines.map((l) => [l.id, l.amount]))
  const amountOf = (id: string) => amounts.get(id) ?? 0
  const code = shop.triggeringDiscountCode

  const operations: CartOperation[] = []
  const product = evaluation.discounts.filter((d) => d.amount > 0 && classOfDiscount(d) === 'PRODUCT')
  const order = evaluation.discounts.filter((d) => d.amount > 0 && classOfDiscount(d) === 'ORDER')
  if (product.length > 0) {
    const { candidates } = lineCandidates(product, campaignOf, amountOf, () => true, currency, code)
    operations.push({
      productDiscountsAdd: {
        // One candidate per line: FIRST and ALL mean the same for a single candidate (Shopify's template writes FIRST).
        selectionStrategy: candidates.length === 1 ? 'FIRST' : 'ALL',
        candidates: candidates.map(productCandidate),
      },
    })
  }
  if (order.length > 0) {
    const allocated = new Set(order.flatMap((d) => d.allocations.filter((a) => a.amount > 0).map((a) => a.lineId)))
    const excludedCartLineIds = basket.lines.filter((l) => !allocated.has(l.id)).map((l) => l.id)
    const only = order.length === 1 ? order[0] : undefined
    const percent = only === undefined ? undefined : plainPercentOf(byId.get(only.campaignId) as Campaign)
    const base = basket.lines.filter((l) => allocated.has(l.id)).reduce((s, l) => s + l.amount, 0)
    const total = order.reduce((s, d) => s + d.amount, 0)
    const asPercent =
      only !== undefined && percent !== undefined && product.length === 0 && isExactPercent(only.amount, base, percent)
    operations.push({
      orderDiscountsAdd: {
        selectionStrategy: 'FIRST',
        candidates: [
          {
            message: order.map(labelOf).join(' + '),
            targets: [{ orderSubtotal: { excludedCartLineIds } }],
            value:
              asPercent && percent !== undefined
                ? { percentage: { value: percentToDecimal(percent) } }
                : { fixedAmount: { amount: minorToDecimal(total, currency) } },
            ...codeOf(
              order.map((d) => byId.get(d.campaignId)),
              code,
            ),
          },
        ],
      },
    })
  }
  mark('operations')
  return { result: { operations }, log, basket, evaluation }
}

import type { Campaign, FieldProblem } from '@tessera/core/engine'
import {
  amountAt,
  basketDocument,
  basketLineOf,
  basketTime,
  cartCurrency,
  inputError,
  linesMoney,
  type MoneyAt,
  toBasket,
} from './basket.js'
import { lineCandidates } from './candidates.js'
import { DELIVERY_CATEGORY } from './config.js'
import { DeliveryInputCodec } from './input.codec.js'
import type { CartDeliveryOptionsDiscountsGenerateRunResult } from './output.js'
import { campaignsOfClasses, evaluateCampaigns, type FunctionRun, readInput, refused } from './run.js'

const EMPTY: CartDeliveryOptionsDiscountsGenerateRunResult = { operations: [] }

/**
 * The price a delivery group stands at in the basket when the input carries no cost for it (the
 * query asked for its id only, as Shopify's template does): 10 000 minor units, at which every
 * Tessera percentage (2 decimals at most) is a whole number of minor units, so a plain percentage
 * is exact and is sent as Shopify's percentage, which Shopify then applies to the real cost. Any
 * other discount of such a group is left out and logged.
 * @category shopify
 */
export const UNPRICED_DELIVERY_AMOUNT = 10_000

/**
 * The `cart.delivery-options.discounts.generate.run` target. The basket holds the cart lines (where
 * the query asks for them, for thresholds on the merchandise) and one line per delivery group: its
 * selected option's cost, one unit, SKU the option's code or handle, category
 * `delivery/<method>` (`delivery/shipping`, `delivery/pick_up`…). Only the `SHIPPING` campaigns
 * (those whose rewards select `{ "category": ["delivery"] }`) are evaluated, and only when the
 * discount has the SHIPPING class; their allocations become one `deliveryDiscountsAdd` (`ALL`),
 * per group a `fixedAmount` or, where exact, the campaign's `percentage`.
 *
 * A spend threshold on the merchandise alone says so: `{ "spend": { "of": { "not": { "category":
 * ["delivery"] } }, "atLeast": 5000 } }`; without `of` it counts the delivery too.
 *
 * Bad input gives an empty operations list and the reason in `log`, never a throw.
 * @category shopify
 */
export const runDelivery = (input: unknown): FunctionRun<CartDeliveryOptionsDiscountsGenerateRunResult> => {
  const read = readInput(DeliveryInputCodec, input)
  if ('_tag' in read) return refused(EMPTY, read)
  const { input: shop, config } = read
  if (!shop.discount.discountClasses.includes('SHIPPING'))
    return { result: EMPTY, log: ['tessera: no discount: the discount does not have the SHIPPING class'] }

  const cartLines = shop.cart.lines ?? []
  const groups = shop.cart.deliveryGroups
  const groupMoney: MoneyAt[] = groups.flatMap((g, i) =>
    g.selectedDeliveryOption?.cost === undefined
      ? []
      : [{ path: `cart.deliveryGroups.${i}.selectedDeliveryOption.cost`, money: g.selectedDeliveryOption.cost }],
  )
  const currency = cartCurrency(config, [...linesMoney(cartLines), ...groupMoney])
  if (currency._tag === 'Left') return refused(EMPTY, currency.left)
  const at = basketTime(config, shop.shop)
  if (at._tag === 'Left') return refused(EMPTY, at.left)

  const problems: FieldProblem[] = []
  const lines = cartLines.map((l, i) => basketLineOf(l, i, currency.right, problems))
  const unpriced = new Set<string>()
  const lineIds = new Set(cartLines.map((l) => l.id))
  for (const [i, g] of groups.entries()) {
    if (lineIds.has(g.id)) {
      problems.push({
        path: `cart.deliveryGroups.${i}.id`,
        reason: `is also the id of a cart line (${JSON.stringify(g.id)})`,
      })
      continue
    }
    const option = g.selectedDeliveryOption ?? undefined
    const cost =
      option?.cost === undefined
        ? undefined
        : amountAt(
            { path: `cart.deliveryGroups.${i}.selectedDeliveryOption.cost`, money: option.cost },
            currency.right,
            problems,
          )
    if (option?.cost === undefined) unpriced.add(g.id)
    const amount = cost ?? UNPRICED_DELIVERY_AMOUNT
    const method = option?.deliveryMethodType
    lines.push({
      id: g.id,
      sku: option?.code || option?.handle || g.id,
      quantity: 1,
      unitPrice: amount,
      amount,
      categories: [
        method === undefined || method === '' ? DELIVERY_CATEGORY : `${DELIVERY_CATEGORY}/${method.toLowerCase()}`,
      ],
    })
  }
  if (problems.length > 0) return refused(EMPTY, inputError(problems.slice(0, 20)))
  const card = shop.cart.buyerIdentity?.customer?.id
  const basket = toBasket(
    basketDocument(
      config,
      currency.right,
      at.right,
      { ...(card === undefined ? {} : { card }), code: shop.triggeringDiscountCode },
      lines,
    ),
    (i) => (i < cartLines.length ? `cart.lines.${i}` : `cart.deliveryGroups.${i - cartLines.length}`),
  )
  if (basket._tag === 'Left') return refused(EMPTY, basket.left)

  const log: string[] = []
  const campaigns = campaignsOfClasses(config.campaigns, new Set(['SHIPPING']))
  const evaluation = evaluateCampaigns(campaigns, config, basket.right, log)
  const byId = new Map<string, Campaign>(campaigns.map((c) => [c.id, c]))
  const amounts = new Map(basket.right.lines.map((l) => [l.id, l.amount]))
  const groupIds = new Set(groups.map((g) => g.id))
  // A SHIPPING campaign selects delivery lines only, so every allocation is to a group.
  const discounts = evaluation.discounts.filter((d) => d.amount > 0)
  const { candidates, dropped } = lineCandidates(
    discounts,
    (id) => byId.get(id),
    (id) => amounts.get(id) ?? 0,
    (id) => groupIds.has(id) && !unpriced.has(id),
    currency.right,
    shop.triggeringDiscountCode,
  )
  for (const d of dropped) log.push(`tessera: delivery group ${d}`)
  return {
    result:
      candidates.length === 0
        ? EMPTY
        : {
            operations: [
              {
                deliveryDiscountsAdd: {
                  selectionStrategy: 'ALL',
                  candidates: candidates.map((c) => ({
                    message: c.message,
                    targets: c.lineIds.map((id) => ({ deliveryGroup: { id } })),
                    value: c.value,
                    ...(c.associatedDiscountCode === undefined
                      ? {}
                      : { associatedDiscountCode: c.associatedDiscountCode }),
                  })),
                },
              },
            ],
          },
    log,
    basket: basket.right,
    evaluation,
  }
}

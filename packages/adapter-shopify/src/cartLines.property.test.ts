import { compile, decodeBasket, decodeCampaigns, evaluate } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runCartLines } from './cartLines.js'
import { classOf } from './config.js'
import { runDelivery } from './delivery.js'
import { applyShopifyOperations } from './shopifyModel.js'
import {
  type CartDraw,
  campaignsArb,
  cartArb,
  cartLinesInput,
  classesArb,
  deliveryInput,
  shopifyCartOf,
} from './testArbitraries.js'
import { resultProblems } from './testkit.js'

const ok = <A>(e: { _tag: 'Left'; left: unknown } | { _tag: 'Right'; right: A }): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left))
  return e.right
}

// The basket of a drawn cart, written out here independently of the adapter's mapping.
const basketOf = (cart: CartDraw) =>
  ok(
    decodeBasket({
      id: 'shopify-cart',
      storeId: 'shopify',
      terminalId: 'shopify',
      channel: 'online',
      currency: cart.currency,
      pricesIncludeTax: false,
      at: '2026-11-26T12:00:00Z',
      lines: cart.lines.map((l, i) => ({
        id: `gid://shopify/CartLine/${i}`,
        sku: l.sku,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        amount: l.unitPrice * l.quantity,
        categories: l.type === undefined ? [] : [l.type],
        ...(l.vendor === undefined ? {} : { brand: l.vendor }),
        ...(l.type === 'gift-cards' ? { discountable: false } : {}),
      })),
    }),
  )

describe('Shopify takes off what Tessera evaluated, to the cent', () => {
  it('cart lines: for random carts, campaigns and discount classes, every line and the total', () => {
    fc.assert(
      fc.property(cartArb, campaignsArb, classesArb, (cart, campaignDocs, classes) => {
        const run = runCartLines(cartLinesInput(cart, campaignDocs, classes))
        expect(run.error).toBeUndefined()
        expect(resultProblems(run.result, 'CartLinesDiscountsGenerateRunResult')).toEqual([])
        const shopify = ok(applyShopifyOperations(shopifyCartOf(cart), run.result))
        const lineClasses = classes.filter((c) => c !== 'SHIPPING')
        if (lineClasses.length === 0) {
          expect(run.result.operations).toEqual([])
          return
        }
        const evaluation = run.evaluation
        if (evaluation === undefined) throw new Error('no evaluation')
        // Tessera's own evaluation of the campaigns of those classes, computed here from the core.
        const campaigns = ok(decodeCampaigns(campaignDocs)).filter((c) => lineClasses.includes(classOf(c) as never))
        const expected = evaluate(compile(campaigns), basketOf(cart))
        expect(evaluation).toEqual(expected)
        expect(shopify.total).toBe(expected.total)
        expect(shopify.productDiscount + shopify.orderDiscount).toBe(expected.discountTotal)
        // Product discounts land on the lines Tessera allocated them to.
        const productIds = new Set(campaigns.filter((c) => classOf(c) === 'PRODUCT').map((c) => c.id))
        for (const line of shopify.lines) {
          const allocated = expected.discounts
            .filter((d) => productIds.has(d.campaignId))
            .flatMap((d) => d.allocations)
            .filter((a) => a.lineId === line.id)
            .reduce((s, a) => s + a.amount, 0)
          expect(line.productDiscount).toBe(allocated)
        }
        // Only operations of the discount's classes.
        const kinds = run.result.operations.map((o) => Object.keys(o)[0])
        if (!classes.includes('PRODUCT')) expect(kinds).not.toContain('productDiscountsAdd')
        if (!classes.includes('ORDER')) expect(kinds).not.toContain('orderDiscountsAdd')
      }),
      { numRuns: 400 },
    )
  })

  it('with every class, Shopify gives the total of all the merchandise campaigns evaluated together', () => {
    fc.assert(
      fc.property(cartArb, campaignsArb, (cart, campaignDocs) => {
        const run = runCartLines(cartLinesInput(cart, campaignDocs, ['ORDER', 'PRODUCT', 'SHIPPING']))
        const shopify = ok(applyShopifyOperations(shopifyCartOf(cart), run.result))
        const merchandise = ok(decodeCampaigns(campaignDocs)).filter((c) => classOf(c) !== 'SHIPPING')
        expect(shopify.total).toBe(evaluate(compile(merchandise), basketOf(cart)).total)
      }),
      { numRuns: 200 },
    )
  })

  it('delivery: every delivery group gets what Tessera allocated to it', () => {
    fc.assert(
      fc.property(cartArb, campaignsArb, classesArb, (cart, campaignDocs, classes) => {
        const run = runDelivery(deliveryInput(cart, campaignDocs, classes))
        expect(run.error).toBeUndefined()
        expect(resultProblems(run.result, 'CartDeliveryOptionsDiscountsGenerateRunResult')).toEqual([])
        const shopify = ok(applyShopifyOperations(shopifyCartOf(cart), { operations: [] }, run.result))
        if (!classes.includes('SHIPPING')) {
          expect(run.result.operations).toEqual([])
          return
        }
        const evaluation = run.evaluation
        if (evaluation === undefined) throw new Error('no evaluation')
        expect(shopify.deliveryDiscount).toBe(evaluation.discountTotal)
        for (const g of shopify.deliveryGroups) {
          const allocated = evaluation.discounts
            .flatMap((d) => d.allocations)
            .filter((a) => a.lineId === g.id)
            .reduce((s, a) => s + a.amount, 0)
          expect(g.discount).toBe(allocated)
        }
        // Merchandise lines are never discounted by the delivery target.
        const lineIds = new Set(cart.lines.map((_, i) => `gid://shopify/CartLine/${i}`))
        expect(
          evaluation.discounts.flatMap((d) => d.allocations).filter((a) => lineIds.has(a.lineId) && a.amount > 0),
        ).toEqual([])
      }),
      { numRuns: 300 },
    )
  })
})

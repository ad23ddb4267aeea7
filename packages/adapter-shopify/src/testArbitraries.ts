import type { CurrencyCode } from '@tessera/core/money'
import fc from 'fast-check'
import { minorToDecimal } from './decimal.js'

/**
 * fast-check arbitraries for tests: Shopify function inputs (random carts in USD, EUR, JPY or KWD,
 * with delivery groups) and Tessera campaigns of every discount class. Node-free, so the bundle test
 * can replay the same inputs in QuickJS.
 */

export const SKUS = ['SKU-0', 'SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5']
export const TYPES = ['drinks', 'drinks/wine', 'fresh', 'gift-cards']
export const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD'] as const

const lineArb = fc.record({
  sku: fc.constantFrom(...SKUS),
  quantity: fc.integer({ min: 1, max: 6 }),
  unitPrice: fc.oneof(
    fc.integer({ min: 0, max: 20_000 }),
    fc.integer({ min: 0, max: 200 }).map((u) => u * 100),
  ),
  type: fc.option(fc.constantFrom(...TYPES), { nil: undefined }),
  vendor: fc.option(fc.constantFrom('Acme', 'Globex'), { nil: undefined }),
})

const selectorArb = fc.oneof(
  fc.constant('*' as const),
  fc.subarray(SKUS, { minLength: 1 }).map((sku) => ({ sku })),
  fc.subarray(['drinks', 'fresh'], { minLength: 1 }).map((category) => ({ category })),
  fc.constant({ brand: ['Acme'] }),
  fc.constant({ not: { category: ['gift-cards'] } }),
)
const percentArb = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100),
  fc.constantFrom(10, 20, 25, 50, 100),
)

const rewardArb = fc.oneof(
  fc.record({ percentOff: fc.record({ of: selectorArb, percent: percentArb }) }),
  fc.record({
    percentOff: fc.record({ of: selectorArb, percent: percentArb, maxUnits: fc.integer({ min: 1, max: 4 }) }),
  }),
  fc.record({
    percentOff: fc.constantFrom({ of: '*', percent: 10 }, { of: '*', percent: 25 }, { of: '*', percent: 12.5 }),
  }),
  fc.record({
    amountOff: fc.record({
      of: fc.oneof(selectorArb, fc.constant('basket' as const)),
      amount: fc.integer({ min: 0, max: 5_000 }),
    }),
  }),
  fc.record({
    buyGet: fc.record({
      buy: fc.record({ of: selectorArb, quantity: fc.integer({ min: 1, max: 2 }) }),
      get: fc.record({ of: selectorArb, quantity: fc.constant(1), percent: fc.constantFrom(50, 100) }),
    }),
  }),
  fc.record({
    fixedPrice: fc.record({
      of: selectorArb,
      quantity: fc.integer({ min: 2, max: 3 }),
      price: fc.integer({ min: 0, max: 10_000 }),
    }),
  }),
  fc.record({
    tieredPercentOff: fc.record({
      of: selectorArb,
      tiers: fc.constant([
        { atLeast: 2_000, percent: 5 },
        { atLeast: 5_000, percent: 10 },
      ]),
    }),
  }),
  // Delivery: free, a percentage, or an amount off the shipping.
  fc.record({ percentOff: fc.record({ of: fc.constant({ category: ['delivery'] }), percent: percentArb }) }),
  fc.record({
    amountOff: fc.record({ of: fc.constant({ category: ['delivery'] }), amount: fc.integer({ min: 0, max: 1_500 }) }),
  }),
)

/** Random campaigns, of every class, with priorities and exclusivity. */
export const campaignsArb = fc
  .array(
    fc.record({
      reward: rewardArb,
      priority: fc.integer({ min: 0, max: 5 }),
      exclusive: fc.boolean(),
      minSpend: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((cs) =>
    cs.map((c, i) => ({
      id: `c${i}`,
      status: 'active',
      labels: { receipt: `Campaign ${i}` },
      ...(c.minSpend === undefined
        ? {}
        : { trigger: { spend: { of: { not: { category: ['delivery'] } }, atLeast: c.minSpend } } }),
      reward: c.reward,
      stacking: { priority: c.priority, exclusive: c.exclusive },
    })),
  )

export const classesArb = fc.subarray(['ORDER', 'PRODUCT', 'SHIPPING'] as const)

/** A random cart: lines and delivery groups, in one currency. */
export const cartArb = fc.record({
  currency: fc.constantFrom(...CURRENCIES),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
  groups: fc.array(
    fc.record({
      cost: fc.oneof(
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 0, max: 30 }).map((u) => u * 100),
      ),
      method: fc.constantFrom('SHIPPING', 'PICK_UP', 'LOCAL'),
    }),
    { maxLength: 2 },
  ),
})
export type CartDraw = typeof cartArb extends fc.Arbitrary<infer A> ? A : never

const money = (minor: number, currency: string) => ({
  amount: minorToDecimal(minor, currency as CurrencyCode),
  currencyCode: currency,
})

/** The cart lines of a drawn cart, as the shipped input query returns them. */
export const cartLinesOf = (cart: CartDraw) =>
  cart.lines.map((l, i) => ({
    id: `gid://shopify/CartLine/${i}`,
    quantity: l.quantity,
    cost: {
      subtotalAmount: money(l.unitPrice * l.quantity, cart.currency),
      amountPerQuantity: money(l.unitPrice, cart.currency),
    },
    merchandise: {
      __typename: 'ProductVariant',
      id: `gid://shopify/ProductVariant/${l.sku}`,
      sku: l.sku,
      product: {
        id: `gid://shopify/Product/${l.sku}`,
        productType: l.type ?? null,
        vendor: l.vendor ?? null,
        isGiftCard: l.type === 'gift-cards',
      },
    },
  }))

const discountOf = (classes: readonly string[], campaigns: unknown, currency: string) => ({
  discountClasses: classes,
  metafield: { jsonValue: { currency, campaigns } },
})

/** The `cart.lines.discounts.generate.run` input of a drawn cart. */
export const cartLinesInput = (cart: CartDraw, campaigns: unknown, classes: readonly string[]) => ({
  cart: { lines: cartLinesOf(cart), buyerIdentity: null },
  discount: discountOf(classes, campaigns, cart.currency),
  triggeringDiscountCode: null,
  shop: { localTime: { date: '2026-11-26' } },
})

/** The `cart.delivery-options.discounts.generate.run` input of a drawn cart. */
export const deliveryInput = (cart: CartDraw, campaigns: unknown, classes: readonly string[]) => ({
  cart: {
    lines: cartLinesOf(cart).map(({ cost, ...l }) => ({ ...l, cost: { subtotalAmount: cost.subtotalAmount } })),
    deliveryGroups: cart.groups.map((g, i) => ({
      id: `gid://shopify/CartDeliveryGroup/${i}`,
      selectedDeliveryOption: {
        handle: `handle-${i}`,
        code: g.method === 'SHIPPING' ? 'Standard' : null,
        deliveryMethodType: g.method,
        cost: money(g.cost, cart.currency),
      },
    })),
    buyerIdentity: null,
  },
  discount: discountOf(classes, campaigns, cart.currency),
  triggeringDiscountCode: null,
  shop: { localTime: { date: '2026-11-26' } },
})

/** A cart as the Shopify model takes it. */
export const shopifyCartOf = (cart: CartDraw) => ({
  currency: cart.currency as CurrencyCode,
  lines: cart.lines.map((l, i) => ({
    id: `gid://shopify/CartLine/${i}`,
    quantity: l.quantity,
    subtotal: l.unitPrice * l.quantity,
  })),
  deliveryGroups: cart.groups.map((g, i) => ({ id: `gid://shopify/CartDeliveryGroup/${i}`, cost: g.cost })),
})

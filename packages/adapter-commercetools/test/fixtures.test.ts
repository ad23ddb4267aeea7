import type { Cart } from '@commercetools/platform-sdk'
import { compile, type DecodeError, decodeCampaigns } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { priceExtensionInput } from '../src/extension.js'
import { ctFixture } from '../src/testkit.js'
import { cartToBasket } from '../src/toBasket.js'
import { createCart, createProduct, extensionInput, type Platform, startPlatform, updateCart } from './platform.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

const carts = (ctFixture('carts.example.json').results as Cart[]).map((c) => c)
const emptyCart = ctFixture('cart.example.json')
const setDirectDiscounts = ctFixture('CartSetDirectDiscountsAction.json')

// The fixture's own discount (10 % on every line) as a Tessera campaign, and 5.00 off the basket.
const compiled = compile(
  ok(
    decodeCampaigns([
      { id: 'ten', status: 'active', labels: { receipt: '-10 %' }, reward: { percentOff: { of: '*', percent: 10 } } },
      { id: 'five', status: 'active', reward: { amountOff: { of: 'basket', amount: 500 } } },
    ]),
  ),
)

describe('the public example carts (commercetools-api-reference) go through', () => {
  it('each line of carts.example.json is a basket line at its platform total', () => {
    for (const cart of carts) {
      const basket = ok(cartToBasket(cart))
      expect(basket.id).toBe(cart.id)
      expect(basket.currency).toBe('EUR')
      expect(basket.at).toBe(cart.lastModifiedAt)
      expect(basket.lines.map((l) => [l.id, l.sku, l.quantity, l.unitPrice, l.amount])).toEqual(
        cart.lineItems.map((l) => [l.id, l.variant.sku, l.quantity, l.price.value.centAmount, l.totalPrice.centAmount]),
      )
      expect(basket.lines.reduce((s, l) => s + l.amount, 0)).toBe(cart.totalPrice.centAmount)
    }
  })

  it('answers a setDirectDiscounts shaped as the reference example, with absolute amounts in the cart’s fraction digits', () => {
    const [sapphire, tank] = carts as [Cart, Cart]
    const one = ok(priceExtensionInput(extensionInput(sapphire, 'Create'), compiled))
    // Tessera's evaluation: 500 off the basket, then 10 % of the 5100 left: 1010 off the one line.
    expect(one.evaluation.lines.map((l) => l.discount)).toEqual([1010])
    expect(one.evaluation.total).toBe(5600 - 1010)
    expect(one.actions).toEqual([
      {
        action: 'setDirectDiscounts',
        discounts: [
          {
            value: {
              type: 'absolute',
              money: [{ type: 'centPrecision', currencyCode: 'EUR', centAmount: 1010, fractionDigits: 2 }],
              applicationMode: 'ProportionateDistribution',
            },
            target: { type: 'lineItems', predicate: 'sku = "sku_SAPPHIRE_variant1_1421832124423"' },
          },
        ],
      },
    ])
    const [action] = one.actions
    expect(Object.keys(action ?? {})).toEqual(Object.keys(setDirectDiscounts))
    expect(ok(priceExtensionInput(extensionInput(tank, 'Create'), compiled)).evaluation.total).toBe(8400 - 500 - 790)
  })

  it('the empty cart of cart.example.json needs no action', () => {
    const priced = ok(priceExtensionInput(extensionInput(emptyCart as unknown as Cart, 'Create'), compiled))
    expect(priced.basket.lines).toEqual([])
    expect(priced.actions).toEqual([])
  })
})

describe('the example carts rebuilt in the commercetools mock', () => {
  let platform: Platform
  beforeAll(async () => {
    platform = await startPlatform()
    for (const cart of carts)
      for (const l of cart.lineItems) await createProduct(platform.api, l.variant.sku as string, [l.price.value])
  })
  afterAll(async () => {
    await platform.close()
  })
  const rebuilt = (cart: Cart) =>
    createCart(
      platform.api,
      cart.totalPrice.currencyCode,
      cart.lineItems.map((l) => ({ sku: l.variant.sku as string, quantity: l.quantity })),
    )

  it('externalPrice: the mock computes Tessera’s totals', async () => {
    for (const fixture of carts) {
      const cart = await rebuilt(fixture)
      expect(cart.totalPrice.centAmount).toBe(fixture.totalPrice.centAmount)
      const priced = ok(priceExtensionInput(extensionInput(cart, 'Create'), compiled, { strategy: 'externalPrice' }))
      const after = await updateCart(platform.api, cart, priced.actions)
      expect(after.totalPrice.centAmount).toBe(priced.evaluation.total)
      expect(after.lineItems.map((l) => l.priceMode)).toEqual(['ExternalPrice'])
    }
  })

  it('directDiscounts replace the reference example’s relative discount and are stored as written', async () => {
    const cart = await rebuilt(carts[0] as Cart)
    const withExample = await updateCart(platform.api, cart, [setDirectDiscounts])
    expect(withExample.directDiscounts?.[0]?.value).toEqual({ type: 'relative', permyriad: 1000 })
    const priced = ok(priceExtensionInput(extensionInput(withExample), compiled))
    const after = await updateCart(platform.api, withExample, priced.actions)
    expect(after.directDiscounts?.map(({ value, target }) => ({ value, target }))).toEqual(
      priced.actions.flatMap((a) => (a.action === 'setDirectDiscounts' ? a.discounts : [])),
    )
    // Applied once, the next call changes nothing.
    expect(ok(priceExtensionInput(extensionInput(after), compiled)).actions).toEqual([])
  })
})

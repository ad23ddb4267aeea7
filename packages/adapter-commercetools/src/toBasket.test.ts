import { describe, expect, it } from 'vitest'
import { cartToBasket } from './toBasket.js'

const eur = (centAmount: number) => ({ type: 'centPrecision', currencyCode: 'EUR', centAmount, fractionDigits: 2 })
const line = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  productId: `p-${id}`,
  variant: { id: 1, sku: `SKU-${id}` },
  price: { value: eur(250) },
  quantity: 2,
  ...extra,
})
const cart = (extra: Record<string, unknown> = {}) => ({
  id: 'cart-1',
  createdAt: '2026-11-26T10:00:00.000Z',
  totalPrice: eur(0),
  lineItems: [line('a')],
  ...extra,
})

describe('cartToBasket', () => {
  it('takes the product discount’s price, the catalog’s categories and the tax rate', () => {
    const r = cartToBasket(
      cart({
        store: { typeId: 'store', key: 'berlin' },
        lineItems: [
          line('a', {
            price: {
              value: eur(250),
              discounted: { value: eur(199), discount: { typeId: 'product-discount', id: 'd' } },
            },
            taxRate: { name: 'MwSt', amount: 0.19, includedInPrice: true, country: 'DE' },
          }),
        ],
      }),
      { catalog: { 'SKU-a': { categories: ['fresh/cheese'], brand: 'Alp' } } },
    )
    expect(r._tag === 'Right' && r.right).toMatchObject({
      id: 'cart-1',
      storeId: 'berlin',
      at: '2026-11-26T10:00:00.000Z',
      pricesIncludeTax: true,
      lines: [{ sku: 'SKU-a', unitPrice: 199, amount: 398, categories: ['fresh/cheese'], brand: 'Alp', taxRate: 19 }],
    })
  })

  it('a high-precision price is rounded on the line total with the cart’s priceRoundingMode', () => {
    const precise = {
      type: 'highPrecision',
      currencyCode: 'EUR',
      centAmount: 100,
      preciseAmount: 1005,
      fractionDigits: 3,
    }
    const of = (priceRoundingMode: string) => {
      const r = cartToBasket(
        cart({ priceRoundingMode, lineItems: [line('a', { quantity: 1, price: { value: precise } })] }),
      )
      return r._tag === 'Right' ? r.right.lines[0]?.amount : r.left.message
    }
    expect([of('HalfEven'), of('HalfUp'), of('HalfDown')]).toEqual([100, 101, 100])
  })

  it('a custom line item is a line Tessera does not discount', () => {
    const r = cartToBasket(
      cart({
        customLineItems: [{ id: 'fee', slug: 'bottle-deposit', money: eur(25), quantity: 4, name: { en: 'Pfand' } }],
      }),
    )
    expect(r._tag === 'Right' && r.right.lines[1]).toEqual({
      id: 'fee',
      sku: 'bottle-deposit',
      quantity: 4,
      unitPrice: 25,
      amount: 100,
      categories: [],
      discountable: false,
    })
  })

  it('refuses a mix of tax included and not, and a high-precision money without its digits', () => {
    const r = cartToBasket(
      cart({
        lineItems: [
          line('a', { taxRate: { amount: 0.19, includedInPrice: true } }),
          line('b', { taxRate: { amount: 0.07, includedInPrice: false } }),
          line('c', { price: { value: { type: 'highPrecision', currencyCode: 'EUR', centAmount: 1 } } }),
        ],
      }),
    )
    expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual([
      'lineItems.2.price.value.preciseAmount',
      'lineItems',
    ])
  })

  it('names an unknown field type at its path, and never throws on garbage', () => {
    for (const garbage of [null, 42, 'cart', [], { lineItems: 'x' }]) expect(cartToBasket(garbage)._tag).toBe('Left')
    const r = cartToBasket(cart({ priceRoundingMode: 'Up' }))
    expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual(['priceRoundingMode'])
  })
})

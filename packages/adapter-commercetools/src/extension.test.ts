import { compile, decodeCampaigns, type Evaluation } from '@tessera/core'
import fc from 'fast-check'
import { left, right } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { createCommercetoolsExtension, type ExtensionResponse } from './extension.js'

const campaigns = decodeCampaigns([{ id: 'ten', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }])
const compiled = compile(campaigns._tag === 'Right' ? campaigns.right : [])
const extension = createCommercetoolsExtension({ compiled })

const eur = (centAmount: number) => ({ type: 'centPrecision', currencyCode: 'EUR', centAmount, fractionDigits: 2 })
const line = (extra: Record<string, unknown> = {}) => ({
  id: 'li-1',
  productId: 'p-1',
  variant: { id: 1, sku: 'SKU-1' },
  price: { id: 'pr-1', value: eur(333) },
  quantity: 3,
  totalPrice: eur(999),
  ...extra,
})
const cart = (extra: Record<string, unknown> = {}) => ({
  id: 'cart-1',
  version: 1,
  lastModifiedAt: '2026-11-26T10:15:00.000Z',
  totalPrice: eur(999),
  lineItems: [line()],
  ...extra,
})
const input = (obj: unknown, extra: Record<string, unknown> = {}) => ({
  action: 'Update',
  resource: { typeId: 'cart', id: 'cart-1', obj },
  ...extra,
})

const paths = (r: ExtensionResponse) => {
  expect(r.status).toBe(400)
  if (r.status === 200) return []
  for (const e of r.body.errors) expect(e.code).toBe('InvalidInput')
  return r.body.errors.map((e) => e.extensionExtraInfo?.path)
}

describe('the extension as a plain function', () => {
  it('answers setDirectDiscounts for a good cart', async () => {
    const r = await extension(input(cart()))
    expect(r).toEqual({
      status: 200,
      body: {
        actions: [
          {
            action: 'setDirectDiscounts',
            discounts: [
              {
                value: { type: 'absolute', money: [eur(100)], applicationMode: 'ProportionateDistribution' },
                target: { type: 'lineItems', predicate: 'sku = "SKU-1"' },
              },
            ],
          },
        ],
      },
    })
  })

  it('reads the card and the codes from the cart’s custom fields', async () => {
    const seen: unknown[] = []
    const hosted = createCommercetoolsExtension({
      price: async (request) => {
        seen.push(request.basket)
        return left({ _tag: 'StoreUnavailable', message: 'down' })
      },
    })
    const r = await hosted(
      input(cart({ custom: { fields: { tesseraCard: '2900001234566', tesseraCodes: ['SPRING'] } } })),
    )
    expect(seen).toMatchObject([{ card: '2900001234566', codes: ['SPRING'] }])
    expect(r.status).toBe(500)
    expect(r.status !== 200 && r.body.errors[0]?.code).toBe('General')
  })

  it('prices through a host pricer and answers its evaluation', async () => {
    const hosted = createCommercetoolsExtension({
      price: async () =>
        right({
          evaluation: {
            basketId: 'cart-1',
            subtotal: 999,
            discountTotal: 0,
            total: 999,
            lines: [{ id: 'li-1', amount: 999, discount: 0, net: 999 }],
            discounts: [],
            points: { earned: 0, breakdown: [] },
            gifts: [],
            coupons: [],
            nudges: [],
            explanations: [],
            holdouts: [],
          } as unknown as Evaluation,
        }),
    })
    expect(await hosted(input(cart()))).toEqual({ status: 200, body: { actions: [] } })
  })
})

describe('bad input is a 400 naming the field, never a throw', () => {
  const cases: [string, unknown, string[]][] = [
    ['no resource', { action: 'Update' }, ['resource']],
    ['an unknown action', input(cart(), { action: 'Delete' }), ['action']],
    [
      'an order, not a cart',
      { action: 'Create', resource: { typeId: 'order', id: 'o', obj: cart() } },
      ['resource.typeId'],
    ],
    [
      'a line without quantity',
      input(cart({ lineItems: [{ ...line(), quantity: undefined }] })),
      ['resource.obj.lineItems.0.quantity'],
    ],
    [
      'a fractional quantity',
      input(cart({ lineItems: [line({ quantity: 1.5 })] })),
      ['resource.obj.lineItems.0.quantity'],
    ],
    [
      'a line without price',
      input(cart({ lineItems: [line({ price: undefined })] })),
      ['resource.obj.lineItems.0.price'],
    ],
    [
      'a price in another currency',
      input(cart({ lineItems: [line({ price: { value: { ...eur(333), currencyCode: 'USD' } } })] })),
      ['resource.obj.lineItems.0.price.value.currencyCode'],
    ],
    [
      'an unknown currency',
      input(cart({ totalPrice: { ...eur(0), currencyCode: 'ABC' } })),
      ['resource.obj.totalPrice.currencyCode'],
    ],
    [
      'fraction digits not the currency’s',
      input(cart({ lineItems: [line({ price: { value: { ...eur(333), fractionDigits: 3 } } })] })),
      ['resource.obj.lineItems.0.price.value.fractionDigits'],
    ],
    [
      'a negative cent amount',
      input(cart({ lineItems: [line({ price: { value: eur(-1) } })] })),
      ['resource.obj.lineItems.0.price.value.centAmount'],
    ],
    [
      'commercetools discount codes',
      input(cart({ discountCodes: [{ discountCode: { typeId: 'discount-code', id: 'd' }, state: 'MatchesCart' }] })),
      ['resource.obj.discountCodes'],
    ],
    [
      'a card that is not a string',
      input(cart({ custom: { fields: { tesseraCard: 42 } } })),
      ['resource.obj.custom.fields.tesseraCard'],
    ],
    [
      'codes that are not strings',
      input(cart({ custom: { fields: { tesseraCodes: 'SPRING' } } })),
      ['resource.obj.custom.fields.tesseraCodes'],
    ],
    ['a cart without time', input(cart({ lastModifiedAt: undefined })), ['resource.obj.lastModifiedAt']],
    [
      'two lines with one id',
      input(cart({ lineItems: [line(), line()], totalPrice: eur(1998) })),
      ['resource.obj.lineItems.1.id'],
    ],
    [
      'an external total',
      input(cart({ lineItems: [line({ priceMode: 'ExternalTotal' })] })),
      ['resource.obj.lineItems.0.priceMode'],
    ],
  ]
  for (const [name, body, expected] of cases) {
    it(name, async () => {
      expect(paths(await extension(body))).toEqual(expected)
    })
  }

  it('malformed JSON text', async () => {
    const r = await extension('{"action": "Update", ')
    expect(paths(r)).toEqual([''])
    expect(r.status !== 200 && r.body.errors[0]?.message).toMatch(/malformed JSON/)
  })

  it('a pricer that throws is a 500, not a crash', async () => {
    const hosted = createCommercetoolsExtension({
      price: async () => {
        throw new Error('boom')
      },
    })
    const r = await hosted(input(cart()))
    expect(r.status).toBe(500)
  })

  it('any value, or any damage to a good body, answers 200 or 400 with named errors', async () => {
    const good = input(cart())
    const damaged = fc
      .tuple(
        fc.constantFrom(
          [],
          ['action'],
          ['resource'],
          ['resource', 'obj'],
          ['resource', 'obj', 'totalPrice'],
          ['resource', 'obj', 'lineItems'],
          ['resource', 'obj', 'lineItems', 0],
          ['resource', 'obj', 'lineItems', 0, 'price', 'value'],
          ['resource', 'obj', 'lineItems', 0, 'quantity'],
          ['resource', 'obj', 'custom'],
        ),
        fc.anything(),
      )
      .map(([path, value]) => {
        const copy = structuredClone(good) as Record<string | number, unknown>
        if (path.length === 0) return value
        let at = copy as Record<string | number, unknown>
        for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>
        at[path[path.length - 1] as string | number] = value
        return copy
      })
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.json(), damaged), async (body) => {
        const r = await extension(body)
        expect([200, 400]).toContain(r.status)
        if (r.status === 400) {
          expect(r.body.errors.length).toBeGreaterThan(0)
          for (const e of r.body.errors) expect(e.message.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 500 },
    )
  })
})

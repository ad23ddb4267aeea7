import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runCartLines } from './cartLines.js'
import { cartLinesDiscountsGenerateRun } from './function.js'
import { applyShopifyOperations } from './shopifyModel.js'
import { resultProblems } from './testkit.js'

const money = (amount: string, currencyCode = 'EUR') => ({ amount, currencyCode })
const line = (id: string, quantity: number, unit: string, extra: Record<string, unknown> = {}, currency = 'EUR') => ({
  id: `gid://shopify/CartLine/${id}`,
  quantity,
  cost: {
    subtotalAmount: money((Number(unit) * quantity).toFixed(currency === 'JPY' ? 0 : 2), currency),
    amountPerQuantity: money(unit, currency),
  },
  merchandise: {
    __typename: 'ProductVariant',
    id: `gid://shopify/ProductVariant/${id}`,
    sku: `SKU-${id}`,
    product: { productType: 'grocery', vendor: 'Nutella', isGiftCard: false, ...extra },
  },
})
const input = (
  lines: unknown[],
  campaigns: unknown,
  classes = ['ORDER', 'PRODUCT'],
  more: Record<string, unknown> = {},
) => ({
  cart: { lines },
  discount: { discountClasses: classes, metafield: { jsonValue: { currency: 'EUR', campaigns } } },
  shop: { localTime: { date: '2026-11-26' } },
  ...more,
})

const jar2half = {
  id: 'jar-2-half',
  status: 'active',
  labels: { receipt: 'Nutella 2nd jar -50%' },
  reward: {
    buyGet: {
      buy: { of: { brand: ['Nutella'] }, quantity: 1 },
      get: { of: { brand: ['Nutella'] }, quantity: 1, percent: 50 },
    },
  },
}
const fiveOff = {
  id: 'five-off',
  status: 'active',
  labels: { receipt: '5 € off' },
  reward: { amountOff: { of: 'basket', amount: 500 } },
}

const valid = (r: unknown) => expect(resultProblems(r, 'CartLinesDiscountsGenerateRunResult')).toEqual([])

describe('runCartLines', () => {
  it("writes Tessera's allocation to each line as a fixed amount, once across the line's units", () => {
    const run = runCartLines(input([line('0', 2, '3.49'), line('1', 1, '12.00', { vendor: 'Other' })], [jar2half]))
    valid(run.result)
    expect(run.result).toEqual({
      operations: [
        {
          productDiscountsAdd: {
            selectionStrategy: 'FIRST',
            candidates: [
              {
                message: 'Nutella 2nd jar -50%',
                targets: [{ cartLine: { id: 'gid://shopify/CartLine/0' } }],
                value: { fixedAmount: { amount: '1.75', appliesToEachItem: false } },
              },
            ],
          },
        },
      ],
    })
    expect(run.evaluation?.total).toBe(698 + 1200 - 175)
  })

  it('sends an order-wide amount as one order discount, excluding the lines Tessera left out (a gift card)', () => {
    const run = runCartLines(input([line('0', 1, '20.00'), line('1', 1, '50.00', { isGiftCard: true })], [fiveOff]))
    valid(run.result)
    expect(run.result.operations).toEqual([
      {
        orderDiscountsAdd: {
          selectionStrategy: 'FIRST',
          candidates: [
            {
              message: '5 € off',
              targets: [{ orderSubtotal: { excludedCartLineIds: ['gid://shopify/CartLine/1'] } }],
              value: { fixedAmount: { amount: '5' } },
            },
          ],
        },
      },
    ])
  })

  it('with both classes: product discounts per line, then the order discount; Shopify ends at Tessera’s total', () => {
    const lines = [line('0', 2, '3.49'), line('1', 3, '1.99', { vendor: 'Other' })]
    const run = runCartLines(input(lines, [jar2half, fiveOff]))
    valid(run.result)
    expect(run.result.operations.map((o) => Object.keys(o)[0])).toEqual(['productDiscountsAdd', 'orderDiscountsAdd'])
    const cart = {
      currency: 'EUR' as never,
      lines: [
        { id: lines[0]?.id as string, quantity: 2, subtotal: 698 },
        { id: lines[1]?.id as string, quantity: 3, subtotal: 597 },
      ],
    }
    const shopify = applyShopifyOperations(cart, run.result)
    expect(shopify._tag === 'Right' && shopify.right.total).toBe(run.evaluation?.total)
    // Tessera took 5 € off first (same priority, lower id), then half a jar of what remained: Shopify,
    // which applies product discounts first, still ends at the same total, since it gets amounts.
    expect(run.evaluation?.discounts.map((d) => [d.campaignId, d.amount])).toEqual([
      ['five-off', 500],
      ['jar-2-half', 107],
    ])
  })

  it('emits only the classes the discount has, and evaluates the others’ campaigns out', () => {
    const lines = [line('0', 2, '3.49')]
    const product = runCartLines(input(lines, [jar2half, fiveOff], ['PRODUCT']))
    expect(product.result.operations.map((o) => Object.keys(o)[0])).toEqual(['productDiscountsAdd'])
    expect(product.evaluation?.discounts.map((d) => d.campaignId)).toEqual(['jar-2-half'])
    const order = runCartLines(input(lines, [jar2half, fiveOff], ['ORDER', 'SHIPPING']))
    expect(order.result.operations.map((o) => Object.keys(o)[0])).toEqual(['orderDiscountsAdd'])
    expect(order.evaluation?.total).toBe(698 - 500)
    const none = runCartLines(input(lines, [jar2half, fiveOff], ['SHIPPING']))
    expect(none.result).toEqual({ operations: [] })
    expect(none.log).toEqual(['tessera: no discount: the discount has neither the ORDER nor the PRODUCT class'])
  })

  it('writes amounts in the currency’s own decimals: JPY has none', () => {
    const run = runCartLines({
      ...input([line('0', 2, '350', {}, 'JPY')], [jar2half]),
      discount: { discountClasses: ['PRODUCT'], metafield: { jsonValue: [jar2half] } },
    })
    valid(run.result)
    expect(JSON.stringify(run.result)).toContain('"amount":"175"')
  })

  it('a percentage that needs no rounding goes as a percentage; one that would is a fixed amount', () => {
    const tenOff = {
      id: 'ten',
      status: 'active',
      reward: { percentOff: { of: { category: ['grocery'] }, percent: 10 } },
    }
    const exact = runCartLines(input([line('0', 1, '20.00'), line('1', 1, '30.00')], [tenOff]))
    expect(exact.result.operations).toEqual([
      {
        productDiscountsAdd: {
          selectionStrategy: 'FIRST',
          candidates: [
            {
              message: 'ten',
              targets: [
                { cartLine: { id: 'gid://shopify/CartLine/0' } },
                { cartLine: { id: 'gid://shopify/CartLine/1' } },
              ],
              value: { percentage: { value: '10' } },
            },
          ],
        },
      },
    ])
    // 10 % of 3.49 is 0.349: Tessera rounds it its way; the line gets exactly Tessera's cents.
    const rounded = runCartLines(input([line('0', 1, '3.49')], [tenOff]))
    expect(JSON.stringify(rounded.result)).toContain('"fixedAmount":{"amount":"0.35","appliesToEachItem":false}')
  })

  it('associates the triggering code with the discounts of campaigns that need one', () => {
    const coded = { ...fiveOff, code: { required: true, pool: 'XMAS26' } }
    const run = runCartLines(
      input([line('0', 1, '20.00')], [coded], ['ORDER'], { triggeringDiscountCode: 'XMAS26-7KQ2' }),
    )
    valid(run.result)
    expect(JSON.stringify(run.result)).toContain('"associatedDiscountCode":{"code":"XMAS26-7KQ2"}')
    const without = runCartLines(input([line('0', 1, '20.00')], [coded], ['ORDER']))
    expect(without.result.operations).toEqual([])
    expect(without.evaluation?.explanations[0]?.reasons[0]?.code).toBe('CODE_REQUIRED')
  })

  it("judges validity windows on the shop's date", () => {
    const december = { ...fiveOff, validity: { from: '2026-12-01T00:00:00+01:00', timeZone: 'Europe/Paris' } }
    expect(runCartLines(input([line('0', 1, '20.00')], [december])).result.operations).toEqual([])
    const later = runCartLines(
      input([line('0', 1, '20.00')], [december], ['ORDER'], { shop: { localTime: { date: '2026-12-02' } } }),
    )
    expect(later.result.operations).toHaveLength(1)
  })
})

const campaigns = [fiveOff]
const good = input([line('0', 1, '20.00')], campaigns)
const withLine = (patch: Record<string, unknown>) => ({
  ...good,
  cart: { lines: [{ ...line('0', 1, '20.00'), ...patch }] },
})
const withMetafield = (metafield: unknown) => ({ ...good, discount: { discountClasses: ['ORDER'], metafield } })

describe('bad input: an empty operations list and the reason logged, naming the field', () => {
  it.each([
    ['no cart', { discount: good.discount }, 'cart: is required'],
    ['a line without its cost', withLine({ cost: undefined }), 'cart.lines.0.cost: is required'],
    [
      'an amount that is not a Decimal',
      withLine({ cost: { subtotalAmount: money('twenty') } }),
      'cart.lines.0.cost.subtotalAmount.amount',
    ],
    [
      'more decimals than the currency has',
      withLine({ cost: { subtotalAmount: money('20.005') } }),
      'has 3 decimals but EUR has 2',
    ],
    ['a quantity of 0', withLine({ quantity: 0 }), 'cart.lines.0.quantity'],
    [
      'a cart in another currency than the campaigns',
      withLine({ cost: { subtotalAmount: money('20.00', 'USD') } }),
      'is USD, but the campaigns are in EUR',
    ],
    [
      'an unknown currency',
      withLine({ cost: { subtotalAmount: money('20.00', 'XYZ') } }),
      'is not an ISO 4217 currency code',
    ],
    [
      'no currency at all',
      {
        ...good,
        cart: { lines: [{ id: 'x', cost: { subtotalAmount: { amount: '1' } } }] },
        discount: { discountClasses: ['ORDER'], metafield: { jsonValue: campaigns } },
      },
      'cart.lines.0.cost.subtotalAmount.currencyCode: is required',
    ],
    [
      'an unknown discount class',
      { ...good, discount: { ...good.discount, discountClasses: ['ORDERS'] } },
      'discount.discountClasses.0',
    ],
    ['no metafield', withMetafield(null), 'discount.metafield: is required'],
    [
      'a metafield that is not JSON',
      withMetafield({ value: '{ "campaigns": [' }),
      'discount.metafield.value: is not valid JSON',
    ],
    [
      'a metafield that is a number',
      withMetafield({ jsonValue: 42 }),
      'discount.metafield.jsonValue: must be a JSON object',
    ],
    [
      'an unknown metafield field',
      withMetafield({ jsonValue: { campaigns, currenci: 'EUR' } }),
      'discount.metafield.jsonValue.currenci: unknown field',
    ],
    [
      'a bad metafield currency',
      withMetafield({ jsonValue: { campaigns, currency: 'euro' } }),
      'discount.metafield.jsonValue.currency',
    ],
    [
      'a campaign with a typo',
      withMetafield({ jsonValue: { currency: 'EUR', campaigns: [{ id: 'x', status: 'active', rewrd: {} }] } }),
      'discount.metafield.jsonValue.campaigns.0.rewrd: unknown field (did you mean "reward"?)',
    ],
    [
      'a campaign with hours',
      withMetafield({
        jsonValue: {
          currency: 'EUR',
          campaigns: [{ ...fiveOff, validity: { hours: [{ from: '17:00', until: '19:00' }] } }],
        },
      }),
      'campaigns.0.validity.hours: cannot be judged',
    ],
    [
      'a campaign that mixes delivery and merchandise',
      withMetafield({
        jsonValue: {
          currency: 'EUR',
          campaigns: [
            {
              id: 'm',
              status: 'active',
              reward: { all: [fiveOff.reward, { percentOff: { of: { category: ['delivery'] }, percent: 100 } }] },
            },
          ],
        },
      }),
      'campaigns.0.reward: mixes a delivery discount',
    ],
    [
      'a validity window without the shop’s date',
      {
        ...withMetafield({
          jsonValue: { currency: 'EUR', campaigns: [{ ...fiveOff, validity: { from: '2026-01-01T00:00:00Z' } }] },
        }),
        shop: undefined,
      },
      'shop.localTime.date: is required',
    ],
  ])('%s', (_, bad, reason) => {
    const run = runCartLines(bad)
    expect(run.result).toEqual({ operations: [] })
    expect(run.error?._tag).toBe('DecodeError')
    expect(run.log).toHaveLength(1)
    expect(run.log[0]).toContain(reason)
    // The function entry logs the same reason and returns the same empty result.
    expect(cartLinesDiscountsGenerateRun(bad)).toEqual({ operations: [] })
  })

  it('never throws, whatever the input: the output is always valid', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        valid(cartLinesDiscountsGenerateRun(junk))
        valid(cartLinesDiscountsGenerateRun({ ...good, cart: junk }))
        valid(
          cartLinesDiscountsGenerateRun({
            ...good,
            discount: { discountClasses: ['ORDER'], metafield: { jsonValue: junk } },
          }),
        )
      }),
      { numRuns: 300 },
    )
  })
})

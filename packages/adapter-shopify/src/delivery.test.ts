import { describe, expect, it } from 'vitest'
import { runDelivery } from './delivery.js'
import { cartDeliveryOptionsDiscountsGenerateRun } from './function.js'
import { resultProblems } from './testkit.js'

const group = (id: string, amount?: string, method = 'SHIPPING') => ({
  id: `gid://shopify/CartDeliveryGroup/${id}`,
  selectedDeliveryOption:
    amount === undefined
      ? null
      : { handle: `h${id}`, code: 'Standard', deliveryMethodType: method, cost: { amount, currencyCode: 'EUR' } },
})
const cartLine = (amount: string) => ({
  id: 'gid://shopify/CartLine/0',
  quantity: 1,
  cost: { subtotalAmount: { amount, currencyCode: 'EUR' } },
})
const input = (groups: unknown[], campaigns: unknown, lines: unknown[] = [], classes = ['SHIPPING']) => ({
  cart: { lines, deliveryGroups: groups },
  discount: { discountClasses: classes, metafield: { jsonValue: { currency: 'EUR', campaigns } } },
})

const freeFrom50 = {
  id: 'free-from-50',
  status: 'active',
  labels: { receipt: 'Free delivery from 50 €' },
  trigger: { spend: { of: { not: { category: ['delivery'] } }, atLeast: 5000 } },
  reward: { percentOff: { of: { category: ['delivery/shipping'] }, percent: 100 } },
}
const threeOff = {
  id: 'three-off',
  status: 'active',
  reward: { amountOff: { of: { category: ['delivery'] }, amount: 300 } },
}
const valid = (r: unknown) => expect(resultProblems(r, 'CartDeliveryOptionsDiscountsGenerateRunResult')).toEqual([])

describe('runDelivery', () => {
  it('free shipping from 50 € of merchandise: 100 % of the shipping group, not of the pick-up one', () => {
    const run = runDelivery(
      input([group('0', '4.90'), group('1', '0.00', 'PICK_UP')], [freeFrom50], [cartLine('52.00')]),
    )
    valid(run.result)
    expect(run.result.operations).toEqual([
      {
        deliveryDiscountsAdd: {
          selectionStrategy: 'ALL',
          candidates: [
            {
              message: 'Free delivery from 50 €',
              targets: [{ deliveryGroup: { id: 'gid://shopify/CartDeliveryGroup/0' } }],
              value: { percentage: { value: '100' } },
            },
          ],
        },
      },
    ])
    const below = runDelivery(input([group('0', '4.90')], [freeFrom50], [cartLine('49.99')]))
    expect(below.result.operations).toEqual([])
    expect(below.evaluation?.explanations[0]?.reasons[0]?.code).toBe('MIN_SPEND')
  })

  it('an amount off the delivery, split by Tessera over two groups, as fixed amounts', () => {
    const run = runDelivery(input([group('0', '4.00'), group('1', '2.00')], [threeOff]))
    valid(run.result)
    const candidates = run.result.operations[0]?.deliveryDiscountsAdd.candidates ?? []
    expect(candidates.map((c) => [c.targets, c.value])).toEqual([
      [[{ deliveryGroup: { id: 'gid://shopify/CartDeliveryGroup/0' } }], { fixedAmount: { amount: '2' } }],
      [[{ deliveryGroup: { id: 'gid://shopify/CartDeliveryGroup/1' } }], { fixedAmount: { amount: '1' } }],
    ])
  })

  it('a group without a cost takes a percentage, and its amount-based discounts are left out and logged', () => {
    const run = runDelivery(input([group('0')], [threeOff]))
    expect(run.result).toEqual({ operations: [] })
    expect(run.log).toEqual([
      expect.stringContaining(
        'tessera: delivery group gid://shopify/CartDeliveryGroup/0: three-off left out: its price is not in the input',
      ),
    ])
  })

  it('does nothing without the SHIPPING class, and says so', () => {
    const run = runDelivery(input([group('0', '4.90')], [freeFrom50], [cartLine('52.00')], ['ORDER', 'PRODUCT']))
    expect(run.result).toEqual({ operations: [] })
    expect(run.log).toEqual(['tessera: no discount: the discount does not have the SHIPPING class'])
  })

  it.each([
    [
      'no delivery groups',
      { cart: {}, discount: { discountClasses: ['SHIPPING'], metafield: { jsonValue: [freeFrom50] } } },
      'cart.deliveryGroups: is required',
    ],
    [
      'a delivery cost in another currency',
      input(
        [{ ...group('0'), selectedDeliveryOption: { handle: 'h', cost: { amount: '4.90', currencyCode: 'GBP' } } }],
        [freeFrom50],
      ),
      'cart.deliveryGroups.0.selectedDeliveryOption.cost.currencyCode: is GBP, but the campaigns are in EUR',
    ],
    [
      'a delivery cost that is not a Decimal',
      input(
        [{ ...group('0'), selectedDeliveryOption: { handle: 'h', cost: { amount: 'free', currencyCode: 'EUR' } } }],
        [freeFrom50],
      ),
      'cart.deliveryGroups.0.selectedDeliveryOption.cost.amount',
    ],
    [
      'a group with the id of a cart line',
      input([{ id: 'gid://shopify/CartLine/0' }], [freeFrom50], [cartLine('1.00')]),
      'cart.deliveryGroups.0.id',
    ],
    [
      'a malformed metafield',
      {
        ...input([group('0', '1.00')], []),
        discount: { discountClasses: ['SHIPPING'], metafield: { jsonValue: 'x' } },
      },
      'discount.metafield.jsonValue',
    ],
  ])('%s: an empty operations list and the reason logged', (_, bad, reason) => {
    const run = runDelivery(bad)
    expect(run.result).toEqual({ operations: [] })
    expect(run.log).toHaveLength(1)
    expect(run.log[0]).toContain(reason)
    expect(cartDeliveryOptionsDiscountsGenerateRun(bad)).toEqual({ operations: [] })
  })
})

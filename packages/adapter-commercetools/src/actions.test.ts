import { compile, decodeCampaigns, evaluate } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { cartActions } from './actions.js'
import { CtCartCodec } from './cart.codec.js'
import { basketOfRead, readCart } from './toBasket.js'

const eur = (centAmount: number) => ({ type: 'centPrecision', currencyCode: 'EUR', centAmount, fractionDigits: 2 })
const line = (id: string, sku: string | undefined, centAmount: number, quantity: number, extra = {}) => ({
  id,
  productId: `p-${sku ?? id}`,
  variant: sku === undefined ? { id: 1 } : { id: 1, sku },
  price: { value: eur(centAmount) },
  quantity,
  ...extra,
})

const priced = (lineItems: unknown[], docs: unknown[], extra: Record<string, unknown> = {}) => {
  const decoded = CtCartCodec.decode({
    id: 'c',
    createdAt: '2026-11-26T10:00:00Z',
    totalPrice: eur(0),
    lineItems,
    ...extra,
  })
  if (decoded._tag === 'Left') throw new Error('cart')
  const read = readCart(decoded.right, {})
  if (read._tag === 'Left') throw new Error(read.left.message)
  const basket = basketOfRead(read.right)
  const campaigns = decodeCampaigns(docs)
  if (basket._tag === 'Left' || campaigns._tag === 'Left') throw new Error('basket')
  const evaluation = evaluate(compile(campaigns.right), basket.right)
  return { read: read.right, evaluation }
}

const amountOff = (sku: string, amount: number) => ({
  id: `off-${sku}-${amount}`,
  status: 'active',
  reward: { amountOff: { of: { sku: [sku] }, amount } },
})

describe('cartActions', () => {
  it('lines of one SKU with different discounts: their sum, distributed by the platform', () => {
    const { read, evaluation } = priced(
      [line('a', 'TEA', 400, 1), line('b', 'TEA', 100, 3, { custom: { fields: {} } })],
      [{ id: 'half', status: 'active', reward: { percentOff: { of: '*', percent: 50 } } }],
    )
    const actions = cartActions(read, evaluation)
    expect(evaluation.lines.map((l) => l.discount)).toEqual([200, 150])
    expect(actions._tag === 'Right' && actions.right).toEqual([
      {
        action: 'setDirectDiscounts',
        discounts: [
          {
            value: { type: 'absolute', money: [eur(350)], applicationMode: 'ProportionateDistribution' },
            target: { type: 'lineItems', predicate: 'sku = "TEA"' },
          },
        ],
      },
    ])
  })

  it('a line without SKU is targeted by its product; a SKU with quotes is escaped', () => {
    const { read, evaluation } = priced(
      [line('a', undefined, 500, 1), line('b', 'SAY "CHEESE"', 500, 1)],
      [{ id: 'ten', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }],
    )
    const actions = cartActions(read, evaluation)
    const predicates =
      actions._tag === 'Right' && actions.right[0]?.action === 'setDirectDiscounts'
        ? actions.right[0].discounts.map((d) => d.target.predicate)
        : []
    expect(predicates).toEqual(['product.id = "p-a"', 'sku = "SAY \\"CHEESE\\""'])
  })

  it('no discount on a cart with direct discounts clears them; on one without, answers nothing', () => {
    const without = priced([line('a', 'TEA', 400, 1)], [amountOff('JAM', 100)])
    expect(cartActions(without.read, without.evaluation)).toEqual({ _tag: 'Right', right: [] })
    const old = {
      value: { type: 'relative', permyriad: 1000 },
      target: { type: 'lineItems', predicate: '1=1' },
      id: 'x',
    }
    const withOld = priced([line('a', 'TEA', 400, 1)], [amountOff('JAM', 100)], { directDiscounts: [old] })
    expect(cartActions(withOld.read, withOld.evaluation)).toEqual({
      _tag: 'Right',
      right: [{ action: 'setDirectDiscounts', discounts: [] }],
    })
  })

  it('externalPrice: a line priced before with no discount now goes back to the platform price', () => {
    const { read, evaluation } = priced(
      [
        line('a', 'TEA', 400, 1, {
          priceMode: 'ExternalPrice',
          variant: { id: 1, sku: 'TEA', prices: [{ value: eur(450) }] },
        }),
      ],
      [amountOff('JAM', 100)],
    )
    expect(cartActions(read, evaluation, 'externalPrice')).toEqual({
      _tag: 'Right',
      right: [{ action: 'setLineItemPrice', lineItemId: 'a' }],
    })
  })

  it('refuses an evaluation of another cart, naming its field', () => {
    const { read, evaluation } = priced([line('a', 'TEA', 400, 1)], [amountOff('TEA', 100)])
    const other = { ...evaluation, lines: [{ ...evaluation.lines[0], id: 'zz' }] } as typeof evaluation
    const r = cartActions(read, other)
    expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual(['lines.0.id', 'lines'])
  })
})

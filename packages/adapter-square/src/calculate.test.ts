import type { DecodeError } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { calculateOrder } from './calculate.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}
const paths = (e: Either<DecodeError, unknown>) => (e._tag === 'Left' ? e.left.problems.map((p) => p.path) : [])
const usd = (amount: number) => ({ amount, currency: 'USD' })
const order = (extra: Record<string, unknown>) => ({ location_id: 'L', ...extra })

describe('calculateOrder: Square order of operations', () => {
  it('percentages before fixed amounts, then an additive tax on the net, rounded half to even', () => {
    const r = ok(
      calculateOrder(
        order({
          line_items: [
            { uid: 'a', quantity: '1', base_price_money: usd(1000), applied_discounts: [{ discount_uid: 'off' }] },
            { uid: 'b', quantity: '1', base_price_money: usd(250) },
          ],
          discounts: [
            { uid: 'off', type: 'FIXED_AMOUNT', amount_money: usd(100), scope: 'LINE_ITEM' },
            { uid: 'ten', type: 'FIXED_PERCENTAGE', percentage: '10', scope: 'ORDER' },
          ],
          taxes: [{ uid: 'tax', type: 'ADDITIVE', percentage: '5', scope: 'ORDER' }],
        }),
      ),
    )
    // a: 1000 − 10 % (100) − 100 = 800, tax 40. b: 250 − 25 = 225, tax 11.25 → 11.
    expect(
      r.line_items.map((l) => [l.total_discount_money.amount, l.total_tax_money.amount, l.total_money.amount]),
    ).toEqual([
      [200, 40, 840],
      [25, 11, 236],
    ])
    expect(r.total_money).toEqual(usd(1076))
  })

  it('an inclusive tax is the part of the net already in the price; a half cent of tax rounds to even', () => {
    const r = ok(
      calculateOrder(
        order({
          line_items: [
            { quantity: '1', base_price_money: usd(1100) },
            { quantity: '1', base_price_money: usd(50) },
            { quantity: '1', base_price_money: usd(70) },
          ],
          taxes: [{ uid: 'vat', type: 'INCLUSIVE', percentage: '10' }],
        }),
      ),
    )
    // 1100 × 10 / 110 = 100; 50 × 10 / 110 = 4.55 → 5; 70 × 10 / 110 = 6.36 → 6; nothing added to the total.
    expect(r.line_items.map((l) => l.total_tax_money.amount)).toEqual([100, 5, 6])
    expect(r.total_money).toEqual(usd(1220))
    const additive = ok(
      calculateOrder(
        order({
          line_items: [
            { quantity: '1', base_price_money: usd(50) },
            { quantity: '1', base_price_money: usd(70) },
          ],
          taxes: [{ uid: 't', type: 'ADDITIVE', percentage: '5' }],
        }),
      ),
    )
    // 5 % of 50 = 2.5 → 2 (even), of 70 = 3.5 → 4 (even).
    expect(additive.line_items.map((l) => l.total_tax_money.amount)).toEqual([2, 4])
  })

  it('an ORDER fixed amount is spread by what remains and never takes a line below zero', () => {
    const r = ok(
      calculateOrder(
        order({
          line_items: [
            { quantity: '1', base_price_money: usd(100) },
            { quantity: '1', base_price_money: usd(200) },
          ],
          discounts: [{ uid: 'big', amount_money: usd(1000), scope: 'ORDER' }],
        }),
      ),
    )
    expect(r.line_items.map((l) => l.total_money.amount)).toEqual([0, 0])
    expect(r.total_discount_money).toEqual(usd(300))
  })
})

describe('calculateOrder: bad input names the field', () => {
  const line = { quantity: '1', base_price_money: usd(100) }
  it.each([
    ['not an object', 42, ['']],
    [
      'a catalog discount without its amount',
      order({ line_items: [line], discounts: [{ uid: 'x', catalog_object_id: 'C' }] }),
      ['discounts.0.type'],
    ],
    [
      'a percentage discount without percentage',
      order({ line_items: [line], discounts: [{ uid: 'x', type: 'FIXED_PERCENTAGE' }] }),
      ['discounts.0.percentage'],
    ],
    [
      'a percentage over 100',
      order({ line_items: [line], discounts: [{ uid: 'x', percentage: '150' }] }),
      ['discounts.0.percentage'],
    ],
    [
      'an unknown scope',
      order({ line_items: [line], discounts: [{ uid: 'x', percentage: '5', scope: 'EVERYTHING' }] }),
      ['discounts.0.scope'],
    ],
    [
      'an applied discount naming nothing',
      order({ line_items: [{ ...line, applied_discounts: [{ discount_uid: 'ghost' }] }] }),
      ['line_items.0.applied_discounts.0.discount_uid'],
    ],
    [
      'a catalog tax without its rate',
      order({ line_items: [line], taxes: [{ uid: 't', catalog_object_id: 'T' }] }),
      ['taxes.0.percentage'],
    ],
    [
      'a mixed currency discount',
      order({ line_items: [line], discounts: [{ uid: 'x', amount_money: { amount: 1, currency: 'EUR' } }] }),
      ['discounts.0.amount_money.currency'],
    ],
  ])('%s', (_, input, expected) => {
    expect(paths(calculateOrder(input))).toEqual(expected)
  })
})

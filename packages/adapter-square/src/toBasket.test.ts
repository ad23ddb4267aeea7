import type { DecodeError } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { orderToBasket } from './toBasket.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}
const problems = (e: Either<DecodeError, unknown>) => (e._tag === 'Left' ? e.left.problems : [])
const paths = (e: Either<DecodeError, unknown>) => problems(e).map((p) => p.path)

const usd = (amount: number) => ({ amount, currency: 'USD' })
const order = (lines: readonly Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  id: 'ORD-1',
  location_id: 'LOC-1',
  created_at: '2026-11-26T10:15:00.123Z',
  line_items: lines,
  ...extra,
})

describe('orderToBasket', () => {
  it("a line's amount includes its modifiers times the quantity: (450 + 2 × 50 + 75) × 3", () => {
    const basket = ok(
      orderToBasket(
        order([
          {
            uid: 'latte',
            catalog_object_id: 'VAR-LATTE',
            quantity: '3',
            base_price_money: usd(450),
            modifiers: [
              { name: 'extra shot', base_price_money: usd(50), quantity: '2' },
              { name: 'oat milk', base_price_money: usd(75) },
            ],
          },
        ]),
      ),
    )
    expect(basket.lines[0]).toEqual({
      id: 'latte',
      sku: 'VAR-LATTE',
      quantity: 3,
      unitPrice: 625,
      amount: 1875,
      categories: [],
    })
  })

  it('a weighed line keeps its decimal quantity and unit, and is rounded half to even as Square rounds', () => {
    const kg = { measurement_unit: { weight_unit: 'METRIC_KILOGRAM' }, precision: 3 }
    const basket = ok(
      orderToBasket(
        order([
          { name: 'Comté', quantity: '0.532', quantity_unit: kg, base_price_money: usd(1299) }, // 691.068
          { name: 'Brie', quantity: '0.5', quantity_unit: kg, base_price_money: usd(101) }, // 50.5 → 50
          { name: 'Bleu', quantity: '0.5', quantity_unit: kg, base_price_money: usd(103) }, // 51.5 → 52
        ]),
      ),
    )
    expect(basket.lines.map((l) => [l.quantity, l.unit, l.amount])).toEqual([
      [0.532, 'kg', 691],
      [0.5, 'kg', 50],
      [0.5, 'kg', 52],
    ])
  })

  it('variations map to SKUs and categories through the catalog; a gift card is not discountable', () => {
    const basket = ok(
      orderToBasket(
        order([
          { catalog_object_id: 'VAR-1', quantity: '1', base_price_money: usd(100) },
          { name: 'Gift card', item_type: 'GIFT_CARD', quantity: '1', base_price_money: usd(2500) },
        ]),
        { catalog: { 'VAR-1': { sku: '3017620422003', categories: ['grocery/spreads'], brand: 'Nutella' } } },
      ),
    )
    expect(basket.lines.map((l) => [l.id, l.sku, l.categories, l.brand, l.discountable])).toEqual([
      ['0', '3017620422003', ['grocery/spreads'], 'Nutella', undefined],
      ['1', 'Gift card', [], undefined, false],
    ])
  })

  it("takes the card from the order's customer unless the caller gives one; time and store from the order", () => {
    const o = order([{ name: 'A', quantity: '1', base_price_money: usd(100) }], { customer_id: 'CUST-9' })
    expect(ok(orderToBasket(o))).toMatchObject({
      id: 'ORD-1',
      storeId: 'LOC-1',
      card: 'CUST-9',
      currency: 'USD',
      at: '2026-11-26T10:15:00.123Z',
      pricesIncludeTax: false,
    })
    expect(ok(orderToBasket(o, { card: '2900001234566' })).card).toBe('2900001234566')
  })

  it('amounts are already minor units: a JPY order stays in yen, with inclusive taxes the prices include tax', () => {
    const basket = ok(
      orderToBasket(
        order([{ name: 'Bento', quantity: '2', base_price_money: { amount: 980, currency: 'JPY' } }], {
          taxes: [{ uid: 'ct', type: 'INCLUSIVE', percentage: '8', scope: 'ORDER' }],
        }),
      ),
    )
    expect(basket).toMatchObject({ currency: 'JPY', pricesIncludeTax: true, lines: [{ amount: 1960 }] })
  })
})

describe('orderToBasket: bad input names the field, never throws', () => {
  const line = { name: 'A', quantity: '1', base_price_money: usd(100) }
  it.each([
    ['not an object', 'nope', ['']],
    ['no location', { line_items: [line] }, ['location_id']],
    ['a numeric quantity', order([line, line, { ...line, quantity: 2 }]), ['line_items.2.quantity']],
    ['a zero quantity', order([{ ...line, quantity: '0' }]), ['line_items.0.quantity']],
    ['a decimal quantity on a unit line', order([line, line, { ...line, quantity: '1.5' }]), ['line_items.2.quantity']],
    [
      'a price in decimals',
      order([{ ...line, base_price_money: { amount: 1.5, currency: 'USD' } }]),
      ['line_items.0.base_price_money.amount'],
    ],
    [
      'an unknown currency',
      order([{ ...line, base_price_money: { amount: 1, currency: 'XXX' } }]),
      ['line_items.0.base_price_money.currency'],
    ],
    [
      'mixed currencies',
      order([line, { ...line, base_price_money: { amount: 1, currency: 'EUR' } }]),
      ['line_items.1.base_price_money.currency'],
    ],
    [
      'a catalog line without a price',
      order([{ catalog_object_id: 'V', quantity: '1' }]),
      ['line_items.0.base_price_money'],
    ],
    [
      'a modifier without a price',
      order([{ ...line, modifiers: [{ name: 'x' }] }]),
      ['line_items.0.modifiers.0.base_price_money'],
    ],
    [
      'a line without name or variation',
      order([{ quantity: '1', base_price_money: usd(1) }]),
      ['line_items.0.catalog_object_id'],
    ],
    [
      'duplicate uids',
      order([
        { ...line, uid: 'a' },
        { ...line, uid: 'a' },
      ]),
      ['line_items.1.uid'],
    ],
    [
      'an unsupported unit',
      order([{ ...line, quantity_unit: { measurement_unit: { area_unit: 'METRIC_SQUARE_METER' } } }]),
      ['line_items.0.quantity_unit.measurement_unit'],
    ],
    [
      'more decimals than the precision',
      order([
        {
          ...line,
          quantity: '0.5',
          quantity_unit: { measurement_unit: { weight_unit: 'METRIC_KILOGRAM' }, precision: 0 },
        },
      ]),
      ['line_items.0.quantity'],
    ],
    [
      'mixed tax types',
      order([line], {
        taxes: [
          { type: 'ADDITIVE', percentage: '5' },
          { type: 'INCLUSIVE', percentage: '5' },
        ],
      }),
      ['taxes.1.type'],
    ],
    ['no line', order([]), ['line_items']],
    ['no time', { location_id: 'L', id: 'X', line_items: [line] }, ['created_at']],
    ['no id', { location_id: 'L', created_at: '2026-11-26T10:15:00Z', line_items: [line] }, ['id']],
    ['a time without offset', order([line], { created_at: '2026-11-26T10:15:00' }), ['created_at']],
  ])('%s', (_, input, expected) => {
    const r = orderToBasket(input)
    expect(r._tag).toBe('Left')
    expect(paths(r)).toEqual(expected)
    for (const p of problems(r)) expect(p.reason.length).toBeGreaterThan(5)
  })

  it('a caller-supplied time is checked too', () => {
    expect(paths(orderToBasket(order([line]), { at: 'yesterday' }))).toEqual(['at'])
  })
})

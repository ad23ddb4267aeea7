import { describe, expect, it } from 'vitest'
import { applyDirectDiscounts, type ModelDiscount, type ModelLine } from './directDiscounts.model.js'

/** commercetools' documented example: one unit at $16, two at $20; $15 off the line items. */
const LINES: ModelLine[] = [
  { sku: 'A', productId: 'pa', unitPrice: 1600, quantity: 1 },
  { sku: 'B', productId: 'pb', unitPrice: 2000, quantity: 2 },
]
const off = (centAmount: number, applicationMode?: string, predicate = 'sku = "A" or sku = "B"'): ModelDiscount => ({
  value: {
    type: 'absolute',
    money: [{ currencyCode: 'USD', centAmount, fractionDigits: 2 }],
    ...(applicationMode !== undefined ? { applicationMode } : {}),
  },
  target: { type: 'lineItems', predicate },
})
/** The model reads single predicates; the documented example targets both lines: one discount per line here. */
const both = (centAmount: number, mode?: string) => [off(centAmount, mode, '1=1')]

describe('the model of commercetools’ direct discounts', () => {
  it('ProportionateDistribution: the documented example, $4.28 off A and $5.36 off each unit of B, $41.00 left', () => {
    const lines = LINES.map((l) => ({ ...l, sku: 'X' }))
    const r = applyDirectDiscounts(lines, [off(1500, 'ProportionateDistribution', 'sku = "X"')], 'USD')
    expect(r.units).toEqual([[1172], [1464, 1464]])
    expect(r.total).toBe(4100)
    // The default mode is ProportionateDistribution.
    expect(applyDirectDiscounts(lines, [off(1500, undefined, 'sku = "X"')], 'USD').units).toEqual(r.units)
  })

  it('EvenDistribution: $15 over 3 units, $5 off each; IndividualApplication: the amount off each unit', () => {
    const lines = LINES.map((l) => ({ ...l, sku: 'X' }))
    expect(applyDirectDiscounts(lines, [off(1500, 'EvenDistribution', 'sku = "X"')], 'USD').units).toEqual([
      [1100],
      [1500, 1500],
    ])
    expect(applyDirectDiscounts(lines, [off(1500, 'IndividualApplication', 'sku = "X"')], 'USD').lineTotals).toEqual([
      100, 1000,
    ])
    // Never below zero.
    expect(applyDirectDiscounts(lines, [off(1800, 'IndividualApplication', 'sku = "X"')], 'USD').total).toBe(400)
  })

  it('rounds to the currency’s minor unit: JPY in yen, KWD in fils; one line keeps exactly the amount', () => {
    const jam = (unitPrice: number, quantity: number): ModelLine[] => [
      { sku: 'J', productId: 'p', unitPrice, quantity },
    ]
    const yen = applyDirectDiscounts(
      jam(333, 3),
      [
        {
          value: { type: 'absolute', money: [{ currencyCode: 'JPY', centAmount: 100, fractionDigits: 0 }] },
          target: { type: 'lineItems', predicate: 'sku = "J"' },
        },
      ],
      'JPY',
    )
    expect(yen.units).toEqual([[299, 300, 300]])
    expect(yen.total).toBe(899)
    const fils = applyDirectDiscounts(
      jam(1_001, 7),
      [
        {
          value: { type: 'absolute', money: [{ currencyCode: 'KWD', centAmount: 1_000, fractionDigits: 3 }] },
          target: { type: 'lineItems', predicate: 'sku = "J"' },
        },
      ],
      'KWD',
    )
    expect(fils.total).toBe(7 * 1_001 - 1_000)
  })

  it('tax after discount, per line, half even: excluded adds net × rate, included takes its share of the gross', () => {
    const taxed: ModelLine[] = [
      { sku: 'A', productId: 'pa', unitPrice: 1000, quantity: 1, tax: { rate: 0.19, includedInPrice: false } },
      { sku: 'B', productId: 'pb', unitPrice: 1190, quantity: 1, tax: { rate: 0.19, includedInPrice: true } },
    ]
    const r = applyDirectDiscounts(
      taxed,
      [
        {
          ...off(250, 'IndividualApplication', 'sku = "A"'),
          value: { ...off(250).value, money: [{ currencyCode: 'EUR', centAmount: 250, fractionDigits: 2 }] },
        },
      ],
      'EUR',
    )
    expect(r.lineTotals).toEqual([750, 1190])
    expect(r.taxes).toEqual([142, 190]) // 750 × 0.19 = 142.5 → 142 (half even); 1190 × 19/119 = 190
    expect(r.totalGross).toBe(750 + 142 + 1190)
  })

  it('refuses what it does not model, rather than passing it', () => {
    expect(() => applyDirectDiscounts(LINES, both(1500), 'USD')).toThrow(/predicate not modelled/)
    expect(() =>
      applyDirectDiscounts(
        LINES,
        [{ value: { type: 'relative' }, target: { type: 'lineItems', predicate: 'sku = "A"' } }],
        'USD',
      ),
    ).toThrow(/value not modelled/)
    expect(() => applyDirectDiscounts(LINES, [off(100, 'IndividualApplication', 'sku = "A"')], 'EUR')).toThrow(
      /exactly one money/,
    )
    expect(() =>
      applyDirectDiscounts(
        LINES,
        [
          {
            value: { type: 'absolute', money: [{ currencyCode: 'JPY', centAmount: 1, fractionDigits: 2 }] },
            target: { type: 'lineItems', predicate: 'sku = "A"' },
          },
        ],
        'JPY',
      ),
    ).toThrow(/fraction digits/)
  })
})

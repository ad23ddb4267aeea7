import type { Basket, BasketLine, CurrencyCode, Money } from '@tessera/core'
import { currencyCodes, minor } from '@tessera/core'
import fc from 'fast-check'

/** A known ISO 4217 currency. @category arbitraries */
export const currencyArb = (): fc.Arbitrary<CurrencyCode> => fc.constantFrom(...currencyCodes())

/** Integer minor units from 0 to `max`. @category arbitraries */
export const minorUnitsArb = (max = 10_000_000) => fc.integer({ min: 0, max }).map(minor)

/** A {@link Money} in any known currency. @category arbitraries */
export const moneyArb = (max = 10_000_000): fc.Arbitrary<Money> =>
  fc.record({ amount: minorUnitsArb(max), currency: currencyArb() })

/** Percentages 0–100 with at most 2 decimals. @category arbitraries */
export const percentArb = () => fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100)

const CATEGORIES = [
  'grocery',
  'grocery/spreads',
  'grocery/pasta',
  'fresh',
  'fresh/cheese',
  'drinks',
  'drinks/wine',
  'hygiene',
  'tobacco',
]
const BRANDS = ['Nutella', 'Barilla', 'Danone', 'Evian', 'Lavazza', 'HouseBrand']
const TAGS = ['organic', 'local', 'promo', 'new']

/** Options of {@link basketArb}. @category arbitraries */
export interface BasketArbOptions {
  readonly minLines?: number
  readonly maxLines?: number
  readonly skus?: readonly string[]
  readonly currency?: CurrencyCode
  readonly at?: string
}

/**
 * A valid basket: `each` lines with whole quantities and measured lines in kg, amounts consistent
 * with unit prices, some lines not discountable, unique line ids.
 * @category arbitraries
 */
export const basketArb = (options: BasketArbOptions = {}): fc.Arbitrary<Basket> => {
  const skus = options.skus ?? Array.from({ length: 30 }, (_, i) => `SKU-${String(i).padStart(4, '0')}`)
  const line = fc.record({
    sku: fc.constantFrom(...skus),
    measured: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 6 }),
    grams: fc.integer({ min: 50, max: 3000 }),
    unitPrice: fc.integer({ min: 1, max: 20_000 }),
    categories: fc.subarray(CATEGORIES, { minLength: 1, maxLength: 2 }),
    brand: fc.option(fc.constantFrom(...BRANDS), { nil: undefined }),
    tags: fc.subarray(TAGS),
    discountable: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  })
  return fc
    .record({
      lines: fc.array(line, { minLength: options.minLines ?? 1, maxLength: options.maxLines ?? 12 }),
      channel: fc.constantFrom('store' as const, 'online' as const),
      id: fc.integer({ min: 1, max: 999_999 }),
    })
    .map(({ lines, channel, id }) => {
      const currency = options.currency ?? ('EUR' as CurrencyCode)
      const basketLines: BasketLine[] = lines.map((l, i) => {
        const quantity = l.measured ? l.grams / 1000 : l.quantity
        const amount = l.measured ? Math.round((l.unitPrice * l.grams) / 1000) : l.unitPrice * l.quantity
        return {
          id: String(i + 1),
          sku: l.sku as BasketLine['sku'],
          quantity,
          ...(l.measured ? { unit: 'kg' as const } : {}),
          unitPrice: minor(l.unitPrice),
          amount: minor(amount),
          categories: l.categories,
          ...(l.brand !== undefined ? { brand: l.brand } : {}),
          tags: l.tags,
          discountable: l.discountable,
        }
      })
      return {
        id: `T-${String(id).padStart(6, '0')}`,
        storeId: '0042',
        terminalId: '03',
        channel,
        currency,
        pricesIncludeTax: true,
        at: (options.at ?? '2026-11-26T10:15:00+01:00') as Basket['at'],
        lines: basketLines,
      }
    })
}

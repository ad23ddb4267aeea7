import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fixturePath, queryProblems } from './testkit.js'

const shipped = (name: string) => readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)), 'utf8')

describe('the input queries the package ships', () => {
  it.each(['cart_lines_discounts_generate_run.graphql', 'cart_delivery_options_discounts_generate_run.graphql'])(
    '%s is valid against Shopify’s schema',
    (name) => {
      expect(queryProblems(shipped(name))).toEqual([])
    },
  )

  it('ask for what the adapter needs: amounts with their currency, the classes, the metafield’s jsonValue, the shop’s date', () => {
    for (const name of [
      'cart_lines_discounts_generate_run.graphql',
      'cart_delivery_options_discounts_generate_run.graphql',
    ]) {
      const q = shipped(name)
      for (const field of [
        'currencyCode',
        'discountClasses',
        'jsonValue',
        'localTime',
        'triggeringDiscountCode',
        'quantity',
      ])
        expect(q).toContain(field)
    }
    expect(shipped('cart_delivery_options_discounts_generate_run.graphql')).toContain('selectedDeliveryOption')
  })

  it('the check is real: a field the schema does not have is refused', () => {
    expect(queryProblems('query { cart { lines { id price } } }')).toEqual([expect.stringContaining('"price"')])
    expect(
      queryProblems(readFileSync(fixturePath('cart_lines_discounts_generate_run.input-query.graphql'), 'utf8')),
    ).toEqual([])
  })
})

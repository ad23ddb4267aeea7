import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const CARTS = fileURLToPath(new URL('../../../adapter-commercetools/test/fixtures/carts.example.json', import.meta.url))
const SAPPHIRE = JSON.parse(readFileSync(CARTS, 'utf8')).results[0]

const dir = mkdtempSync(join(tmpdir(), 'tessera-commercetools-'))
const write = (name: string, value: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}
const TEN = write('ten.json', [{ id: 'ten', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }])
const CART = write('cart.json', SAPPHIRE)
const INPUT = write('input.json', { action: 'Create', resource: { typeId: 'cart', id: SAPPHIRE.id, obj: SAPPHIRE } })

const discount = (centAmount: number) => ({
  action: 'setDirectDiscounts',
  discounts: [
    {
      value: {
        type: 'absolute',
        money: [{ type: 'centPrecision', currencyCode: 'EUR', centAmount, fractionDigits: 2 }],
        applicationMode: 'ProportionateDistribution',
      },
      target: { type: 'lineItems', predicate: 'sku = "sku_SAPPHIRE_variant1_1421832124423"' },
    },
  ],
})

describe('tessera commercetools price', () => {
  it("prints the extension's actions for the reference example cart (a bare Cart or an extension body)", async () => {
    for (const file of [CART, INPUT]) {
      const { code, stdout, stderr } = await runCli('commercetools', 'price', '--campaigns', TEN, '--cart', file)
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(JSON.parse(stdout)).toEqual({ actions: [discount(560)] })
    }
  })

  it('--strategy externalPrice: the line at its discounted unit price', async () => {
    const { code, stdout } = await runCli(
      'commercetools',
      'price',
      '--campaigns',
      TEN,
      '--cart',
      CART,
      '--strategy',
      'externalPrice',
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({
      actions: [
        {
          action: 'setLineItemPrice',
          lineItemId: SAPPHIRE.lineItems[0].id,
          externalPrice: { type: 'centPrecision', currencyCode: 'EUR', centAmount: 2520 },
        },
      ],
    })
  })

  it('bad input exits 2 naming the field, with nothing on stdout', async () => {
    const usd = structuredClone(SAPPHIRE)
    usd.lineItems[0].price.value.currencyCode = 'USD'
    const cases: [string[], RegExp][] = [
      [['--cart', write('usd.json', usd)], /resource\.obj\.lineItems\.0\.price\.value\.currencyCode/],
      [['--cart', write('bad.json', '{"lineItems": [')], /malformed JSON/],
      [
        ['--cart', write('action.json', { action: 'Delete', resource: { typeId: 'cart', id: 'x', obj: SAPPHIRE } })],
        /action/,
      ],
      [['--cart', CART, '--strategy', 'lineItems'], /--strategy/],
    ]
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await runCli('commercetools', 'price', '--campaigns', TEN, ...args)
      expect(code).toBe(2)
      expect(stdout).toBe('')
      expect(stderr).toMatch(message)
    }
  })
})

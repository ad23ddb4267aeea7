import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const shopifyFixture = (name: string) =>
  fileURLToPath(new URL(`../../../adapter-shopify/test/fixtures/${name}`, import.meta.url))

const dir = mkdtempSync(join(tmpdir(), 'tessera-shopify-'))
const write = (name: string, value: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}
const CAMPAIGNS = write('campaigns.json', [
  {
    id: 'order-10',
    status: 'active',
    labels: { receipt: '10% OFF ORDER' },
    reward: { percentOff: { of: '*', percent: 10 } },
  },
  {
    id: 'free-delivery',
    status: 'active',
    labels: { receipt: 'FREE DELIVERY' },
    reward: { percentOff: { of: { category: ['delivery'] }, percent: 100 } },
  },
])
const CART = write('cart.json', {
  cart: {
    lines: [
      {
        id: 'gid://shopify/CartLine/1',
        quantity: 3,
        cost: { subtotalAmount: { amount: '10.47', currencyCode: 'EUR' } },
      },
    ],
  },
  discount: { discountClasses: ['ORDER', 'PRODUCT'] },
})

describe('tessera shopify run', () => {
  it("prints the function's output for Shopify's order-class sample (the campaigns' currency given)", async () => {
    const { code, stdout, stderr } = await runCli(
      'shopify',
      'run',
      '--campaigns',
      CAMPAIGNS,
      '--input',
      shopifyFixture('cart-lines.order-class.input.json'),
      '--currency',
      'USD',
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({
      operations: [
        {
          orderDiscountsAdd: {
            selectionStrategy: 'FIRST',
            candidates: [
              {
                message: '10% OFF ORDER',
                targets: [{ orderSubtotal: { excludedCartLineIds: [] } }],
                value: { percentage: { value: '10' } },
              },
            ],
          },
        },
      ],
    })
  })

  it('a rounded percentage goes as Tessera’s amount: 10 % of 10.47 is 1.05', async () => {
    const { code, stdout } = await runCli('shopify', 'run', '--campaigns', CAMPAIGNS, '--input', CART)
    expect(code).toBe(0)
    expect(JSON.parse(stdout).operations[0].orderDiscountsAdd.candidates[0].value).toEqual({
      fixedAmount: { amount: '1.05' },
    })
  })

  it('runs the delivery target for an input with delivery groups and no lines', async () => {
    const { code, stdout } = await runCli(
      'shopify',
      'run',
      '--campaigns',
      CAMPAIGNS,
      '--input',
      shopifyFixture('delivery.shipping-class.input.json'),
      '--currency',
      'USD',
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout).operations[0].deliveryDiscountsAdd.candidates[0]).toMatchObject({
      message: 'FREE DELIVERY',
      value: { percentage: { value: '100' } },
    })
  })

  it('writes the reasons the function logs to stderr, the output to stdout', async () => {
    const input = write('shipping-only.json', { cart: { lines: [] }, discount: { discountClasses: ['SHIPPING'] } })
    const { code, stdout, stderr } = await runCli(
      'shopify',
      'run',
      '--campaigns',
      CAMPAIGNS,
      '--input',
      input,
      '--currency',
      'EUR',
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ operations: [] })
    expect(stderr).toContain('neither the ORDER nor the PRODUCT class')
  })

  it.each([
    [
      'the sample without a currency',
      ['--campaigns', CAMPAIGNS, '--input', shopifyFixture('cart-lines.order-class.input.json')],
      'cart.lines.0.cost.subtotalAmount.currencyCode: is required',
    ],
    [
      'a cart in another currency',
      ['--campaigns', CAMPAIGNS, '--input', CART, '--currency', 'USD'],
      'is EUR, but the campaigns are in USD',
    ],
    [
      'bad campaigns',
      ['--campaigns', write('bad.json', [{ id: 'x', status: 'active' }]), '--input', CART],
      '0.reward: is required',
    ],
    ['malformed campaigns JSON', ['--campaigns', write('bad-json.json', '[{'), '--input', CART], 'malformed JSON'],
    ['a missing input file', ['--campaigns', CAMPAIGNS, '--input', join(dir, 'absent.json')], 'file not found'],
    [
      'an input that is not an object',
      ['--campaigns', CAMPAIGNS, '--input', write('array.json', [])],
      'must be a JSON object',
    ],
    ['a bad --target', ['--campaigns', CAMPAIGNS, '--input', CART, '--target', 'order'], '--target'],
    ['a missing --input', ['--campaigns', CAMPAIGNS], '--input'],
  ])('%s: exit 2, the field named, nothing on stdout', async (_, args, field) => {
    const { code, stdout, stderr } = await runCli('shopify', 'run', ...(args as string[]))
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(field)
  })
})

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { calculateOrder } from '@tessera/adapter-square'
import { decodeBasket } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const squareFixture = (name: string) =>
  fileURLToPath(new URL(`../../../adapter-square/test/fixtures/${name}`, import.meta.url))
const CALCULATE = squareFixture('CalculateOrderRequest.example.json')
const CREATE = squareFixture('CreateOrderRequest.example.json')

const dir = mkdtempSync(join(tmpdir(), 'tessera-square-'))
const write = (name: string, value: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}
const HALF = write('half.json', [{ id: 'half', status: 'active', reward: { percentOff: { of: '*', percent: 50 } } }])
const usd = (amount: number) => ({ amount, currency: 'USD' })
const ORDER = write('order.json', {
  id: 'ORD-1',
  location_id: 'LOC',
  created_at: '2026-11-26T10:15:00Z',
  line_items: [
    { uid: 'a', name: 'Item 1', quantity: '1', base_price_money: usd(500) },
    {
      uid: 'b',
      name: 'Item 2',
      quantity: '2',
      base_price_money: usd(300),
      modifiers: [{ name: 'gift wrap', base_price_money: usd(25) }],
    },
  ],
})

describe('tessera square import', () => {
  it('prints { basket } for Square\'s CalculateOrderRequest example (the order under "order")', async () => {
    const { code, stdout, stderr } = await runCli(
      'square',
      'import',
      CALCULATE,
      '--id',
      'calc-1',
      '--at',
      '2020-05-18T16:30:49.614Z',
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const { basket } = JSON.parse(stdout)
    expect(decodeBasket(basket)._tag).toBe('Right')
    expect(basket).toMatchObject({ id: 'calc-1', currency: 'USD', storeId: 'D7AVYMEAPJ3A3' })
    expect(basket.lines.map((l: { amount: number }) => l.amount)).toEqual([500, 600])
  })

  it('a line with a modifier: (300 + 25) × 2; categories from --catalog', async () => {
    const catalog = write('catalog.json', { X: { sku: 'SKU-X', categories: ['fresh'] } })
    const order = write('catalog-order.json', {
      id: 'O',
      location_id: 'L',
      created_at: '2026-11-26T10:15:00Z',
      line_items: [
        {
          catalog_object_id: 'X',
          quantity: '2',
          base_price_money: usd(300),
          modifiers: [{ base_price_money: usd(25) }],
        },
      ],
    })
    const { code, stdout } = await runCli('square', 'import', order, '--catalog', catalog, '--card', '2900001234566')
    expect(code).toBe(0)
    expect(JSON.parse(stdout).basket).toMatchObject({
      card: '2900001234566',
      lines: [{ sku: 'SKU-X', categories: ['fresh'], amount: 650, unitPrice: 325 }],
    })
  })

  it.each([
    [
      'a catalog line without a price (CreateOrder example)',
      [CREATE, '--at', '2026-11-26T10:15:00Z'],
      'order.line_items.1.base_price_money',
    ],
    ['a draft order without --at', [CALCULATE, '--id', 'x'], 'order.created_at'],
    [
      'a quantity that is a number',
      [
        write('q.json', {
          id: 'O',
          location_id: 'L',
          created_at: '2026-11-26T10:15:00Z',
          line_items: [{ name: 'A', quantity: 2, base_price_money: usd(1) }],
        }),
      ],
      'line_items.0.quantity',
    ],
    [
      'mixed currencies',
      [
        write('cur.json', {
          id: 'O',
          location_id: 'L',
          created_at: '2026-11-26T10:15:00Z',
          line_items: [
            { name: 'A', quantity: '1', base_price_money: usd(1) },
            { name: 'B', quantity: '1', base_price_money: { amount: 1, currency: 'EUR' } },
          ],
        }),
      ],
      'line_items.1.base_price_money.currency',
    ],
    ['malformed JSON', [write('bad.json', '{ nope')], 'malformed JSON'],
    ['a missing file', [join(dir, 'absent.json')], 'file not found'],
    [
      'a bad --catalog',
      [ORDER, '--catalog', write('bad-catalog.json', { X: { categories: 'fresh' } })],
      'X.categories',
    ],
    ['a bad --channel', [ORDER, '--channel', 'mail'], '--channel'],
  ])('%s: exit 2, the field named, nothing on stdout', async (_, args, field) => {
    const { code, stdout, stderr } = await runCli('square', 'import', ...(args as string[]))
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(field)
  })
})

describe('tessera square apply', () => {
  it("prints the order with Tessera's discounts; Square's calculation of it gives Tessera's total", async () => {
    const { code, stdout, stderr } = await runCli('square', 'apply', '--campaigns', HALF, '--order', ORDER)
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const order = JSON.parse(stdout)
    expect(order.id).toBe('ORD-1')
    expect(order.discounts).toHaveLength(2)
    expect(order.pricing_options).toEqual({ auto_apply_discounts: false })
    // (500 + 650) at 50 %: 575 off, 575 to pay.
    const square = calculateOrder(order)
    expect(
      square._tag === 'Right' && [square.right.total_discount_money.amount, square.right.total_money.amount],
    ).toEqual([575, 575])
  })

  it('keeps the request wrapper, so a CalculateOrderRequest comes out ready to post', async () => {
    const request = write('request.json', {
      idempotency_key: 'k-1',
      order: {
        id: 'O',
        location_id: 'L',
        created_at: '2026-11-26T10:15:00Z',
        line_items: [{ name: 'A', quantity: '1', base_price_money: usd(999) }],
      },
    })
    const { code, stdout } = await runCli('square', 'apply', '--campaigns', HALF, '--order', request)
    expect(code).toBe(0)
    const out = JSON.parse(stdout)
    expect(out.idempotency_key).toBe('k-1')
    expect(out.order.discounts[0]).toMatchObject({ type: 'FIXED_AMOUNT', scope: 'LINE_ITEM', applied_money: usd(500) })
  })

  it.each([
    [
      "the example's own ORDER discount (Square would add it to Tessera's)",
      ['--order', CALCULATE, '--id', 'x', '--at', '2020-05-18T16:30:49Z'],
      'order.discounts.0',
    ],
    ['a bad order', ['--order', CREATE, '--at', '2026-11-26T10:15:00Z'], 'order.line_items.1.base_price_money'],
    [
      'bad campaigns',
      ['--order', ORDER, '--campaigns', write('bad-campaigns.json', [{ id: 'x', status: 'active' }])],
      '0.reward',
    ],
    ['a bad customer', ['--order', ORDER, '--customer', write('bad-customer.json', { tier: 'gold' })], 'customer'],
    ['a missing --order', [], '--order'],
  ])('%s: exit 2, the field named, nothing on stdout', async (_, args, field) => {
    const argv = args as string[]
    const withCampaigns = argv.includes('--campaigns') ? argv : ['--campaigns', HALF, ...argv]
    const { code, stdout, stderr } = await runCli('square', 'apply', ...withCampaigns)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(field)
  })
})

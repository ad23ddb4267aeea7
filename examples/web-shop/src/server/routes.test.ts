import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, startTestShop } from '../../test/harness.js'
import type { WebShop } from './shop.js'

/**
 * The shop's own routes against bad input: every wrong field is a 400 problem naming it (the
 * codec's path and reason), nothing is priced with a made-up product, and a refused checkout books
 * nothing.
 */

let shop: WebShop
let close: () => Promise<void>
let yogurt: string
let coffee: string

beforeAll(async () => {
  const started = await startTestShop({ page: false })
  shop = started.shop
  close = started.close
  const catalogue = (await (await fetch(`${shop.url}/shop/api/catalogue`)).json()) as {
    shelves: { id: string; products: { sku: string }[] }[]
  }
  yogurt = catalogue.shelves.find((s) => s.id === 'dairy-yogurt')?.products[0]?.sku as string
  coffee = catalogue.shelves.find((s) => s.id === 'grocery-coffee')?.products[0]?.sku as string
}, 120_000)

afterAll(async () => {
  await close?.()
})

const post = async (path: string, body: string | unknown, headers: Record<string, string> = {}) => {
  const answer = await fetch(`${shop.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return {
    status: answer.status,
    type: answer.headers.get('content-type') ?? '',
    body: (await answer.json()) as { code?: string; errors?: { path: string; reason: string }[] } & Record<
      string,
      unknown
    >,
  }
}

/** A card's points through Tessera's API (the balance without its read time). */
const pointsOf = async (card: string) => {
  const b = (await api(shop, 'GET', `/v1/cards/${card}`)).body.balance as Record<string, number>
  return { available: b.available, pending: b.pending, reserved: b.reserved }
}

const paths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path)

describe('POST /shop/api/price with bad input', () => {
  it('answers malformed JSON with a 400 problem at the root', async () => {
    const r = await post('/shop/api/price', '{"cart": [')
    expect(r.status).toBe(400)
    expect(r.type).toContain('application/problem+json')
    expect(r.body.code).toBe('BAD_INPUT')
    expect(paths(r.body)).toEqual([''])
  })

  it('names a missing cart, a wrong type, an unknown field and a bad card', async () => {
    expect(paths((await post('/shop/api/price', {})).body)).toContain('cart')
    const wrong = await post('/shop/api/price', { cart: [{ sku: yogurt, quantity: '2' }] })
    expect(wrong.status).toBe(400)
    expect(wrong.body.errors).toContainEqual({ path: 'cart.0.quantity', reason: expect.stringContaining('1 to 99') })
    const unknown = await post('/shop/api/price', { cart: [], colour: 'red' })
    expect(paths(unknown.body)).toContain('colour')
    const price = await post('/shop/api/price', { cart: [{ sku: yogurt, quantity: 1, unitPrice: 1 }] })
    expect(paths(price.body)).toContain('cart.0.unitPrice')
    const card = await post('/shop/api/price', { cart: [], card: '29000ABC' })
    expect(card.body.errors).toContainEqual({ path: 'card', reason: 'must be 6 to 19 digits' })
  })

  it('refuses quantities out of range, too many lines, too many codes and a code that cannot be typed', async () => {
    for (const quantity of [0, -1, 1.5, 100]) {
      const r = await post('/shop/api/price', { cart: [{ sku: yogurt, quantity }] })
      expect(r.status).toBe(400)
      expect(paths(r.body)).toEqual(['cart.0.quantity'])
    }
    const many = Array.from({ length: 41 }, () => ({ sku: yogurt, quantity: 1 }))
    expect(paths((await post('/shop/api/price', { cart: many })).body)).toEqual(['cart'])
    const codes = await post('/shop/api/price', { cart: [], codes: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'] })
    expect(paths(codes.body)).toEqual(['codes'])
    const bad = await post('/shop/api/price', { cart: [], codes: ['  ', 'x'.repeat(201), 'é'] })
    expect(paths(bad.body)).toEqual(['codes.0', 'codes.1', 'codes.2'])
  })

  it('refuses a product that is not on sale, and the same product twice, before pricing anything', async () => {
    const r = await post('/shop/api/price', {
      cart: [
        { sku: yogurt, quantity: 1 },
        { sku: '0000000000000', quantity: 1 },
        { sku: yogurt, quantity: 2 },
      ],
    })
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([
      { path: 'cart.1.sku', reason: 'is not a product on sale in this shop' },
      { path: 'cart.2.sku', reason: expect.stringContaining('appears twice') },
    ])
  })

  it('refuses a body that is not JSON', async () => {
    const r = await fetch(`${shop.url}/shop/api/price`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'cart=1',
    })
    expect(r.status).toBe(415)
  })

  it('answers an empty cart without pricing it, its codes judged alone', async () => {
    const r = await post('/shop/api/price', { cart: [], codes: [shop.flyerCodes[1], 'NOPE-1234'] })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      lines: [],
      total: 0,
      codes: [
        { code: shop.flyerCodes[1], accepted: true, applied: false },
        { code: 'NOPE-1234', accepted: false, reason: 'UNKNOWN' },
      ],
    })
  })

  it('prices a good cart (the control: the same route works)', async () => {
    const r = await post('/shop/api/price', { cart: [{ sku: yogurt, quantity: 3 }] })
    expect(r.status).toBe(200)
    expect(r.body.discountTotal).toBeGreaterThan(0)
  })
})

describe('GET /shop/api/cards/:card with bad input', () => {
  it('answers a number that is not a card number with a 400 naming the parameter, an unknown card with a 404', async () => {
    const bad = await fetch(`${shop.url}/shop/api/cards/12ab`)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('params.card')
    const unknown = await fetch(`${shop.url}/shop/api/cards/1234567890123`)
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as { code: string }).code).toBe('UNKNOWN_CARD')
  })
})

describe('POST /shop/api/checkout with bad input', () => {
  const card = () => shop.demoCards[0]?.card as string
  const cart = () => [{ sku: coffee, quantity: 1 }]

  it('needs an Idempotency-Key of a checkout, named in the problem', async () => {
    const none = await post('/shop/api/checkout', { cart: cart() })
    expect(none.status).toBe(400)
    expect(paths(none.body)).toEqual(['headers.idempotency-key'])
    const bad = await post('/shop/api/checkout', { cart: cart() }, { 'idempotency-key': 'short' })
    expect(paths(bad.body)).toEqual(['headers.idempotency-key'])
  })

  it('books nothing for an empty cart, a bad field or a refused code', async () => {
    const before = await pointsOf(card())
    const key = (n: number) => ({ 'idempotency-key': `bad-checkout-${n}-0000` })
    const empty = await post('/shop/api/checkout', { cart: [], card: card() }, key(1))
    expect(empty.status).toBe(400)
    expect(paths(empty.body)).toEqual(['cart'])
    const field = await post('/shop/api/checkout', { cart: cart(), card: card(), tip: 100 }, key(2))
    expect(paths(field.body)).toEqual(['tip'])
    const code = await post('/shop/api/checkout', { cart: cart(), card: card(), codes: ['NOPE-0000'] }, key(3))
    expect(code.status).toBe(422)
    expect(code.body).toMatchObject({ code: 'CODE_REFUSED', codes: [{ code: 'NOPE-0000', reason: 'UNKNOWN' }] })
    for (const n of [1, 2, 3])
      expect(await shop.server.stores.checkout.findClose(`WEB-bad-checkout-${n}-0000`)).toBeUndefined()
    expect(await pointsOf(card())).toEqual(before)
  })

  it('books a checkout once: the same key again answers the same receipt', async () => {
    const headers = { 'idempotency-key': 'good-checkout-0001' }
    const first = await post('/shop/api/checkout', { cart: cart(), card: card() }, headers)
    expect(first.status).toBe(200)
    const balance = await pointsOf(card())
    const again = await post('/shop/api/checkout', { cart: cart(), card: card() }, headers)
    expect(again.body).toEqual(first.body)
    expect(await pointsOf(card())).toEqual(balance)
  })
})

import type { Cart } from '@commercetools/platform-sdk'
import { Validator } from '@seriousme/openapi-schema-validator'
import Ajv2020 from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createCart,
  createProduct,
  extensionInput,
  type Platform,
  startPlatform,
  updateCart,
} from '../../adapter-commercetools/test/platform.js'
import { CARD, CODES, makeWorld, SHOP, type World } from '../test/world.js'

const URL = '/v1/commercetools/extension'
let w: World
let platform: Platform
let doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: object }

beforeAll(async () => {
  w = await makeWorld('sqlite', { commercetools: { strategy: 'externalPrice' } })
  doc = (await w.app.inject({ method: 'GET', url: '/openapi.json' })).json()
  platform = await startPlatform()
  await createProduct(platform.api, 'JAM', [{ currencyCode: 'EUR', centAmount: 349 }])
  await createProduct(platform.api, 'BREAD', [{ currencyCode: 'EUR', centAmount: 302 }])
})
afterAll(async () => {
  await platform?.close()
  await w?.dispose()
})

const post = (payload: unknown, headers: Record<string, string> = w.auth) =>
  w.app.inject({
    method: 'POST',
    url: URL,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  })

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })
const conforms = (status: number, body: unknown) => {
  const response = doc.paths[URL]?.post?.responses[String(status)] as {
    content: Record<string, { schema: object }>
  }
  const validate = ajv.compile({ ...response.content['application/json']?.schema, components: doc.components })
  validate(body)
  expect(validate.errors ?? []).toEqual([])
}

const jamCart = (custom?: Record<string, unknown>) =>
  createCart(
    platform.api,
    'EUR',
    [
      { sku: 'JAM', quantity: 3 },
      { sku: 'BREAD', quantity: 1 },
    ],
    custom === undefined ? {} : { custom: { type: { typeId: 'type', key: 'tessera-cart' }, fields: custom } },
  )

describe('POST /v1/commercetools/extension on @tessera/server', () => {
  it('prices a cart of the commercetools mock; the actions, applied through the SDK, give the host’s totals', async () => {
    const cart = await jamCart()
    const r = await post(extensionInput(cart, 'Create'))
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toContain('application/json')
    conforms(200, r.json())
    const after = await updateCart(platform.api, cart, r.json().actions)
    // 10 % off jam (the server's campaigns): 1047 − 105 on the jam line, bread as it was.
    expect(after.lineItems.map((l) => l.totalPrice.centAmount)).toEqual([942, 302])
    const priced = await w.app.inject({
      method: 'POST',
      url: '/v1/price',
      headers: w.auth,
      payload: {
        basket: {
          id: cart.id,
          storeId: SHOP,
          terminalId: '01',
          channel: 'online',
          currency: 'EUR',
          pricesIncludeTax: false,
          at: '2026-11-26T10:15:00+01:00',
          lines: cart.lineItems.map((l) => ({
            id: l.id,
            sku: l.variant.sku,
            quantity: l.quantity,
            unitPrice: l.price.value.centAmount,
            amount: l.totalPrice.centAmount,
            categories: [],
          })),
        },
      },
    })
    expect(after.totalPrice.centAmount).toBe(priced.json().evaluation.total)
  })

  it('reads the card and a code from the cart’s custom fields, judged by the host', async () => {
    await platform.api
      .types()
      .post({
        body: {
          key: 'tessera-cart',
          name: { en: 'Tessera' },
          resourceTypeIds: ['order'],
          fieldDefinitions: [
            { name: 'tesseraCard', label: { en: 'Card' }, required: false, type: { name: 'String' } },
            {
              name: 'tesseraCodes',
              label: { en: 'Codes' },
              required: false,
              type: { name: 'Set', elementType: { name: 'String' } },
            },
          ],
        },
      })
      .execute()
    const cart: Cart = await jamCart({ tesseraCard: CARD, tesseraCodes: [CODES[0]] })
    expect(cart.custom?.fields).toEqual({ tesseraCard: CARD, tesseraCodes: [CODES[0]] })
    const r = await post(extensionInput(cart))
    expect(r.statusCode).toBe(200)
    const after = await updateCart(platform.api, cart, r.json().actions)
    // The coded 3 € off the basket on top of 10 % off jam: 1349 − 105 − 300.
    expect(after.totalPrice.centAmount).toBe(1349 - 105 - 300)
    // Pricing books nothing: the code is still free for a sale.
    const judged = await w.app.inject({
      method: 'POST',
      url: '/v1/codes/validate',
      headers: w.auth,
      payload: { code: CODES[0], card: CARD },
    })
    expect(judged.json().accepted).toBe(true)
  })

  it('answers bad input in commercetools’ format, naming the field', async () => {
    const cart = await jamCart()
    const wrong = { ...extensionInput(cart), action: 'Delete' }
    const r = await post(wrong)
    expect(r.statusCode).toBe(400)
    expect(r.headers['content-type']).toContain('application/json')
    conforms(400, r.json())
    expect(r.json().errors.map((e: { extensionExtraInfo: { path: string } }) => e.extensionExtraInfo.path)).toEqual([
      'action',
    ])
    const usd = structuredClone(extensionInput(cart)) as { resource: { obj: Cart } }
    ;(usd.resource.obj.lineItems[0] as { price: { value: { currencyCode: string } } }).price.value.currencyCode = 'USD'
    const r2 = await post(usd)
    expect(r2.json().errors[0].extensionExtraInfo.path).toBe('resource.obj.lineItems.0.price.value.currencyCode')
  })

  it('answers malformed JSON with a 400 in commercetools’ format', async () => {
    const r = await post('{"action": "Create", "resource": ')
    expect(r.statusCode).toBe(400)
    conforms(400, r.json())
    expect(r.json().errors[0]).toMatchObject({ code: 'InvalidInput', extensionExtraInfo: { path: '' } })
  })

  it('needs the key, and refuses a cart of another store', async () => {
    const cart = await jamCart()
    const none = await post(extensionInput(cart), {})
    expect(none.statusCode).toBe(401)
    const other = structuredClone(extensionInput(cart)) as unknown as { resource: { obj: Record<string, unknown> } }
    other.resource.obj.store = { typeId: 'store', key: '0099' }
    expect((await post(other)).statusCode).toBe(403)
  })

  it('is documented in the OpenAPI document, with commercetools’ error body', async () => {
    const result = await new Validator().validate(doc as never)
    expect(result.errors ?? []).toEqual([])
    const operation = doc.paths[URL]?.post
    expect(operation).toBeDefined()
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '500']))
  })

  it('is not mounted when the server is not configured for commercetools', async () => {
    const plain = await makeWorld('sqlite')
    try {
      const r = await plain.app.inject({ method: 'POST', url: URL, headers: plain.auth, payload: {} })
      expect(r.statusCode).toBe(404)
    } finally {
      await plain.dispose()
    }
  })
})

import { Validator } from '@seriousme/openapi-schema-validator'
import Ajv2020 from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, basket, CARD, CODES, makeWorld, type World } from '../test/world.js'

let w: World
let doc: {
  paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: object }> }> }>>
  components: object
}
beforeAll(async () => {
  w = await makeWorld('sqlite')
  doc = (await w.app.inject({ method: 'GET', url: '/openapi.json' })).json()
})
afterAll(async () => w?.dispose())

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })

/** Checks a real answer against the schema the document publishes for its route and status. */
const conforms = (
  method: string,
  path: string,
  r: { statusCode: number; headers: Record<string, unknown>; body: string },
) => {
  const operation = doc.paths[path]?.[method]
  expect(operation, `${method} ${path} is documented`).toBeDefined()
  const response = operation?.responses[String(r.statusCode)]
  expect(response, `${method} ${path} documents status ${r.statusCode}`).toBeDefined()
  const type = String(r.headers['content-type']).split(';')[0] as string
  const schema = response?.content[type]?.schema
  expect(schema, `${method} ${path} ${r.statusCode} documents ${type}`).toBeDefined()
  const validate = ajv.compile({ ...schema, components: doc.components })
  const ok = validate(JSON.parse(r.body))
  expect(validate.errors ?? [], `${method} ${path} ${r.statusCode}: ${r.body.slice(0, 200)}`).toEqual([])
  expect(ok).toBe(true)
}

let n = 0
const call = async (method: 'GET' | 'POST', url: string, documented: string, payload?: unknown, booking = false) => {
  const r = await w.app.inject({
    method,
    url,
    ...(payload !== undefined ? { payload: payload as never } : {}),
    headers: { ...w.auth, ...(booking ? { 'idempotency-key': `oa-${n++}` } : {}) },
  })
  conforms(method.toLowerCase(), documented, r)
  return r
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0')
  })

  it('documents every v1 route and takes its schemas from the codecs (the basket as `tessera schema basket`)', async () => {
    for (const p of ['/healthz', '/v1/price', '/v1/close', '/v1/void', '/v1/returns', '/v1/codes/validate'])
      expect(Object.keys(doc.paths)).toContain(p)
    for (const p of ['/v1/cards/{card}', '/v1/cards', '/v1/cards/{card}/replace', '/v1/rewards/redeem'])
      expect(Object.keys(doc.paths)).toContain(p)
    const { schemaOf } = await import('@tessera/core')
    const basketSchema = schemaOf('basket') as { $defs: Record<string, unknown> }
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas
    expect(JSON.stringify(schemas.BasketLine)).toBe(
      JSON.stringify(basketSchema.$defs.BasketLine).replaceAll('#/$defs/', '#/components/schemas/'),
    )
  })

  it('every real answer of every route matches its published schema, errors included', async () => {
    await call('GET', '/healthz', '/healthz')
    await call('POST', '/v1/price', '/v1/price', { basket: basket('T-1', { card: CARD }), codes: [CODES[0], 'NOPE-1'] })
    await call('POST', '/v1/price', '/v1/price', { basket: { ...basket('T-1'), lines: 'x' } })
    const sale = { transactionId: 'T-2', basket: basket('T-2', { card: CARD }), codes: [CODES[0]], tenders: [] }
    await call('POST', '/v1/close', '/v1/close', sale, true)
    await call(
      'POST',
      '/v1/close',
      '/v1/close',
      { ...sale, transactionId: 'T-3', basket: basket('T-3', { codes: [CODES[0]] }) },
      true,
    )
    await call('POST', '/v1/close', '/v1/close', sale) // no key: 400
    await call('POST', '/v1/void', '/v1/void', { transactionId: 'T-9' }, true)
    await call('POST', '/v1/void', '/v1/void', { transactionId: 'T-2' }, true) // closed: 409
    const back = { returnId: 'R-1', originalTransactionId: 'T-2', lines: [{ lineId: '1', quantity: 1 }], at: AT }
    await call('POST', '/v1/returns', '/v1/returns', back, true)
    await call('POST', '/v1/returns', '/v1/returns', { ...back, returnId: 'R-2', originalTransactionId: 'T-0' }, true)
    await call(
      'POST',
      '/v1/returns',
      '/v1/returns',
      { ...back, returnId: 'R-3', lines: [{ lineId: '1', quantity: 9 }] },
      true,
    )
    await call('POST', '/v1/codes/validate', '/v1/codes/validate', { code: CODES[1] })
    await call('POST', '/v1/codes/validate', '/v1/codes/validate', { code: CODES[0], card: CARD })
    await call('GET', `/v1/cards/${CARD}`, '/v1/cards/{card}')
    await call('GET', '/v1/cards/2900000000000', '/v1/cards/{card}')
    await call('GET', '/v1/cards/abc', '/v1/cards/{card}')
    await call('POST', '/v1/cards', '/v1/cards', {}, true)
    await call('POST', '/v1/rewards/redeem', '/v1/rewards/redeem', { card: CARD, rewardId: 'voucher-5' }, true)
    await call('POST', '/v1/rewards/redeem', '/v1/rewards/redeem', { card: CARD, rewardId: 'yacht' }, true)
    await call('POST', `/v1/cards/${CARD}/replace`, '/v1/cards/{card}/replace', {}, true)
    await call('POST', '/v1/cards/2900000000000/replace', '/v1/cards/{card}/replace', {}, true)
  })

  it('the schema check fails on an answer that breaks the schema', () => {
    const schema = doc.paths['/v1/close']?.post?.responses['200']?.content['application/json']?.schema
    const validate = ajv.compile({ ...schema, components: doc.components })
    expect(validate({ transactionId: 'T', total: 1.5 })).toBe(false)
  })

  it('serves the API reference page and its assets from the package, with no CDN', async () => {
    const page = await w.app.inject({ method: 'GET', url: '/docs/' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('swagger-ui')
    const srcs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
    expect(srcs.length).toBeGreaterThan(0)
    for (const src of srcs) {
      expect(src).not.toMatch(/^https?:|^\/\//)
      const asset = await w.app.inject({ method: 'GET', url: new URL(src, 'http://x/docs/').pathname })
      expect(asset.statusCode, src).toBe(200)
    }
  })
})

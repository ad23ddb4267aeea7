import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, basket, CARD, CODES, makeWorld, type World } from '../test/world.js'

let w: World
let db: Database.Database
beforeAll(async () => {
  w = await makeWorld('sqlite')
  db = new Database(w.file as string, { readonly: true })
})
afterAll(async () => {
  db?.close()
  await w?.dispose()
})

/** A digest of every table but the idempotency claims: what a booking would change. */
const digest = () => {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'server_idempotency' ORDER BY name")
    .all() as { name: string }[]
  const h = createHash('sha256')
  for (const { name } of tables) h.update(name).update(JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all()))
  return h.digest('hex')
}

/** A valid body of every POST route. */
const VALID: Record<string, Record<string, unknown>> = {
  '/v1/price': { basket: basket('T-P', { card: CARD }), codes: [CODES[0]] },
  '/v1/close': {
    transactionId: 'T-C',
    basket: basket('T-C', { card: CARD }),
    codes: [CODES[0]],
    tenders: [{ type: 'card', amount: 700 }],
  },
  '/v1/void': { transactionId: 'T-V' },
  '/v1/returns': { returnId: 'R-X', originalTransactionId: 'T-C', lines: [{ lineId: '1', quantity: 1 }], at: AT },
  '/v1/codes/validate': { code: CODES[0], card: CARD },
  '/v1/cards': { card: '2900000000017', at: AT },
  [`/v1/cards/${CARD}/replace`]: { replacement: '2900000000024', at: AT },
  '/v1/rewards/redeem': { card: CARD, rewardId: 'voucher-5', at: AT },
}
const ROUTES = Object.keys(VALID)

let n = 0
const post = (url: string, payload: string, contentType = 'application/json') =>
  w.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { ...w.auth, 'content-type': contentType, 'idempotency-key': `bad-${n++}` },
  })

/** Every leaf of a document, with its dotted path. */
const leaves = (value: unknown, path: string[] = []): { path: string[]; value: unknown }[] =>
  typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
    : [{ path, value }]

const setAt = (doc: unknown, path: readonly string[], value: unknown): unknown => {
  const copy = structuredClone(doc) as Record<string, unknown>
  let node = copy
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>
  node[path[path.length - 1] as string] = value
  return copy
}

interface Problemish {
  readonly [k: string]: unknown
  readonly errors: readonly { readonly path: string; readonly reason: string }[]
}

/** A value of another JSON type than `v`. */
const wrongType = (v: unknown): unknown => (typeof v === 'string' ? 42 : typeof v === 'number' ? '42' : 'yes')

const expectBadInput = (
  r: { statusCode: number; headers: Record<string, unknown>; json: () => Problemish },
  path?: string,
) => {
  expect(r.statusCode).toBe(400)
  expect(String(r.headers['content-type'])).toContain('application/problem+json')
  const body = r.json()
  expect(body).toMatchObject({ status: 400, code: 'BAD_INPUT', type: expect.any(String), title: expect.any(String) })
  expect(body.errors.length).toBeGreaterThan(0)
  for (const e of body.errors) expect(e).toEqual({ path: expect.any(String), reason: expect.any(String) })
  if (path !== undefined) expect(body.errors.map((e: { path: string }) => e.path)).toContain(path)
}

describe('bad input on every route: 400 naming the field, nothing written', () => {
  it.each(ROUTES)('%s: malformed JSON', async (route) => {
    const before = digest()
    const r = await post(route, '{"basket": {"id": ')
    expectBadInput(r, '')
    expect(r.json().errors[0].reason).toMatch(/malformed JSON/)
    expect(digest()).toBe(before)
  })

  it.each(ROUTES)('%s: a wrong type at every field', async (route) => {
    const before = digest()
    for (const leaf of leaves(VALID[route])) {
      const r = await post(route, JSON.stringify(setAt(VALID[route], leaf.path, wrongType(leaf.value))))
      expectBadInput(r, leaf.path.join('.'))
    }
    expect(digest()).toBe(before)
  })

  it.each(ROUTES)('%s: an unknown top-level field', async (route) => {
    const before = digest()
    const r = await post(route, JSON.stringify({ ...VALID[route], colour: 'red' }))
    expectBadInput(r, 'colour')
    expect(r.json().errors[0].reason).toMatch(/unknown field/)
    expect(digest()).toBe(before)
  })

  it('a float where minor units belong names the field', async () => {
    const before = digest()
    for (const path of [
      ['basket', 'lines', '0', 'amount'],
      ['basket', 'lines', '1', 'unitPrice'],
      ['tenders', '0', 'amount'],
    ]) {
      const r = await post('/v1/close', JSON.stringify(setAt(VALID['/v1/close'], path, 698.5)))
      expectBadInput(r, path.join('.'))
    }
    expect(digest()).toBe(before)
  })

  it('a body that is not JSON is 415, an empty one 400, a huge one 413', async () => {
    expect((await post('/v1/price', 'basket=1', 'text/plain')).statusCode).toBe(415)
    expectBadInput(await post('/v1/price', ''))
    const huge = JSON.stringify({ basket: { ...basket('T-H'), pad: 'x'.repeat(300_000) } })
    const r = await post('/v1/price', huge)
    expect(r.statusCode).toBe(413)
    expect(r.json().code).toBe('BODY_TOO_LARGE')
  })

  it('a booking route without an Idempotency-Key is 400 naming the header', async () => {
    const r = await w.app.inject({ method: 'POST', url: '/v1/close', payload: VALID['/v1/close'], headers: w.auth })
    expectBadInput(r, 'headers.idempotency-key')
  })

  it('property: random JSON to every route is always a 4xx problem, never a 500, never a write', async () => {
    const before = digest()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        // `{}` is a valid enrolment or replacement (every field optional): not bad input.
        fc.jsonValue().filter((v) => !(typeof v === 'object' && v !== null && Object.keys(v).length === 0)),
        async (route, value) => {
          const r = await post(route, JSON.stringify(value))
          expect(r.statusCode).toBeGreaterThanOrEqual(400)
          expect(r.statusCode).toBeLessThan(500)
          expect(String(r.headers['content-type'])).toContain('application/problem+json')
          if (r.statusCode === 400) expect(r.json().errors[0].path).toEqual(expect.any(String))
        },
      ),
      { numRuns: 300 },
    )
    expect(digest()).toBe(before)
  })

  it('property: a valid body with one field set to a random wrong value is a 400 naming that field', async () => {
    const before = digest()
    const cases = ROUTES.flatMap((route) => leaves(VALID[route]).map((leaf) => ({ route, leaf })))
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.oneof(fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 })),
        async ({ route, leaf }, value) => {
          fc.pre(typeof value !== typeof leaf.value) // a boolean for a boolean is no mistake
          const r = await post(route, JSON.stringify(setAt(VALID[route], leaf.path, value)))
          expectBadInput(r, leaf.path.join('.'))
        },
      ),
      { numRuns: 300 },
    )
    expect(digest()).toBe(before)
  })
})

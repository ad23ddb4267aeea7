import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basket, makeWorld, type World } from '../test/world.js'
import { authenticate, createApiKey, rotateApiKey } from './keys.js'

let w: World
beforeAll(async () => {
  w = await makeWorld('sqlite')
})
afterAll(async () => w?.dispose())

const price = (authorization?: string, storeId = '0042') =>
  w.app.inject({
    method: 'POST',
    url: '/v1/price',
    payload: { basket: { ...basket('T-A'), storeId } },
    headers: authorization === undefined ? {} : { authorization },
  })

describe('per-till API keys', () => {
  it('refuses no key, a malformed key, an unknown key and a wrong secret alike: 401, same body', async () => {
    const [id, secret] = w.key.slice(3).split('.') as [string, string]
    const wrongSecret = `Bearer tk_${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
    const unknownId = `Bearer tk_${'0'.repeat(16)}.${secret}`
    const answers = await Promise.all(
      [undefined, 'Bearer nope', 'Basic abc', unknownId, wrongSecret].map((a) => price(a)),
    )
    for (const r of answers) {
      expect(r.statusCode).toBe(401)
      expect(r.headers['content-type']).toContain('application/problem+json')
      expect(r.headers['www-authenticate']).toContain('Bearer')
    }
    expect(new Set(answers.map((r) => r.body)).size).toBe(1)
  })

  it("answers 403 to a key of another shop used for this shop's basket", async () => {
    const r = await price(`Bearer ${w.otherShopKey}`)
    expect(r.statusCode).toBe(403)
    expect(r.json().code).toBe('FORBIDDEN')
    expect((await price(`Bearer ${w.key}`)).statusCode).toBe(200)
  })

  it("answers 403 to a void or a return of another shop's sale, booking nothing", async () => {
    const headers = (key: string, idem: string) => ({ authorization: `Bearer ${key}`, 'idempotency-key': idem })
    const closed = await w.app.inject({
      method: 'POST',
      url: '/v1/close',
      payload: { transactionId: 'T-OWN', basket: basket('T-OWN'), tenders: [] },
      headers: headers(w.key, 'own-1'),
    })
    expect(closed.statusCode).toBe(200)
    const back = await w.app.inject({
      method: 'POST',
      url: '/v1/returns',
      payload: { returnId: 'R-OTHER', originalTransactionId: 'T-OWN', lines: [{ lineId: '1', quantity: 1 }] },
      headers: headers(w.otherShopKey, 'other-1'),
    })
    expect(back.statusCode).toBe(403)
    expect(await w.stores.checkout.findReturns('T-OWN')).toEqual([])
  })

  it('refuses a revoked key, and a rotated key works in its place', async () => {
    const made = await createApiKey(w.stores.server, { shop: '0042', till: '02', atMs: 0 })
    expect((await price(`Bearer ${made.key}`)).statusCode).toBe(200)
    const rotated = await rotateApiKey(w.stores.server, made.keyId, 1)
    expect((await price(`Bearer ${made.key}`)).statusCode).toBe(401)
    expect((await price(`Bearer ${rotated?.key}`)).statusCode).toBe(200)
  })

  it('keeps no key in clear in the database: only its SHA-256, and not on disk either', async () => {
    const made = await createApiKey(w.stores.server, { shop: '0042', till: '03', atMs: 0 })
    const secret = made.key.split('.')[1] as string
    const rows = await w.stores.server.listKeys()
    expect(JSON.stringify(rows)).not.toContain(secret)
    expect(rows.find((r) => r.keyId === made.keyId)?.secretHash).toMatch(/^[0-9a-f]{64}$/)
    const file = w.file as string
    const bytes = [file, `${file}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('')
    expect(bytes).toContain(made.keyId) // the public id is there…
    expect(bytes).not.toContain(secret) // …the secret is not
  })

  it('authenticates in constant shape: a key differing in one character of the secret is refused', async () => {
    const made = await createApiKey(w.stores.server, { shop: 'S', till: 'T', atMs: 0 })
    const find = w.stores.server.findKey
    expect(await authenticate(find, `Bearer ${made.key}`)).toMatchObject({ shop: 'S', till: 'T' })
    expect(await authenticate(find, `Bearer ${made.key.slice(0, -1)}x`)).toBeUndefined()
  })
})

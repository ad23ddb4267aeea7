import { testDatabaseUrl } from '@tessera/store-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, basket, CARD, makeWorld, SHOP, type World } from '../test/world.js'
import type { ServerStores } from './stores.js'

/*
 * The Idempotency-Key lives in the booking's own store transaction: a failure injected after the
 * booking's commit (before the answer) leaves the booking AND its key with the answer; one injected
 * before the commit leaves neither. A key taken by another request between the look-up and the
 * commit rolls the booking back (409). On SQLite, and on PostgreSQL when DATABASE_URL is set.
 */
type Fault = 'none' | 'beforeCommit' | 'afterCommit' | 'keyTaken'

const SCOPE = `${SHOP}/01`

const backends = ['sqlite', ...(testDatabaseUrl() !== undefined ? ['postgres' as const] : [])] as const

describe.each(backends)('idempotency keys in the booking transaction (%s)', (backend) => {
  let w: World
  let fault: Fault = 'none'
  let taken = 0
  const inject = (stores: ServerStores): ServerStores => ({
    ...stores,
    checkout: {
      ...stores.checkout,
      transact: async (fn) => {
        if (fault === 'beforeCommit')
          return stores.checkout.transact(async (tx) => {
            const r = await fn(tx)
            if (r._tag === 'Right') throw new Error('injected: the process dies before the commit')
            return r
          })
        if (fault === 'keyTaken') {
          // Another request takes the key after the server's look-up, before this booking commits.
          await stores.server.complete(
            { scope: SCOPE, key: `taken-${taken}`, requestHash: 'another request', status: 200, body: '{}' },
            0,
          )
        }
        const r = await stores.checkout.transact(fn)
        if (fault === 'afterCommit') throw new Error('injected: the process dies after the commit')
        return r
      },
    },
    loyalty: {
      ...stores.loyalty,
      post: async (request) => {
        const r = await stores.loyalty.post(request)
        if (fault === 'afterCommit') throw new Error('injected: the process dies after the commit')
        return r
      },
    },
  })
  beforeAll(async () => {
    w = await makeWorld(backend, { wrapStores: inject, codeAttempts: { limit: 1000 } })
  })
  afterAll(async () => w?.dispose())

  const post = (url: string, payload: unknown, key: string) =>
    w.app.inject({
      method: 'POST',
      url,
      headers: { ...w.auth, 'content-type': 'application/json', 'idempotency-key': key },
      payload: payload as Record<string, unknown>,
    })
  const sale = (id: string) => ({ transactionId: id, basket: basket(id, { card: CARD }), tenders: [] })

  it('a failure after the commit of a close leaves the close and its key with the answer; the retry replays it', async () => {
    fault = 'afterCommit'
    const failed = await post('/v1/close', sale('T-IDEM-AFTER'), 'idem-after')
    fault = 'none'
    expect(failed.statusCode).toBe(500)
    const close = await w.stores.checkout.findClose('T-IDEM-AFTER')
    const key = await w.stores.server.findIdempotency(SCOPE, 'idem-after')
    expect(close).toBeDefined()
    expect(key?.status).toBe(200)
    expect(key?.body).toBe(JSON.stringify(close?.receipt))
    const retry = await post('/v1/close', sale('T-IDEM-AFTER'), 'idem-after')
    expect(retry.statusCode).toBe(200)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.body).toBe(key?.body)
  })

  it('a failure before the commit of a close leaves neither the close nor its key; the retry books it once', async () => {
    fault = 'beforeCommit'
    const failed = await post('/v1/close', sale('T-IDEM-BEFORE'), 'idem-before')
    fault = 'none'
    expect(failed.statusCode).toBe(500)
    expect(await w.stores.checkout.findClose('T-IDEM-BEFORE')).toBeUndefined()
    expect(await w.stores.server.findIdempotency(SCOPE, 'idem-before')).toBeUndefined()
    const retry = await post('/v1/close', sale('T-IDEM-BEFORE'), 'idem-before')
    expect(retry.statusCode).toBe(200)
    expect(retry.headers['idempotent-replayed']).toBeUndefined()
    expect((await w.stores.server.findIdempotency(SCOPE, 'idem-before'))?.body).toBe(retry.body)
    const again = await post('/v1/close', sale('T-IDEM-BEFORE'), 'idem-before')
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toBe(retry.body)
  })

  it('a key taken by another request before the commit rolls the close back: 409, nothing booked', async () => {
    fault = 'keyTaken'
    taken = 1
    const refused = await post('/v1/close', sale('T-IDEM-TAKEN'), 'taken-1')
    fault = 'none'
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('CONFLICTING_REPLAY')
    expect(await w.stores.checkout.findClose('T-IDEM-TAKEN')).toBeUndefined()
  })

  it("a key with quotes and backslashes is stored as sent (PostgreSQL's literal with the COMMIT)", async () => {
    const key = `it's\\a"key"\\';--`
    const first = await post('/v1/close', sale('T-IDEM-QUOTE'), key)
    expect(first.statusCode).toBe(200)
    expect((await w.stores.server.findIdempotency(SCOPE, key))?.body).toBe(first.body)
    const again = await post('/v1/close', sale('T-IDEM-QUOTE'), key)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toBe(first.body)
  })

  it('a failure after the commit of a return leaves the return and its answer', async () => {
    const sold = await post('/v1/close', sale('T-IDEM-SOLD'), 'idem-sold')
    expect(sold.statusCode).toBe(200)
    const back = { returnId: 'R1', originalTransactionId: 'T-IDEM-SOLD', lines: [{ lineId: '2', quantity: 1 }], at: AT }
    fault = 'afterCommit'
    const failed = await post('/v1/returns', back, 'idem-return')
    fault = 'none'
    expect(failed.statusCode).toBe(500)
    const key = await w.stores.server.findIdempotency(SCOPE, 'idem-return')
    const stored = (await w.stores.checkout.findReturns('T-IDEM-SOLD'))[0]
    expect(stored).toBeDefined()
    expect(key?.body).toBe(JSON.stringify(stored?.receipt))
    const retry = await post('/v1/returns', back, 'idem-return')
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.body).toBe(key?.body)
  })

  it('a failure after the commit of a reward redemption leaves the posting and its key; the retry answers it, booked once', async () => {
    const balance = async () => {
      const b = await w.stores.loyalty.balance('acc-1', Date.parse(AT))
      if (b._tag === 'Left') throw new Error(b.left.message)
      return b.right.available
    }
    const before = await balance()
    expect(before).toBeGreaterThanOrEqual(3)
    const redeem = { card: CARD, rewardId: 'voucher-5', at: AT }
    fault = 'afterCommit'
    const failed = await post('/v1/rewards/redeem', redeem, 'idem-redeem')
    fault = 'none'
    expect(failed.statusCode).toBe(500)
    expect(await balance()).toBe(before - 3)
    const key = await w.stores.server.findIdempotency(SCOPE, 'idem-redeem')
    expect(key).toBeDefined() // the key, written with the posting (its answer is derivable: the posting replays by key)
    expect(key?.body).toBeUndefined()
    const retry = await post('/v1/rewards/redeem', redeem, 'idem-redeem')
    expect(retry.statusCode).toBe(200)
    expect(await balance()).toBe(before - 3)
    const again = await post('/v1/rewards/redeem', redeem, 'idem-redeem')
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toBe(retry.body)
    const other = await post('/v1/rewards/redeem', { ...redeem, at: '2026-11-26T11:00:00+01:00' }, 'idem-redeem')
    expect(other.statusCode).toBe(409)
  })
})

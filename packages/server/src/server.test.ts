import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, basket, CARD, CODES, makeWorld, type World } from '../test/world.js'

let w: World
beforeAll(async () => {
  w = await makeWorld('sqlite')
})
afterAll(async () => w?.dispose())

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  w.app.inject({ method: 'POST', url, payload: payload as never, headers: { ...w.auth, ...headers } })

describe('the till conversation over HTTP (SQLite)', () => {
  it('answers the health check without a key', async () => {
    const r = await w.app.inject({ method: 'GET', url: '/healthz' })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ status: 'ok' })
  })

  it('prices a basket with a code, booking nothing', async () => {
    const r = await post('/v1/price', { basket: basket('T-1', { card: CARD }), codes: [CODES[0]!.toLowerCase()] })
    expect(r.statusCode).toBe(200)
    const body = r.json()
    expect(body.evaluation.discountTotal).toBe(70 + 300)
    expect(body.codes).toEqual([{ code: CODES[0], accepted: true, pool: 'XMAS26' }])
    const again = await post('/v1/price', { basket: basket('T-1b', { card: CARD }), codes: [CODES[0]] })
    expect(again.json().codes[0].accepted).toBe(true) // pricing redeemed nothing
  })

  it('closes a sale once: the retry replays the same bytes, another body is a conflict', async () => {
    const payload = {
      transactionId: 'T-2',
      basket: basket('T-2', { card: CARD }),
      codes: [CODES[1]],
      tenders: [{ type: 'card', amount: 630 }],
    }
    const first = await post('/v1/close', payload, { 'idempotency-key': 'close-T-2' })
    expect(first.statusCode).toBe(200)
    const receipt = first.json()
    expect(receipt.total).toBe(630)
    expect(receipt.points.earned).toBe(6)
    expect(receipt.coupons).toHaveLength(1)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    const retry = await post('/v1/close', payload, { 'idempotency-key': 'close-T-2' })
    expect(retry.statusCode).toBe(200)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.body).toBe(first.body)
    const other = await post(
      '/v1/close',
      { ...payload, tenders: [{ type: 'cash', amount: 700 }] },
      { 'idempotency-key': 'close-T-2' },
    )
    expect(other.statusCode).toBe(409)
    expect(other.json().code).toBe('CONFLICTING_REPLAY')
    const reused = await post(
      '/v1/close',
      { ...payload, transactionId: 'T-3', basket: basket('T-3', { codes: [CODES[1]] }) },
      {
        'idempotency-key': 'close-T-3',
      },
    )
    expect(reused.statusCode).toBe(422)
    expect(reused.headers['content-type']).toContain('application/problem+json')
    expect(reused.json().code).toBe('ALREADY_REDEEMED')
  })

  it('reads the card: balance, lifecycle', async () => {
    const r = await w.app.inject({ method: 'GET', url: `/v1/cards/${CARD}`, headers: w.auth })
    expect(r.statusCode).toBe(200)
    expect(r.json().balance.available).toBe(6)
    const unknown = await w.app.inject({ method: 'GET', url: '/v1/cards/2900009999999', headers: w.auth })
    expect(unknown.statusCode).toBe(404)
  })

  it('returns a unit from the stored snapshot', async () => {
    const r = await post(
      '/v1/returns',
      { returnId: 'R-1', originalTransactionId: 'T-2', lines: [{ lineId: '1', quantity: 1 }], at: AT },
      { 'idempotency-key': 'ret-1' },
    )
    expect(r.statusCode).toBe(200)
    expect(r.json().full).toBe(false)
    expect(r.json().refund).toBeGreaterThan(0)
  })

  it('validates a code without holding it', async () => {
    const r = await post('/v1/codes/validate', { code: CODES[1] })
    expect(r.json()).toMatchObject({ accepted: false, reason: 'ALREADY_REDEEMED' })
    const fresh = await post('/v1/codes/validate', { code: CODES[2] })
    expect(fresh.json()).toMatchObject({ accepted: true, pool: 'XMAS26' })
  })

  it('enrols, replaces a lost card with its balance, redeems a reward', async () => {
    const enrolled = await post('/v1/cards', {}, { 'idempotency-key': 'enrol-1' })
    expect(enrolled.statusCode).toBe(200)
    expect(enrolled.json().card.number).toMatch(/^29\d{11}$/)
    const again = await post('/v1/cards', {}, { 'idempotency-key': 'enrol-1' })
    expect(again.body).toBe(enrolled.body)
    const redeemed = await post(
      '/v1/rewards/redeem',
      { card: CARD, rewardId: 'voucher-5' },
      { 'idempotency-key': 'r-1' },
    )
    expect(redeemed.json()).toMatchObject({ kind: 'voucher' })
    expect(redeemed.json().kind).toBe('voucher')
    const broke = await post('/v1/rewards/redeem', { card: CARD, rewardId: 'voucher-5' }, { 'idempotency-key': 'r-2' })
    expect(broke.statusCode).toBe(422)
    expect(broke.json().code).toBe('INSUFFICIENT_POINTS')
    const replaced = await post(`/v1/cards/${CARD}/replace`, {}, { 'idempotency-key': 'rep-1' })
    expect(replaced.statusCode).toBe(200)
    expect(replaced.json().card.number).not.toBe(CARD)
  })
})

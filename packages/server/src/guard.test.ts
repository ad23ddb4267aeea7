import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, basket, CARD, CODES, makeWorld, type World } from '../test/world.js'
import { createApiKey } from './keys.js'

let w: World
let now = Date.parse(AT)
const logs: string[] = []
beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk))
      done()
    },
  })
  w = await makeWorld('sqlite', {
    codeAttempts: { limit: 10, windowMs: 60_000 },
    clock: { now: () => now as never },
    logger: { level: 'info', stream },
  })
})
afterAll(async () => w?.dispose())

const validate = (code: string, authorization = w.auth.authorization as string, card?: string, shopper?: string) =>
  w.app.inject({
    method: 'POST',
    url: '/v1/codes/validate',
    payload: { code, ...(card ? { card } : {}) },
    headers: { authorization, ...(shopper !== undefined ? { 'tessera-shopper': shopper } : {}) },
  })

/** A guess with the shape of a real code. */
const guess = (i: number) => `XMAS26-${i.toString(36).toUpperCase().padStart(4, 'Q')}`

describe('the brute-force guard on codes', () => {
  it('after 10 failed codes a minute a till gets 429 with Retry-After, even for a real code, until the window passes', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await validate(guess(i))
      expect(r.statusCode).toBe(200)
      expect(r.json()).toMatchObject({ accepted: false, reason: 'UNKNOWN' })
    }
    const blocked = await validate(CODES[0] as string)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().code).toBe('TOO_MANY_CODE_ATTEMPTS')
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    const priced = await w.app.inject({
      method: 'POST',
      url: '/v1/price',
      payload: { basket: basket('T-1'), codes: [CODES[0]] },
      headers: w.auth,
    })
    expect(priced.statusCode).toBe(429)
    now += 61_000
    expect((await validate(CODES[0] as string)).json()).toMatchObject({ accepted: true })
  })

  it('guessing over HTTP gets nowhere: 1,000 guesses from one till are judged 10 at a time a minute', async () => {
    now += 61_000
    let judged = 0
    let accepted = 0
    for (let i = 0; i < 1000; i++) {
      const r = await validate(guess(1000 + i))
      if (r.statusCode === 200) judged++
      if (r.statusCode === 200 && r.json().accepted) accepted++
      if (r.statusCode !== 200) expect(r.statusCode).toBe(429)
    }
    expect(judged).toBe(10)
    expect(accepted).toBe(0)
  })

  it('limits per card too: another till guessing for the same card is blocked', async () => {
    now += 61_000
    const tillA = `Bearer ${(await createApiKey(w.stores.server, { shop: '0042', till: '07', atMs: 0 })).key}`
    const tillB = `Bearer ${(await createApiKey(w.stores.server, { shop: '0042', till: '08', atMs: 0 })).key}`
    for (let i = 0; i < 10; i++) await validate(guess(5000 + i), tillA, CARD)
    expect((await validate(guess(6000), tillB, CARD)).statusCode).toBe(429)
    expect((await validate(guess(6001), tillB)).statusCode).toBe(200) // the till itself is not blocked
  })
})

describe('logs and metrics', () => {
  it('logs structured lines with request ids, and no card number, code or key in clear', async () => {
    await w.app.inject({ method: 'GET', url: `/v1/cards/${CARD}`, headers: { ...w.auth, 'x-request-id': 'req-42' } })
    const text = logs.join('')
    const lines = logs.flatMap((l) => l.split('\n')).filter((l) => l.trim() !== '')
    expect(lines.length).toBeGreaterThan(0)
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow()
    expect(text).toContain('req-42')
    expect(text).toMatch(/\*{9}4566/) // the masked card keeps its last 4 digits
    expect(text).not.toContain(CARD)
    for (const c of CODES) expect(text).not.toContain(c)
    expect(text).not.toContain(w.key.split('.')[1] as string)
  })

  it('exports Prometheus metrics: requests and latencies per route, closes, refusals by reason', async () => {
    now += 61_000
    await w.app.inject({
      method: 'POST',
      url: '/v1/close',
      payload: { transactionId: 'T-M', basket: basket('T-M'), tenders: [] },
      headers: { ...w.auth, 'idempotency-key': 'm-1' },
    })
    const r = await w.app.inject({ method: 'GET', url: '/metrics' })
    expect(r.statusCode).toBe(200)
    expect(r.body).toMatch(
      /tessera_http_requests_total\{route="\/v1\/codes\/validate",method="POST",status="429"\} \d+/,
    )
    expect(r.body).toMatch(/tessera_http_request_duration_seconds_bucket\{le="0\.01",route="\/v1\/close"\}/)
    expect(r.body).toMatch(/tessera_closes_total 1/)
    expect(r.body).toMatch(/tessera_refusals_total\{code="TOO_MANY_CODE_ATTEMPTS"\} \d+/)
  })

  it('a till that names its shoppers (a web shop): one guesser is blocked, the other shoppers are not', async () => {
    now += 61_000
    const web = `Bearer ${(await createApiKey(w.stores.server, { shop: '0042', till: 'web', atMs: 0 })).key}`
    for (let i = 0; i < 10; i++) {
      const r = await validate(guess(7000 + i), web, undefined, 'ip:203.0.113.7')
      expect(r.json()).toMatchObject({ accepted: false, reason: 'UNKNOWN' })
    }
    const blocked = await validate(guess(7100), web, undefined, 'ip:203.0.113.7')
    expect(blocked.statusCode).toBe(429)
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    // Another shopper of the same till: judged, and a real code is accepted.
    expect((await validate(guess(7101), web, undefined, 'ip:198.51.100.9')).statusCode).toBe(200)
    expect((await validate(CODES[1] as string, web, undefined, 'ip:198.51.100.9')).json()).toMatchObject({
      accepted: true,
    })
    // The price route too: the guesser's basket with a code is refused, the other shopper's priced.
    const price = (shopper: string) =>
      w.app.inject({
        method: 'POST',
        url: '/v1/price',
        payload: { basket: basket('T-web'), codes: [CODES[1]] },
        headers: { authorization: web, 'tessera-shopper': shopper },
      })
    expect((await price('ip:203.0.113.7')).statusCode).toBe(429)
    expect((await price('ip:198.51.100.9')).statusCode).toBe(200)
    // The till's own requests without a shopper are judged against the till's limit, as before:
    // 11 failures of its key in the window block it.
    expect((await validate(guess(7102), web)).statusCode).toBe(429)
  })

  it('many shoppers of one till together: the till is blocked past sharedLimit (100 a minute), which bounds rotating shoppers', async () => {
    now += 61_000
    const web = `Bearer ${(await createApiKey(w.stores.server, { shop: '0042', till: 'web2', atMs: 0 })).key}`
    let judged = 0
    for (let i = 0; i < 150; i++) {
      const r = await validate(guess(8000 + i), web, undefined, `session:${i}`)
      if (r.statusCode === 200) judged++
      else expect(r.statusCode).toBe(429)
    }
    expect(judged).toBe(100)
  })

  it('a bad Tessera-Shopper header is a 400 naming it', async () => {
    for (const bad of ['', 'x'.repeat(129), 'two words']) {
      const r = await validate('ANY', w.auth.authorization as string, undefined, bad)
      expect(r.statusCode).toBe(400)
      expect(r.json().errors).toEqual([
        { path: 'headers.tessera-shopper', reason: expect.stringContaining('1 to 128') },
      ])
    }
  })
})

import type { AddressInfo } from 'node:net'
import { testDatabaseUrl } from '@tessera/store-postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basket, CARD, CODES, makeWorld, type World } from '../test/world.js'

/*
 * Over real HTTP (a listening server, fetch) against the real PostgreSQL: the races of §4 and §7 of
 * the design. Skipped only when DATABASE_URL is unset outside CI.
 */
const run = testDatabaseUrl() !== undefined

let w: World
let base: string
beforeAll(async () => {
  if (!run) return
  w = await makeWorld('postgres', { maxConnections: 16, codeAttempts: { limit: 1000 } })
  await w.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}`
})
afterAll(async () => w?.dispose())

const close = (payload: unknown, key: string) =>
  fetch(`${base}/v1/close`, {
    method: 'POST',
    headers: { ...w.auth, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(payload),
  }).then(async (r) => ({ status: r.status, replayed: r.headers.get('idempotent-replayed'), body: await r.text() }))

const closeOf = (id: string, extra: Record<string, unknown> = {}, lines?: unknown) => ({
  transactionId: id,
  basket: basket(id, { ...(lines ? { lines } : {}), ...extra }),
  tenders: [],
})

describe.skipIf(!run)('concurrent closes over HTTP on PostgreSQL', () => {
  it('32 tills racing one single-use code: exactly one 200, the 31 others a problem naming ALREADY_REDEEMED', async () => {
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) => close(closeOf(`T-RACE-${i}`, { codes: [CODES[0]] }), `race-${i}`)),
    )
    const won = answers.filter((a) => a.status === 200)
    expect(won).toHaveLength(1)
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status).toBe(422)
      expect(JSON.parse(a.body).code).toBe('ALREADY_REDEEMED')
    }
    expect(JSON.parse((won[0] as { body: string }).body).discountTotal).toBeGreaterThanOrEqual(300)
  })

  it('a retry storm (each close sent 3 times at once with its key) books each once', async () => {
    const sales = Array.from({ length: 8 }, (_, i) => closeOf(`T-STORM-${i}`, { card: CARD }))
    const before = await w.stores.loyalty.balance('acc-1', Date.parse('2026-11-26T10:15:00+01:00'))
    const answers = await Promise.all(sales.flatMap((s, i) => [0, 1, 2].map(() => close(s, `storm-${i}`))))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    for (let i = 0; i < sales.length; i++) {
      const three = answers.slice(i * 3, i * 3 + 3)
      expect(new Set(three.map((a) => a.body)).size).toBe(1) // byte for byte
    }
    const after = await w.stores.loyalty.balance('acc-1', Date.parse('2026-11-26T10:15:00+01:00'))
    const earned = JSON.parse((answers[0] as { body: string }).body).points.earned as number
    expect(earned).toBeGreaterThan(0)
    if (before._tag === 'Right' && after._tag === 'Right')
      expect(after.right.available - before.right.available).toBe(earned * sales.length)
    else throw new Error('balance unreadable')
    const report = await w.stores.loyalty.check()
    expect(report._tag === 'Right' && report.right.problems).toEqual([])
  })

  it('a budget hit by 16 concurrent closes is never overspent', async () => {
    const tea = [{ id: '1', sku: 'TEA', quantity: 1, unitPrice: 400, amount: 400, categories: ['grocery'] }]
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => close(closeOf(`T-BUDGET-${i}`, {}, tea), `budget-${i}`)),
    )
    expect(answers.every((a) => a.status === 200)).toBe(true)
    const spent = answers
      .map((a) => JSON.parse(a.body) as { discounts: { campaignId: string; amount: number }[] })
      .flatMap((r) => r.discounts.filter((d) => d.campaignId === 'tea-budget'))
      .reduce((s, d) => s + d.amount, 0)
    expect(spent).toBe(500) // the whole budget, never more
  })
})

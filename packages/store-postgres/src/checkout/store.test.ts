import {
  type Basket,
  type BasketLine,
  type Campaign,
  type CheckoutError,
  createCheckout,
  type EpochMs,
  emptyBasket,
  enginePricer,
  ledgerFailed,
  minor,
  type Program,
  type Sku,
} from '@tessera/core'
import { fixedClock } from '@tessera/testing'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '../testing.js'
import { openPostgresStores, type PostgresStores } from './store.js'

/** Dropping a scratch database waits for a checkpoint: slow on a busy server. */
const DROP_TIMEOUT_MS = 60_000

/** Both stores of one database as one object, as these tests use them. */
type PostgresCheckoutStore = PostgresStores['checkout'] & Pick<PostgresStores, 'loyalty' | 'close'>
const openPostgresCheckoutStore = async (
  options: Parameters<typeof openPostgresStores>[0],
): Promise<PostgresCheckoutStore> => {
  const stores = await openPostgresStores(options)
  return { ...stores.checkout, loyalty: stores.loyalty, close: stores.close }
}

const server = testDatabaseUrl()

const AT = '2026-11-26T10:15:00+01:00'
const AT_MS = Date.parse(AT)
const CARD = '2900001234566'
const program: Program = { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 0 }
const xmas: Campaign = {
  id: 'xmas',
  status: 'active',
  code: { required: true, pool: 'XMAS26' },
  reward: { amountOff: { of: 'basket', amount: 500 } },
}
const line = (id: string, quantity: number, unitPrice: number): BasketLine => ({
  id,
  sku: 'A' as Sku,
  quantity,
  unitPrice: minor(unitPrice),
  amount: minor(quantity * unitPrice),
  categories: ['grocery'],
})
const basketOf = (id: string, lines: readonly BasketLine[], extra: Partial<Basket> = {}): Basket => ({
  id,
  storeId: '0042',
  terminalId: '03',
  channel: 'store',
  currency: 'EUR' as Basket['currency'],
  pricesIncludeTax: true,
  at: AT as Basket['at'],
  lines,
  ...extra,
})
const earn = (key: string, points: number) => ({
  kind: 'earn' as const,
  key,
  at: AT_MS,
  account: { card: CARD },
  points,
})

describe.skipIf(server === undefined)('openPostgresStores: the checkout store', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase()
  })
  const opened: PostgresCheckoutStore[] = []
  afterAll(async () => {
    for (const s of opened) await s.close()
    await db?.drop()
  }, DROP_TIMEOUT_MS)

  let n = 0
  /** A store in a schema of its own, with the account of CARD opened. */
  const world = async (maxConnections = 4, extra: Partial<Parameters<typeof openPostgresCheckoutStore>[0]> = {}) => {
    const schema = `store_${++n}`
    const admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    await admin.end()
    const url = new URL(db.url)
    url.searchParams.set('options', `-c search_path=${schema}`)
    const store = await openPostgresCheckoutStore({ connectionString: url.toString(), maxConnections, ...extra })
    opened.push(store)
    await store.loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: AT_MS - 1 })
    await store.loyalty.issueCard({ number: CARD, accountId: 'acc-1', at: AT_MS - 1 })
    const checkout = createCheckout({
      store,
      price: enginePricer([xmas], { storeTimeZone: 'Europe/Paris' }, program),
      campaigns: [xmas],
      program,
      keyring: { K1: new Uint8Array(32).fill(7) },
      keyId: 'K1',
      clock: fixedClock(AT),
      storeTimeZone: 'Europe/Paris',
    })
    const points = async () => {
      const b = await store.loyalty.balance('acc-1', AT_MS + 1)
      if (isLeft(b)) throw new Error(b.left.message)
      return b.right.available + b.right.pending
    }
    return { store, checkout, url: url.toString(), points }
  }

  /**
   * Runs `race` while a separate connection holds `lockSql` (a `SELECT … FOR UPDATE`), waits until
   * `waiters` transactions of the race are blocked on locks at the same time (so they did overlap, on
   * separate connections), then lets them go.
   */
  const whileLocked = async <A>(url: string, lockSql: string, waiters: number, race: () => Promise<A>[]) => {
    const blocker = new pg.Client({ connectionString: url })
    const watcher = new pg.Client({ connectionString: db.url })
    await blocker.connect()
    await watcher.connect()
    try {
      await blocker.query('BEGIN')
      await blocker.query(lockSql)
      const running = race()
      let waiting = 0
      for (let tries = 0; tries < 1000 && waiting < waiters; tries++) {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
        waiting = rows[0].n
        if (waiting < waiters) await new Promise((r) => setTimeout(r, 5))
      }
      expect(waiting).toBe(waiters)
      await blocker.query('COMMIT')
      return await Promise.all(running)
    } finally {
      await blocker.end()
      await watcher.end()
    }
  }

  it('closes whose retries run out answer the typed StoreBusy, never a raw 40001 or 40P01', async () => {
    const { checkout, points } = await world(8, { isolation: 'serializable', maxRetries: 0 })
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        checkout.close({ basket: basketOf(`T-busy-${i}`, [line('1', 1, 1000)], { card: CARD }), tenders: [] }),
      ),
    )
    const tags = results.map((r) => (isLeft(r) ? r.left._tag : 'Right'))
    expect(tags.filter((t) => t === 'StoreBusy').length).toBeGreaterThan(0)
    expect(tags.every((t) => t === 'Right' || t === 'StoreBusy')).toBe(true)
    // nothing half-booked: 10 points per close that went through, none for the busy ones
    expect(await points()).toBe(10 * tags.filter((t) => t === 'Right').length)
  })

  it('a close that redeems a code is three round trips, its claim, standing and codes in the first, its writes with COMMIT in the last', async () => {
    const { store, checkout, points } = await world(1)
    await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
    await store.addCodes('XMAS26', ['XMAS-1', 'XMAS-2'])
    const sent: string[] = []
    const query = pg.Client.prototype.query
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { name?: string; text: string }
      sent.push(typeof q === 'string' ? q : (q.name ?? q.text))
      return (query as (...a: unknown[]) => unknown).apply(this, args)
    } as typeof query
    try {
      for (const [i, code] of ['XMAS-1', 'XMAS-2'].entries()) {
        sent.length = 0
        const r = await checkout.close({
          basket: basketOf(`T-trips-${i}`, [line('1', 2, 1000)], { card: CARD, codes: [code] }),
          tenders: [],
        })
        expect(r).toMatchObject({ _tag: 'Right', right: { discountTotal: 500 } })
        // PREPAREd once on the one connection, on its own before its first transaction
        const trips = i === 0 ? sent.slice(1) : sent
        if (i === 0) expect(sent[0]).toMatch(/^PREPARE tessera_claim_and_read /)
        // BEGIN + claim + standing + codes; the posting's reads; every write (the session's among them)
        // with COMMIT in one round trip, once the write is prepared on the connection (by the first close)
        expect(trips[0]).toMatch(/^BEGIN; EXECUTE tessera_claim_and_read\('T-trips-/)
        expect(trips.slice(1)).toEqual(
          i === 0
            ? ['tessera_prefetch_locked', 'tessera_checkout_write', 'COMMIT']
            : ['tessera_prefetch_locked', 'tessera_checkout_write; COMMIT'],
        )
      }
    } finally {
      pg.Client.prototype.query = query
    }
    expect((await store.code('XMAS-2'))?.redemptions).toHaveLength(1)
    expect(await points()).toBe(30)
  })

  it('a close record staged over one another transaction stored fails the write before its pipelined COMMIT', async () => {
    const { store, checkout } = await world(1, { maxRetries: 1 })
    await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
    await store.addCodes('XMAS26', ['XMAS-9'])
    const basket = basketOf('T-race', [line('1', 2, 1000)], { card: CARD })
    // The first close prepares the write on the one connection: the next transaction pipelines it with COMMIT.
    expect(await checkout.close({ basket, tenders: [] })).toMatchObject({ _tag: 'Right' })
    const stored = await store.findClose('T-race')
    const code = await store.code('XMAS-9')
    if (stored === undefined || code === undefined) throw new Error('not stored')
    const r = await store.transact(async (tx) => {
      await tx.saveCodes([{ ...code, revoked: { by: 'race', atMs: AT_MS as EpochMs } }])
      await tx.saveClose({ ...stored, request: '{"another":"request"}' })
      return right(1)
    })
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'StoreBusy' } })
    expect((await store.code('XMAS-9'))?.revoked).toBeUndefined()
    expect((await store.findClose('T-race'))?.request).toBe(stored.request)
  })

  it('an unreachable server is an error at open', async () => {
    await expect(
      openPostgresCheckoutStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }),
    ).rejects.toThrow()
  })

  it('refuses a bad pool and a bad batch, naming the fields, and an unknown pool', async () => {
    const { store } = await world()
    const bad = await store.putPool({ id: 'P', kind: { type: 'singleUse' }, campaignId: '' })
    if (!isLeft(bad) || bad.left._tag !== 'DecodeError') throw new Error('expected a DecodeError')
    expect(bad.left.problems.map((p) => p.path)).toEqual(['campaignId'])
    await store.putPool({ id: 'P', kind: { type: 'singleUse' } })
    const batch = await store.addCodes('P', ['P-1', ''])
    if (!isLeft(batch) || batch.left._tag !== 'DecodeError') throw new Error('expected a DecodeError')
    expect(batch.left.problems).toEqual([{ path: '1', reason: 'must be a non-empty string' }])
    expect(await store.code('P-1')).toBeUndefined()
    expect(await store.addCodes('Q', ['Q-1'])).toMatchObject({ _tag: 'Left', left: { _tag: 'UnknownPool', pool: 'Q' } })
  })

  it('adds batches of codes once each (duplicates inside and across batches are skipped)', async () => {
    const { store } = await world()
    await store.putPool({ id: 'P', kind: { type: 'singleUse' }, validFromMs: 1, validUntilMs: AT_MS })
    const codes = Array.from({ length: 25_000 }, (_, i) => `P-${i}`)
    // 25,000 new in one call (three INSERT statements of at most 10,000), then 5,000 old + 1 new
    expect(await store.addCodes('P', codes)).toEqual(right({ added: 25_000 }))
    expect(await store.addCodes('P', [...codes.slice(0, 5_000), 'P-new', 'P-new'])).toEqual(right({ added: 1 }))
    expect(await store.code('P-24999')).toEqual({
      code: 'P-24999',
      pool: 'P',
      kind: { type: 'singleUse' },
      validFromMs: 1,
      validUntilMs: AT_MS,
      redemptions: [],
      reservations: [],
    })
  })

  it('posts points inside the checkout transaction: a Left after the posting rolls the points back too', async () => {
    const { store, points } = await world()
    const refused = await store.transact(async (tx) => {
      const posted = await tx.post(earn('T-1/earn', 40))
      if (isLeft(posted)) return left(ledgerFailed(posted.left))
      await tx.addCampaignUsage([{ campaignId: 'c', redemptions: 1, discountSpent: 100, pointsSpent: 0 }])
      expect(await tx.findClose('T-1')).toBeUndefined()
      return left<CheckoutError>(emptyBasket('T-1'))
    })
    expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'EmptyBasket' } })
    expect(await points()).toBe(0)
    expect(await store.loyalty.entries('acc-1')).toEqual(right([]))
    expect((await store.usage(['c'], [])).campaigns[0]?.redemptions).toBe(0)
    // the claim on T-1 was rolled back with the rest: nothing is stored under that id
    expect(await store.findClose('T-1')).toBeUndefined()
  })

  it('a transaction reads back its own writes (codes, usage, a close, returns in the order saved)', async () => {
    const { store } = await world()
    await store.putPool({ id: 'P', kind: { type: 'singleUse' } })
    await store.addCodes('P', ['P-1'])
    const close = {
      transactionId: 'T-9',
      request: '{"basket":"T-9"}',
      snapshot: { lines: [], discounts: [], pointsEarned: 0 },
      bookings: { codes: [], campaigns: [], customers: [], coupons: [], issuedCodes: [] },
      receipt: { transactionId: 'T-9' } as never,
    }
    const seen = await store.transact(async (tx) => {
      const [code] = await tx.lockCodes(['P-1'])
      await tx.saveCodes([{ ...(code as NonNullable<typeof code>), redemptions: [{ sessionId: 'T-9' }] }])
      await tx.addCampaignUsage([{ campaignId: 'c', redemptions: 2, discountSpent: 30, pointsSpent: 4 }])
      await tx.saveUsage(
        [{ campaignId: 'c', customer: CARD, bucket: 'campaign', count: 1 }],
        [{ template: 't', customer: CARD, bucket: '2026-11', count: 3 }],
      )
      expect(await tx.findClose('T-9')).toBeUndefined()
      await tx.saveClose(close)
      for (const id of ['R-b', 'R-a']) {
        await tx.saveReturn({ returnId: id, transactionId: 'T-9', request: id, receipt: { returnId: id } as never })
      }
      return right({
        code: (await tx.lockCodes(['P-1']))[0]?.redemptions,
        campaign: await tx.lockCampaignUsage(['c']),
        customer: (await tx.lockCustomerUsage([{ campaignId: 'c', customer: CARD, bucket: 'campaign' }]))[0]?.count,
        coupon: (await tx.lockCouponUsage([{ template: 't', customer: CARD, bucket: '2026-11' }]))[0]?.count,
        close: (await tx.findClose('T-9'))?.request,
        returns: (await tx.returnsOf('T-9')).map((r) => r.returnId),
      })
    })
    expect(seen).toEqual(
      right({
        code: [{ sessionId: 'T-9' }],
        campaign: [{ campaignId: 'c', redemptions: 2, discountSpent: 30, pointsSpent: 4 }],
        customer: 1,
        coupon: 3,
        close: '{"basket":"T-9"}',
        returns: ['R-b', 'R-a'],
      }),
    )
    // and committed: the same from outside, returns in the order they were saved (not by id)
    expect((await store.findReturns('T-9')).map((r) => r.returnId)).toEqual(['R-b', 'R-a'])
    expect(await store.couponUsage([{ template: 't', customer: CARD, bucket: '2026-11' }])).toEqual([
      { template: 't', customer: CARD, bucket: '2026-11', count: 3 },
    ])
    expect((await store.findClose('T-9'))?.receipt).toEqual({ transactionId: 'T-9' })
  })

  it('16 closes really wait on the same code row at once, on 16 connections; one wins when the lock is freed', async () => {
    const { store, checkout, url } = await world(20)
    await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
    await store.addCodes('XMAS26', ['XMAS26-AAAA'])
    // A blocker holds the code row, so every close must queue on it inside its own transaction.
    const results = await whileLocked(
      url,
      "SELECT * FROM checkout_codes WHERE code = 'XMAS26-AAAA' FOR UPDATE",
      16,
      () =>
        Array.from({ length: 16 }, (_, i) =>
          checkout.close({ basket: basketOf(`T-${i}`, [line('1', 1, 2000)], { codes: ['XMAS26-AAAA'] }), tenders: [] }),
        ),
    )
    expect(results.filter((r) => r._tag === 'Right')).toHaveLength(1)
    for (const r of results) if (isLeft(r)) expect(r.left).toMatchObject({ reason: 'ALREADY_REDEEMED' })
    expect((await store.code('XMAS26-AAAA'))?.redemptions).toHaveLength(1)
  })

  it('the same close sent 4 times at once with a single-use code: every copy gets the one receipt', async () => {
    const { store, checkout, points, url } = await world(8)
    await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
    await store.addCodes('XMAS26', ['XMAS26-AAAA'])
    const request = {
      basket: basketOf('T-1', [line('1', 2, 1000)], { card: CARD, codes: ['XMAS26-AAAA'] }),
      tenders: [],
    }
    // all four are in flight together: the first waits on the code row, its twins on the claim of T-1
    const results = await whileLocked(
      url,
      "SELECT * FROM checkout_codes WHERE code = 'XMAS26-AAAA' FOR UPDATE",
      4,
      () => Array.from({ length: 4 }, () => checkout.close(request)),
    )
    // the twins wait on the claim of T-1 and replay it: without it they would find the code
    // redeemed by T-1 and answer ALREADY_REDEEMED to a close that succeeded
    for (const r of results) expect(r).toEqual(results[0])
    // 2000 - 500 = 1500 → 15 points, once
    expect(results[0]).toMatchObject({ _tag: 'Right', right: { total: 1500, points: { earned: 15 } } })
    expect(await points()).toBe(15)
    expect((await store.usage(['xmas'], [])).campaigns[0]?.redemptions).toBe(1)
  })

  it('the same return sent 4 times at once: one refund, one clawback, the same receipt for all', async () => {
    const { checkout, points, url } = await world(8)
    const sale = await checkout.close({ basket: basketOf('T-1', [line('1', 3, 1000)], { card: CARD }), tenders: [] })
    expect(sale).toMatchObject({ _tag: 'Right', right: { points: { earned: 30 } } })
    const request = { returnId: 'R-1', transactionId: 'T-1', at: AT, lines: [{ lineId: '1', quantity: 2 }] }
    // all four are in flight together: the first waits on the sale's row, its twins on the claim of R-1
    const results = await whileLocked(
      url,
      "SELECT * FROM checkout_closes WHERE transaction_id = 'T-1' FOR UPDATE",
      4,
      () => Array.from({ length: 4 }, () => checkout.return(request)),
    )
    // counted as an earlier return, a twin would ask 2 + 2 > 3 units: ReturnExceedsPurchase
    for (const r of results) expect(r).toEqual(results[0])
    // 2 of 3 units of 1000: refund 2000, 20 of the 30 points back
    expect(results[0]).toMatchObject({ _tag: 'Right', right: { refund: 2000, pointsClawedBack: 20 } })
    expect(await points()).toBe(10)
  })

  it('concurrent closes book a campaign without limits into their own counter slots; reads sum them, a return gives back', async () => {
    const { store, checkout, url } = await world(8)
    await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
    const codes = Array.from({ length: 8 }, (_, i) => `XMAS-${i}`)
    await store.addCodes('XMAS26', codes)
    // all 8 in flight together, on 8 connections, each waiting on the one card's balance row
    const results = await whileLocked(url, "SELECT * FROM balances WHERE account_id = 'acc-1' FOR UPDATE", 8, () =>
      codes.map((code, i) =>
        checkout.close({
          basket: basketOf(`S-${i}`, [line('1', 2, 1000)], { card: CARD, codes: [code] }),
          tenders: [],
        }),
      ),
    )
    for (const r of results) expect(r).toMatchObject({ _tag: 'Right', right: { discountTotal: 500 } })
    const usage = async () => (await store.usage(['xmas'], [])).campaigns[0]
    expect(await usage()).toEqual({ campaignId: 'xmas', redemptions: 8, discountSpent: 4000, pointsSpent: 0 })
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    const slots = async () =>
      (
        await c.query(
          "SELECT count(*)::int AS n, sum(redemptions)::int AS r FROM checkout_campaign_slots WHERE campaign_id = 'xmas'",
        )
      ).rows[0]
    try {
      // one slot per connection: none of the 8 waited on another's counter row
      expect(await slots()).toEqual({ n: 8, r: 8 })
      const back = await checkout.return({
        returnId: 'R-0',
        transactionId: 'S-0',
        at: AT,
        lines: [{ lineId: '1', quantity: 2 }],
      })
      expect(back).toMatchObject({ _tag: 'Right', right: { full: true } })
      expect(await usage()).toEqual({ campaignId: 'xmas', redemptions: 7, discountSpent: 3500, pointsSpent: 0 })
      // a slot may go below zero on its own (the give-back lands in the returning connection's slot); the sum never does
      await c.query("UPDATE checkout_campaign_slots SET redemptions = -100 WHERE campaign_id = 'xmas' AND slot = 0")
      expect((await usage())?.redemptions).toBe(0)
    } finally {
      await c.end()
    }
  })

  it('the claim that carries BEGIN takes any id as a literal: quotes and backslashes close and replay', async () => {
    const { store, checkout } = await world()
    const id = "T-'; DROP TABLE checkout_closes; --\\x\\'"
    const request = { basket: basketOf(id, [line('1', 2, 1000)], { card: CARD }), tenders: [] }
    const first = await checkout.close(request)
    expect(first).toMatchObject({ _tag: 'Right', right: { points: { earned: 20 } } })
    expect(await checkout.close(request)).toEqual(first)
    expect((await store.findClose(id))?.transactionId).toBe(id)
  })

  it('a close on an id left claimed with nothing stored reads its card and locks its code on its own', async () => {
    const { store, checkout, points } = await world()
    await store.putPool({ id: 'XMAS26', kind: { type: 'singleUse' }, campaignId: 'xmas' })
    await store.addCodes('XMAS26', ["XMAS-'1"])
    // a transaction that took the id and committed without saving a close: its claim row stays
    expect(await store.transact(async (tx) => right(await tx.findClose('T-left', { card: CARD, codes: [] })))).toEqual(
      right(undefined),
    )
    const request = {
      basket: basketOf('T-left', [line('1', 2, 1000)], { card: CARD, codes: ["XMAS-'1"] }),
      tenders: [],
    }
    const closed = await checkout.close(request)
    expect(closed).toMatchObject({ _tag: 'Right', right: { discountTotal: 500, points: { earned: 15 } } })
    expect(await checkout.close(request)).toEqual(closed)
    expect((await store.code("XMAS-'1"))?.redemptions).toHaveLength(1)
    expect(await points()).toBe(15)
  })
})

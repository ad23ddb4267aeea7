import type { LedgerError, LoyaltyStore, PostingRequest, PostingResult } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresStore, type PostgresStoreOptions } from './store.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing.js'

/** Dropping a scratch database waits for a checkpoint: slow on a busy server. */
const DROP_TIMEOUT_MS = 60_000

const server = testDatabaseUrl()
const T0 = Date.parse('2026-11-26T10:00:00Z')
const WORKERS = 16
const OPS_PER_WORKER = 30

/** A small deterministic generator (mulberry32), so a failing run can be replayed. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

type Outcome = { readonly request: PostingRequest; readonly results: Either<LedgerError, PostingResult>[] }

/**
 * One worker: earns, redeems, reserves and then commits or releases its own reservations on the
 * shared account; every fourth request is sent three times at once (a till retrying on a timeout).
 */
const worker = async (store: LoyaltyStore, accountId: string, w: number): Promise<Outcome[]> => {
  const random = rng(1000 + w)
  const outcomes: Outcome[] = []
  const open: string[] = []
  for (let i = 0; i < OPS_PER_WORKER; i++) {
    const key = `${accountId}/w${w}-op${i}`
    const account = { accountId }
    const pick = random()
    let request: PostingRequest
    if (open.length > 0 && pick < 0.25) {
      const reservationId = open.shift()!
      request =
        random() < 0.5
          ? { kind: 'commit', key, at: T0, account, reservationId }
          : { kind: 'release', key, at: T0, account, reservationId }
    } else if (pick < 0.55) {
      request = { kind: 'earn', key, at: T0, account, points: 1 + Math.floor(random() * 50) }
    } else if (pick < 0.8) {
      request = { kind: 'redeem', key, at: T0, account, points: 1 + Math.floor(random() * 40) }
    } else {
      request = {
        kind: 'reserve',
        key,
        at: T0,
        account,
        points: 1 + Math.floor(random() * 40),
        expiresAt: T0 + 86_400_000,
      }
    }
    const copies = i % 4 === 0 ? 3 : 1
    const results = await Promise.all(Array.from({ length: copies }, () => store.post(request)))
    if (request.kind === 'reserve' && results.some((r) => r._tag === 'Right')) open.push(key)
    outcomes.push({ request, results })
  }
  return outcomes
}

describe.skipIf(server === undefined)('postgres store under concurrency', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  }, DROP_TIMEOUT_MS)

  const hammer = (settings: Partial<PostgresStoreOptions>, accountId: string) => async () => {
    const store = await openPostgresStore({
      connectionString: db.url,
      maxConnections: WORKERS,
      maxRetries: 200,
      ...settings,
    })
    try {
      expect((await store.openAccount({ accountId, programId: 'club', at: T0 }))._tag).toBe('Right')
      const outcomes = (
        await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(store, accountId, w)))
      ).flat()

      // No successful posting ever saw the account below zero (the default policy).
      const booked = new Map<string, { request: PostingRequest; result: PostingResult }>()
      for (const { request, results } of outcomes) {
        const rights = results.flatMap((r) => (r._tag === 'Right' ? [r.right] : []))
        for (const r of rights) {
          expect(r.balance.available).toBeGreaterThanOrEqual(0)
          expect(r.balance.reserved).toBeGreaterThanOrEqual(0)
          // Copies of one request that succeeded all return the first result.
          expect(r).toEqual(rights[0])
        }
        for (const r of results) {
          if (r._tag === 'Left') expect(['InsufficientPoints', 'ReservationNotFound']).toContain(r.left._tag)
        }
        if (rights[0] !== undefined) booked.set(request.key, { request, result: rights[0] })
      }
      expect(booked.size).toBeGreaterThan(WORKERS * 10)

      // Every successful key was booked once: one posting row, one main entry.
      const client = new pg.Client({ connectionString: db.url })
      await client.connect()
      const { rows } = await client.query(
        'SELECT key, count(*)::int AS n FROM entries WHERE account_id = $1 AND entry_id = key GROUP BY key',
        [accountId],
      )
      await client.end()
      const counts = new Map(rows.map((r) => [r.key as string, r.n as number]))
      expect(counts.size).toBe(booked.size)
      for (const key of booked.keys()) expect(counts.get(key)).toBe(1)

      // The final balance is what the booked postings add up to, counted once each.
      let total = 0
      let reserved = 0
      const reservations = new Map<string, number>()
      for (const { request } of booked.values()) {
        if (request.kind === 'earn') total += request.points
        if (request.kind === 'redeem') total -= request.points
        if (request.kind === 'reserve') reservations.set(request.key, request.points)
      }
      for (const { request } of booked.values()) {
        if (request.kind === 'commit') {
          total -= reservations.get(request.reservationId)!
          reservations.delete(request.reservationId)
        }
        if (request.kind === 'release') reservations.delete(request.reservationId)
      }
      for (const points of reservations.values()) reserved += points
      const balance = await store.balance(accountId, T0)
      expect(balance).toEqual({
        _tag: 'Right',
        right: { accountId, asOf: T0, available: total - reserved, pending: 0, reserved },
      })

      // The balance row equals the recomputation from the entries.
      const report = await store.check()
      expect(report._tag === 'Right' && report.right.problems).toEqual([])
    } finally {
      await store.close()
    }
  }

  it(
    `${WORKERS} workers earning, redeeming, reserving and retrying on one account book each key once (optimistic, then row locks)`,
    hammer({}, 'shared-default'),
    120_000,
  )
  it(
    `${WORKERS} workers on one account book each key once with row locks only (SELECT … FOR UPDATE)`,
    hammer({ optimistic: false }, 'shared-locked'),
    120_000,
  )
  it(
    `${WORKERS} workers on one account book each key once under SERIALIZABLE (retries on 40001)`,
    hammer({ isolation: 'serializable', optimistic: false }, 'shared-serializable'),
    120_000,
  )
})

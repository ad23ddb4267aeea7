import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migratePostgres, openPostgresStore } from './store.js'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing.js'

/** Dropping a scratch database waits for a checkpoint: slow on a busy server. */
const DROP_TIMEOUT_MS = 60_000

const T0 = Date.parse('2026-11-26T10:00:00Z')

describe('openPostgresStore', () => {
  it('rejects a server that does not answer', async () => {
    await expect(
      openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none', maxConnections: 1 }),
    ).rejects.toThrow(/ECONNREFUSED/)
  })
})

describe.skipIf(testDatabaseUrl() === undefined)('openPostgresStore on a scratch database', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  }, DROP_TIMEOUT_MS)

  it('with migrate: false leaves the schema alone, and migratePostgres applies it once', async () => {
    const store = await openPostgresStore({ connectionString: db.url, migrate: false, maxConnections: 1 })
    await store.close()
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    expect((await c.query("SELECT to_regclass('entries') AS t")).rows[0].t).toBeNull()
    expect(await migratePostgres(db.url)).toEqual([1, 2, 1001, 1002, 1901])
    expect(await migratePostgres(db.url)).toEqual([])
    expect((await c.query("SELECT to_regclass('entries') AS t")).rows[0].t).toBe('entries')
    await c.end()
  })

  it('two store objects (two back-office nodes) replay a key the other booked', async () => {
    const one = await openPostgresStore({ connectionString: db.url, maxConnections: 2 })
    const two = await openPostgresStore({ connectionString: db.url, maxConnections: 2 })
    try {
      await one.openAccount({ accountId: 'shared', programId: 'club', at: T0 })
      const request = { kind: 'earn', key: 'node-e1', at: T0, account: { accountId: 'shared' }, points: 30 } as const
      const first = await one.post(request)
      const replay = await two.post(request)
      expect(replay).toEqual(first)
      // Same key, other content: refused, nothing written.
      const conflict = await two.post({ ...request, points: 31 })
      expect(conflict).toMatchObject({ _tag: 'Left', left: { _tag: 'ConflictingReplay' } })
      expect(await two.balance('shared', T0)).toMatchObject({ right: { available: 30 } })
    } finally {
      await one.close()
      await two.close()
    }
  })

  it('a retry that runs out is the typed StoreBusy, never a raw 40001 or 40P01', async () => {
    // serializable, no retry, no optimistic path: concurrent redemptions on one balance row lose races
    const store = await openPostgresStore({
      connectionString: db.url,
      maxConnections: 8,
      isolation: 'serializable',
      maxRetries: 0,
      optimistic: false,
    })
    try {
      await store.openAccount({ accountId: 'busy', programId: 'club', at: T0 })
      await store.post({ kind: 'earn', key: 'busy-e1', at: T0, account: { accountId: 'busy' }, points: 1000 })
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.post({ kind: 'redeem', key: `busy-r${i}`, at: T0, account: { accountId: 'busy' }, points: 10 }),
        ),
      )
      const tags = results.map((r) => (r._tag === 'Left' ? r.left._tag : 'Right'))
      expect(tags.filter((t) => t === 'StoreBusy').length).toBeGreaterThan(0)
      expect(tags.every((t) => t === 'Right' || t === 'StoreBusy')).toBe(true)
      const booked = tags.filter((t) => t === 'Right').length
      expect(await store.balance('busy', T0)).toMatchObject({ right: { available: 1000 - 10 * booked } })
    } finally {
      await store.close()
    }
  })

  it('refuses to be used after close()', async () => {
    const store = await openPostgresStore({ connectionString: db.url, maxConnections: 1 })
    await store.close()
    await expect(store.balance('shared', T0)).rejects.toThrow('used after close()')
  })
})

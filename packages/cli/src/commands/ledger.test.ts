import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isValidGs1 } from '@tessera/core'
import { createTestDatabase, openPostgresStore, testDatabaseUrl } from '@tessera/store-postgres'
import { openDatabase, openSqliteStore } from '@tessera/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-ledger-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const freshDb = () => join(dir, `ledger-${++n}.db`)

const T0 = Date.parse('2026-11-26T10:00:00Z')
const DAY = 86_400_000

/** Posts earns straight into the SQLite file, as a till would. */
const earn = async (
  file: string,
  card: string,
  key: string,
  points: number,
  extra: { expiresAt?: number; availableFrom?: number } = {},
) => {
  const store = openSqliteStore({ file })
  const r = await store.post({ kind: 'earn', key, at: T0, account: { card }, points, ...extra })
  await store.close()
  expect(r._tag).toBe('Right')
}

const newCard = async (db: string, ...extra: string[]) => {
  const r = await runCli('card', 'new', '--db', db, ...extra)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return r.stdout.trim()
}

describe('tessera card new', () => {
  it('prints a new GS1-valid card number in the 29 range, a different one each time', async () => {
    const db = freshDb()
    const a = await newCard(db)
    const b = await newCard(db, '--anonymous')
    expect(a).toMatch(/^29\d{11}$/)
    expect(isValidGs1(a)).toBe(true)
    expect(b).not.toBe(a)
  })

  it('puts every card of a member on the member account, so they share one balance', async () => {
    const db = freshDb()
    const first = await newCard(db, '--member', 'm-118')
    const second = await newCard(db, '--member', 'm-118')
    await earn(db, first, 'e1', 120)
    const r = await runCli('balance', second, '--db', db, '--at', '2026-11-26T11:00:00Z', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ card: second, available: 120, pending: 0, reserved: 0 })
  })

  it('refuses --anonymous together with --member (exit 2)', async () => {
    const r = await runCli('card', 'new', '--db', freshDb(), '--anonymous', '--member', 'm-1')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--anonymous and --member exclude each other')
  })
})

describe('tessera balance', () => {
  it('prints available, pending and reserved points as of --at', async () => {
    const db = freshDb()
    const card = await newCard(db)
    await earn(db, card, 'now', 100)
    await earn(db, card, 'later', 40, { availableFrom: T0 + 14 * DAY })
    const r = await runCli('balance', card, '--db', db, '--at', '2026-11-27T10:00:00+01:00')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/available 100\n/)
    expect(r.stdout).toMatch(/pending {3}40\n/)
    expect(r.stdout).toMatch(/reserved {2}0\n/)
    // 14 days later the pending lot has matured: 100 + 40 = 140 available.
    const later = await runCli('balance', card, '--db', db, '--at', '2026-12-11T10:00:00Z', '--json')
    expect(JSON.parse(later.stdout)).toMatchObject({ available: 140, pending: 0, reserved: 0 })
  })

  it('an unknown card exits 2 naming the card', async () => {
    const r = await runCli('balance', '2900000009999', '--db', freshDb())
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('2900000009999')
  })

  it('a time without an offset exits 2 naming --at', async () => {
    const db = freshDb()
    const card = await newCard(db)
    const r = await runCli('balance', card, '--db', db, '--at', '2026-11-26T10:00:00')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--at must be an ISO-8601 date-time with an offset')
  })
})

describe('tessera ledger expire', () => {
  it('prints what expired, and the same sweep run again expires nothing more', async () => {
    const db = freshDb()
    const a = await newCard(db)
    const b = await newCard(db)
    await earn(db, a, 'a1', 30, { expiresAt: T0 + 10 * DAY })
    await earn(db, b, 'b1', 12, { expiresAt: T0 + 10 * DAY })
    await earn(db, b, 'b2', 50, { expiresAt: T0 + 400 * DAY })
    const r = await runCli('ledger', 'expire', '--db', db, '--as-of', '2026-12-31T00:00:00+01:00', '--json')
    expect(r.code).toBe(0)
    // Lots of 30 and 12 are due; the lot of 50 is not: 42 points on 2 accounts.
    expect(JSON.parse(r.stdout)).toMatchObject({ expiredPoints: 42, accounts: 2, releasedReservations: 0 })
    const again = await runCli('ledger', 'expire', '--db', db, '--as-of', '2026-12-31T00:00:00+01:00')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('expired 0 points on 0 accounts')
    const balance = await runCli('balance', b, '--db', db, '--at', '2026-12-31T00:00:00Z', '--json')
    expect(JSON.parse(balance.stdout)).toMatchObject({ available: 50 })
  })

  it('a bad --as-of exits 2 naming the option', async () => {
    const r = await runCli('ledger', 'expire', '--db', freshDb(), '--as-of', 'yesterday')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--as-of must be an ISO-8601 date-time with an offset')
  })

  it('a missing --as-of is a usage error (exit 2)', async () => {
    const r = await runCli('ledger', 'expire', '--db', freshDb())
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--as-of')
  })
})

describe('tessera ledger check', () => {
  it('exits 0 on a consistent ledger', async () => {
    const db = freshDb()
    const card = await newCard(db)
    await earn(db, card, 'e1', 10)
    const r = await runCli('ledger', 'check', '--db', db)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('ledger consistent: 1 accounts, 1 entries')
  })

  it('exits 1 and lists each inconsistency when a balance row disagrees with its entries', async () => {
    const db = freshDb()
    const card = await newCard(db)
    await earn(db, card, 'e1', 10)
    const raw = openDatabase({ file: db })
    raw.prepare('UPDATE balances SET available = available + 5').run()
    raw.close()
    const r = await runCli('ledger', 'check', '--db', db)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('ledger INCONSISTENT')
    // The row says 15, the entries 10.
    expect(r.stdout).toContain('balance row available 15, entries say 10')
  })

  it('a store that cannot be opened exits 2 naming it', async () => {
    const r = await runCli('ledger', 'check', '--db', join(dir, 'no-such-dir', 'x.db'))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cannot open the store')
  })
})

describe.skipIf(testDatabaseUrl() === undefined)('the ledger commands on Postgres (--database-url)', () => {
  it('issues a card, reads its balance, sweeps and checks on a Postgres database', async () => {
    const db = await createTestDatabase()
    try {
      const card = (await runCli('card', 'new', '--database-url', db.url)).stdout.trim()
      expect(isValidGs1(card)).toBe(true)
      const store = await openPostgresStore({ connectionString: db.url, maxConnections: 1 })
      const posted = await store.post({
        kind: 'earn',
        key: 'pg-e1',
        at: T0,
        account: { card },
        points: 25,
        expiresAt: T0 + DAY,
      })
      await store.close()
      expect(posted._tag).toBe('Right')
      const balance = await runCli('balance', card, '--database-url', db.url, '--at', '2026-11-26T12:00:00Z', '--json')
      expect(JSON.parse(balance.stdout)).toMatchObject({ available: 25 })
      const sweep = await runCli(
        'ledger',
        'expire',
        '--database-url',
        db.url,
        '--as-of',
        '2026-11-28T00:00:00Z',
        '--json',
      )
      expect(JSON.parse(sweep.stdout)).toMatchObject({ expiredPoints: 25, accounts: 1 })
      expect((await runCli('ledger', 'check', '--database-url', db.url)).code).toBe(0)
    } finally {
      await db.drop()
    }
  })
})

import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '@tessera/store-postgres'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeEntry } from '../testkit/entries.js'
import { applyEntries } from './apply.js'
import { campaignReports, consistencyCheck, listConflicts, provisionAccounts, provisionBudgets } from './report.js'
import { migrateHeadOffice } from './schema.js'

const url = testDatabaseUrl()
let db: TestDatabase
let pool: pg.Pool

beforeAll(async () => {
  if (url === undefined) return
  db = await createTestDatabase(url)
  pool = new pg.Pool({ connectionString: db.url, max: 8 })
  await migrateHeadOffice(pool)
})
afterAll(async () => {
  await pool?.end()
  await db?.drop()
})
const reset = () =>
  pool.query(
    'TRUNCATE sync_postings, sync_entries, sync_accounts, sync_cards, sync_codes, sync_conflicts, sync_campaigns, sync_tills',
  )

describe.skipIf(url === undefined)('the head office applies entries', () => {
  it('applied twice is booked once, in one batch or in two', async () => {
    await reset()
    const a = closeEntry('T1', 1, 'acc-1', 10)
    const b = closeEntry('T1', 2, 'acc-1', 5)
    const first = await applyEntries(pool, [a, b, a])
    expect(first.map((o) => o._tag)).toEqual(['Applied', 'Applied', 'AlreadyApplied'])
    const again = await applyEntries(pool, [b, a])
    expect(again.map((o) => o._tag)).toEqual(['AlreadyApplied', 'AlreadyApplied'])
    const { rows } = await pool.query("SELECT points FROM sync_accounts WHERE account_id = 'acc-1'")
    expect(Number(rows[0].points)).toBe(15)
    expect((await consistencyCheck(pool)).mismatches).toEqual([])
  })

  it('refuses another entry under a seq the till already used, and applies the rest of the batch', async () => {
    await reset()
    const a = closeEntry('T1', 1, 'acc-1', 10)
    const forged = closeEntry('T1', 1, 'acc-1', 999)
    const c = closeEntry('T1', 2, 'acc-1', 1)
    const outcomes = await applyEntries(pool, [a, forged, c])
    expect(outcomes.map((o) => o._tag)).toEqual(['Applied', 'SeqTaken', 'Applied'])
    const { rows } = await pool.query("SELECT points FROM sync_accounts WHERE account_id = 'acc-1'")
    expect(Number(rows[0].points)).toBe(11)
  })

  it('a single-use code redeemed at two tills: both sales stand, the second is a conflict naming both, its discount in the campaign cost', async () => {
    await reset()
    const code = { code: 'C-1', pool: 'COUPON', campaignId: 'coupon-2', discount: 200 }
    const usage = [{ campaignId: 'coupon-2', redemptions: 1, discountSpent: 200, pointsSpent: 0 }]
    const one = closeEntry('T1', 1, 'acc-1', 8, { codes: [code], campaigns: usage, offline: true })
    const two = closeEntry('T2', 1, 'acc-2', 8, { codes: [code], campaigns: usage, offline: true })
    await applyEntries(pool, [one])
    await applyEntries(pool, [two, one])
    const conflicts = await listConflicts(pool)
    expect(conflicts).toEqual([
      {
        kind: 'code',
        code: 'C-1',
        campaignId: 'coupon-2',
        cost: 200,
        first: { till: 'T1', transactionId: 'T1-S-1', entryId: one.id },
        second: { till: 'T2', transactionId: 'T2-S-1', entryId: two.id },
      },
    ])
    const [coupon] = await campaignReports(pool)
    expect(coupon).toMatchObject({ campaignId: 'coupon-2', redemptions: 2, discountSpent: 400, conflictCost: 200 })
  })

  it('codes decided at once for a batch (each met once) or in order (one met twice) give the same holders and conflicts', async () => {
    await reset()
    const usage = [{ campaignId: 'coupon-2', redemptions: 1, discountSpent: 200, pointsSpent: 0 }]
    const sale = (till: string, seq: number, code: string) =>
      closeEntry(till, seq, `acc-${till}`, 8, {
        codes: [{ code, pool: 'COUPON', campaignId: 'coupon-2', discount: 200 }],
        campaigns: usage,
        offline: true,
      })
    const one = sale('T1', 1, 'C-1')
    const two = sale('T2', 1, 'C-1')
    const three = sale('T3', 1, 'C-2')
    const four = sale('T4', 1, 'C-2')
    const five = sale('T5', 1, 'C-2')
    await applyEntries(pool, [one])
    const mixed = await applyEntries(pool, [two, three]) // at once: C-1 held by T1, C-2 new
    expect(mixed).toEqual([
      { _tag: 'Applied', id: two.id, conflicts: 1 },
      { _tag: 'Applied', id: three.id, conflicts: 0 },
    ])
    const twice = await applyEntries(pool, [four, five]) // in order: C-2 met twice
    expect(twice).toEqual([
      { _tag: 'Applied', id: four.id, conflicts: 1 },
      { _tag: 'Applied', id: five.id, conflicts: 1 },
    ])
    const conflicts = await listConflicts(pool)
    expect(conflicts.map((c) => [c.code, c.first.till, c.second.till]).sort()).toEqual([
      ['C-1', 'T1', 'T2'],
      ['C-2', 'T3', 'T4'],
      ['C-2', 'T3', 'T5'],
    ])
    const { rows } = await pool.query('SELECT code, till FROM sync_codes ORDER BY code')
    expect(rows).toEqual([
      { code: 'C-1', till: 'T1' },
      { code: 'C-2', till: 'T3' },
    ])
    const [coupon] = await campaignReports(pool)
    expect(coupon).toMatchObject({ campaignId: 'coupon-2', redemptions: 5, discountSpent: 1000, conflictCost: 600 })
  })

  it('a balance taken below zero offline is kept as a debt, repaid by the next earnings, shown in the check', async () => {
    await reset()
    await provisionAccounts(pool, [{ accountId: 'acc-1', points: 60 }])
    const redeem = (till: string, seq: number) =>
      closeEntry(till, seq, 'acc-1', -50, { kind: 'redeem', ref: `${till}-rw-${seq}`, campaigns: [], offline: true })
    await applyEntries(pool, [redeem('T1', 1), redeem('T2', 1)])
    const owing = await consistencyCheck(pool)
    expect(owing.debts).toEqual([{ accountId: 'acc-1', debt: 40, lowest: -40 }])
    expect(owing.mismatches).toEqual([])
    await applyEntries(pool, [closeEntry('T1', 2, 'acc-1', 45)])
    const repaid = await consistencyCheck(pool)
    expect(repaid.debts).toEqual([])
    expect(repaid.repaid).toBe(1)
    expect(repaid.mismatches).toEqual([])
  })

  it('a budget overspent offline is reported per campaign', async () => {
    await reset()
    await provisionBudgets(pool, [
      {
        id: 'members-5',
        status: 'active',
        reward: { percentOff: { of: '*', percent: 5 } },
        limits: { budget: { discount: 120 } },
      },
    ])
    await applyEntries(pool, [closeEntry('T1', 1, 'a', 1), closeEntry('T2', 1, 'a', 1), closeEntry('T3', 1, 'a', 1)])
    const { overspent } = await consistencyCheck(pool)
    expect(overspent).toEqual([
      expect.objectContaining({ campaignId: 'members-5', discountSpent: 150, discountOverspend: 30 }),
    ])
  })

  it('at SERIALIZABLE under contention (4 appliers, the same accounts and campaign, every entry twice), each entry is booked once', async () => {
    await reset()
    const entries = Array.from({ length: 4 }, (_, t) =>
      Array.from({ length: 16 }, (_, i) => closeEntry(`T${t}`, i + 1, `acc-${i % 3}`, (i % 7) + 1)),
    )
    const all = entries.flat()
    // The pool as the appliers see it: counts the transactions rolled back (to be retried).
    let rollbacks = 0
    const counting = {
      connect: async () => {
        const client = await pool.connect()
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>
        return new Proxy(client, {
          get: (target, key, receiver) =>
            key === 'query'
              ? (...args: unknown[]) => {
                  if (args[0] === 'ROLLBACK') rollbacks++
                  return query(...args)
                }
              : Reflect.get(target, key, receiver),
        })
      },
    } as unknown as pg.Pool
    await Promise.all(
      entries.map(async (mine, t) => {
        const theirs = entries[(t + 1) % 4] as typeof mine
        for (let i = 0; i < mine.length; i += 4)
          // Each transaction stays open 20 ms after its writes, so that the appliers overlap for sure.
          await applyEntries(counting, [...mine.slice(i, i + 4), ...theirs.slice(i, i + 4)], {
            onAppliedBatch: () => new Promise((resolve) => setTimeout(resolve, 20)),
          })
      }),
    )
    const { rows } = await pool.query('SELECT account_id, points FROM sync_accounts ORDER BY account_id')
    const expected = new Map<string, number>()
    for (const e of all)
      for (const p of e.postings) expected.set(p.accountId, (expected.get(p.accountId) ?? 0) + p.points)
    expect(rows.map((r) => [r.account_id, Number(r.points)])).toEqual([...expected.entries()].sort())
    const [members] = await campaignReports(pool)
    expect(members?.redemptions).toBe(all.length)
    const count = await pool.query('SELECT count(*)::int AS n FROM sync_entries')
    expect(count.rows[0].n).toBe(all.length)
    // The contention was real: some transactions lost a serialization race (40001) and were retried.
    expect(rollbacks).toBeGreaterThan(0)
  })
})

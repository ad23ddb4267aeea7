import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Campaign, createLoyaltyHost, type Program } from '@tessera/core'
import { createTestDatabase, testDatabaseUrl } from '@tessera/store-postgres'
import {
  createHeadOfficeConsumer,
  createPublisher,
  ensureSyncStream,
  migrateHeadOffice,
  openLink,
  openOutboxReader,
  openTill,
  startNatsServer,
  withSaleContext,
} from '@tessera/sync'
import { basketOf, line, ok } from '@tessera/testing'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const url = testDatabaseUrl()
const program: Program = { id: 'club', earn: { points: 1, per: 100 } }
const campaigns: Campaign[] = [
  {
    id: 'coupon-2',
    status: 'active',
    code: { required: true, pool: 'COUPON' },
    reward: { amountOff: { of: 'basket', amount: 200 } },
  },
]

describe.skipIf(url === undefined)('tessera sync status after a real sync', () => {
  it('per till: the lag in entries and seconds, the entries applied, the last entry applied, the conflicts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-sync-status-'))
    const nats = await startNatsServer()
    const db = await createTestDatabase(url)
    const pool = new pg.Pool({ connectionString: db.url, max: 2 })
    const link = await openLink(nats.url, 'status-test')
    const closers: (() => Promise<void>)[] = []
    try {
      await migrateHeadOffice(pool)
      await ensureSyncStream(link.nc)
      // Two tills whose clock we move: each entry carries the till's time.
      let clock = Date.now()
      const till = async (tillId: string) => {
        const file = join(dir, `${tillId}.db`)
        const stores = openTill({ file, tillId, campaigns, now: () => clock })
        ok(await stores.checkout.putPool({ id: 'COUPON', kind: { type: 'singleUse' } }))
        ok(await stores.checkout.addCodes('COUPON', ['C-1']))
        const host = createLoyaltyHost({
          stores,
          program,
          campaigns,
          keyring: { K1: new Uint8Array(32).fill(7) },
          keyId: 'K1',
          clock: { now: () => clock },
          storeTimeZone: 'Europe/Paris',
          ids: {
            next: (() => {
              let n = 0
              return () => `${tillId}-${++n}`
            })(),
          },
        })
        const reader = openOutboxReader(file)
        closers.push(async () => {
          await reader.close()
          await stores.close()
        })
        return { file, host, reader, publisher: createPublisher({ reader, nc: link.nc }) }
      }
      const t1 = await till('T1')
      const t2 = await till('T2')
      const sell = (t: typeof t1, id: string, codes: string[] = []) =>
        withSaleContext({ offline: codes.length > 0 }, () =>
          t.host.close({ basket: basketOf(id, [line('1', 'A', 1, 1500)], { codes }), tenders: [] }),
        )
      // Both tills redeemed the same single-use code offline: one conflict, at the till applied second.
      ok(await sell(t1, 'T1-S-1', ['C-1']))
      ok(await sell(t1, 'T1-S-2'))
      ok(await sell(t1, 'T1-S-3'))
      expect(await t1.publisher.drain()).toBe(3)
      ok(await sell(t2, 'T2-S-1'))
      ok(await sell(t2, 'T2-S-2', ['C-1']))
      expect(await t2.publisher.drain()).toBe(2)

      const consumer = createHeadOfficeConsumer({ nc: link.nc, pool })
      let handled = 0
      while (handled < 5) handled += await consumer.pullBatch()

      // T2 sells on; 3 more entries, the oldest 90 s ago, are not at the head office yet (1 published, 2 not).
      const lateAt = Date.now() - 90_000
      clock = lateAt
      ok(await sell(t2, 'T2-S-3'))
      expect(await t2.publisher.drain()).toBe(1)
      clock = Date.now() - 30_000
      ok(await sell(t2, 'T2-S-4'))
      ok(await sell(t2, 'T2-S-5'))

      const t1Last = (await t1.reader.after(2, 1))[0]
      const t2Applied = (await t2.reader.after(1, 1))[0]
      const json = await runCli('sync', 'status', '--database-url', db.url, '--till', t1.file, t2.file, '--json')
      expect(json.stderr).toBe('')
      expect(json.code).toBe(0)
      const status = JSON.parse(json.stdout)
      expect(status).toHaveLength(2)
      expect(status[0]).toEqual({
        till: 'T1',
        applied: 3,
        lastEntryId: t1Last?.id,
        lastEntryAt: new Date(t1Last?.atMs ?? 0).toISOString(),
        conflicts: 0,
        lagEntries: 0,
        lagSeconds: 0,
        published: 3,
        written: 3,
      })
      expect(status[1]).toMatchObject({
        till: 'T2',
        applied: 2,
        lastEntryId: t2Applied?.id,
        conflicts: 1,
        lagEntries: 3,
        published: 3,
        written: 5,
      })
      // The age of the oldest entry not applied (written at lateAt), in whole seconds.
      const age = (Date.now() - lateAt) / 1000
      expect(status[1].lagSeconds).toBeGreaterThanOrEqual(Math.floor(age) - 1)
      expect(status[1].lagSeconds).toBeLessThanOrEqual(Math.ceil(age) + 1)

      // The table says the same, one line per till.
      const text = await runCli('sync', 'status', '--database-url', db.url, '--till', t1.file, t2.file)
      expect(text.code).toBe(0)
      const lines = text.stdout.trim().split('\n')
      expect(lines[0]).toMatch(/^till\s+lag\s+lag s\s+applied\s+conflicts\s+last entry applied$/)
      expect(lines[1]?.split(/\s+/).slice(0, 6)).toEqual(['T1', '0', '0', '3', '0', t1Last?.id])
      expect(lines[2]?.split(/\s+/).slice(0, 6)).toEqual([
        'T2',
        '3',
        String(status[1].lagSeconds),
        '2',
        '1',
        t2Applied?.id,
      ])

      // Without the tills' files: what the head office applied, the lag unknown.
      const hoOnly = await runCli('sync', 'status', '--database-url', db.url, '--json')
      expect(
        JSON.parse(hoOnly.stdout).map((s: { till: string; lagEntries?: number }) => [s.till, s.lagEntries]),
      ).toEqual([
        ['T1', undefined],
        ['T2', undefined],
      ])

      // Once the consumer has caught up, T2's lag is gone (its 2 unpublished entries published and applied).
      expect(await t2.publisher.drain()).toBe(2)
      handled = 0
      while (handled < 3) handled += await consumer.pullBatch()
      const after = JSON.parse(
        (await runCli('sync', 'status', '--database-url', db.url, '--till', t2.file, '--json')).stdout,
      )
      expect(after.find((s: { till: string }) => s.till === 'T2')).toMatchObject({
        applied: 5,
        lagEntries: 0,
        lagSeconds: 0,
      })
    } finally {
      for (const close of closers) await close()
      await link.close()
      await pool.end()
      await db.drop()
      await nats.dispose()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

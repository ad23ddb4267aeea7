import type { LoyaltyHost } from '@tessera/core'
import { testDatabaseUrl } from '@tessera/store-postgres'
import type { SqliteStores } from '@tessera/store-sqlite'
import { basketOf, line, ok } from '@tessera/testing'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SyncEntry } from '../entry/entry.js'
import type { NatsServer } from '../nats/server.js'
import { createFactsClient, type FactsClient, serveFacts } from '../online/facts.js'
import { type Link, openLink } from '../sim/link.js'
import { useHeadOffice } from '../testkit/headOffice.js'
import { COUPON_POOL, SYNC_CAMPAIGNS, tempDir, tillHost } from '../testkit/world.js'
import { withSaleContext } from '../till/outbox.js'
import { type OutboxReader, openOutboxReader, openTill } from '../till/till.js'
import { applyEntries } from './apply.js'
import { campaignReports, listConflicts } from './report.js'

const url = testDatabaseUrl()
let pool: pg.Pool
let nats: NatsServer
let link: Link
let facts: FactsClient
const tmp = tempDir('release')
const opened: { stores: SqliteStores; reader: OutboxReader }[] = []

const world = useHeadOffice()

beforeAll(async () => {
  if (url === undefined) return
  ;({ pool, nats } = world)
  link = await openLink(nats.url, 'release-test')
  serveFacts(link.nc, pool)
  facts = createFactsClient(link.current, 2000)
})
afterAll(async () => {
  for (const o of opened) {
    await o.reader.close()
    await o.stores.close()
  }
  await link?.close()
  tmp.done()
})

/** A till whose coupon pool holds `code`. */
const till = async (tillId: string, code: string) => {
  const file = tmp.file(`${tillId}.db`)
  const stores = openTill({ file, tillId, campaigns: SYNC_CAMPAIGNS })
  ok(await stores.checkout.putPool({ id: COUPON_POOL, kind: { type: 'singleUse' } }))
  ok(await stores.checkout.addCodes(COUPON_POOL, [code]))
  const reader = openOutboxReader(file)
  opened.push({ stores, reader })
  const host: LoyaltyHost = tillHost(stores, tillId)
  let read = 0
  /** The entries written since the last call. */
  const fresh = async (): Promise<readonly SyncEntry[]> => {
    const entries = await reader.after(read, 100)
    read = entries.at(-1)?.seq ?? read
    return entries
  }
  const sale = (id: string, offline = false) =>
    withSaleContext({ offline }, () =>
      host.close({
        basket: basketOf(id, [line('1', 'A', 2, 1500), line('2', 'B', 1, 800)], { codes: [code] }),
        tenders: [],
      }),
    )
  const fullReturn = (
    returnId: string,
    transactionId: string,
    lines = [
      { lineId: '1', quantity: 2 },
      { lineId: '2', quantity: 1 },
    ],
  ) =>
    host.return({
      returnId,
      transactionId,
      lines,
      at: '2026-11-26T10:30:00+01:00',
    })
  return { host, fresh, sale, fullReturn }
}

const holder = async (code: string) =>
  (await pool.query('SELECT till, transaction_id FROM sync_codes WHERE code = $1', [code])).rows[0] as
    | { till: string; transaction_id: string }
    | undefined
const claim = (code: string, tillId: string, transactionId: string) =>
  facts.ask({ op: 'claimCode', code, till: tillId, transactionId })

describe.skipIf(url === undefined)('a fully returned sale gives its single-use code back at the head office', () => {
  it('redeemed online, returned in full: the code is free again for every till, and the campaign usage given back', async () => {
    const t1 = await till('R1', 'G-1')
    expect(await claim('G-1', 'R1', 'R1-S-1')).toEqual({ online: true, answer: { ok: true } })
    ok(await t1.sale('R1-S-1'))
    await applyEntries(pool, await t1.fresh())
    expect(await holder('G-1')).toEqual({ till: 'R1', transaction_id: 'R1-S-1' })
    // Redeemed: another till asking for it is refused.
    expect(await claim('G-1', 'R9', 'R9-S-1')).toEqual({ online: true, answer: { ok: false, reason: 'REDEEMED' } })

    const partial = ok(
      await t1.host.return({
        returnId: 'R1-R-0',
        transactionId: 'R1-S-1',
        lines: [{ lineId: '2', quantity: 1 }],
        at: '2026-11-26T10:20:00+01:00',
      }),
    )
    expect(partial.full).toBe(false)
    const [partialEntry] = await t1.fresh()
    expect(partialEntry?.released).toBeUndefined()
    await applyEntries(pool, [partialEntry as SyncEntry])
    expect(await holder('G-1')).toEqual({ till: 'R1', transaction_id: 'R1-S-1' })

    // The return that completes the sale (the rest of it) is a full return.
    const back = ok(await t1.fullReturn('R1-R-1', 'R1-S-1', [{ lineId: '1', quantity: 2 }]))
    expect(back.full).toBe(true)
    const entries = await t1.fresh()
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'return',
        ref: 'R1-R-1',
        of: 'R1-S-1',
        released: [{ code: 'G-1', pool: COUPON_POOL, campaignId: 'coupon-2' }],
      }),
    ])
    await applyEntries(pool, entries)
    expect(await holder('G-1')).toBeUndefined()
    expect(await claim('G-1', 'R9', 'R9-S-1')).toEqual({ online: true, answer: { ok: true } })
    const coupon = (await campaignReports(pool)).find((c) => c.campaignId === 'coupon-2')
    expect(coupon).toMatchObject({ redemptions: 0, discountSpent: 0 })
    // Applied again (a redelivery): nothing changes.
    await applyEntries(pool, entries)
    expect(await holder('G-1')).toBeUndefined()
  })

  it('the return applied before its sale (out of order): the code is not taken by the late close', async () => {
    const t2 = await till('R2', 'G-2')
    ok(await t2.sale('R2-S-1', true))
    ok(await t2.fullReturn('R2-R-1', 'R2-S-1'))
    const [close, ret] = await t2.fresh()
    await applyEntries(pool, [ret as SyncEntry, close as SyncEntry])
    expect(await holder('G-2')).toBeUndefined()
    expect(await listConflicts(pool)).toEqual([])
  })

  it('redeemed at two tills offline, the first sale returned in full: the code passes to the second, the conflict stays on record', async () => {
    const a = await till('R3', 'G-3')
    const b = await till('R4', 'G-3')
    ok(await a.sale('R3-S-1', true))
    ok(await b.sale('R4-S-1', true))
    await applyEntries(pool, await a.fresh())
    await applyEntries(pool, await b.fresh())
    const conflicts = (await listConflicts(pool)).filter((c) => c.code === 'G-3')
    expect(conflicts.map((c) => [c.first.transactionId, c.second.transactionId])).toEqual([['R3-S-1', 'R4-S-1']])
    ok(await a.fullReturn('R3-R-1', 'R3-S-1'))
    await applyEntries(pool, await a.fresh())
    expect(await holder('G-3')).toEqual({ till: 'R4', transaction_id: 'R4-S-1' })
    expect(await claim('G-3', 'R9', 'R9-S-3')).toEqual({ online: true, answer: { ok: false, reason: 'REDEEMED' } })
    // The second sale returned too: now the code is free.
    ok(await b.fullReturn('R4-R-1', 'R4-S-1'))
    await applyEntries(pool, await b.fresh())
    expect(await holder('G-3')).toBeUndefined()
    expect((await listConflicts(pool)).filter((c) => c.code === 'G-3')).toHaveLength(1)
  })
})

import { AT, basketOf, line, ok } from '@tessera/testing'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeSyncEntry } from '../entry/entry.js'
import { COUPON_POOL, SYNC_CAMPAIGNS, tempDir, tillHost } from '../testkit/world.js'
import { withSaleContext } from './outbox.js'
import { openOutboxReader, openTill } from './till.js'

const at = Date.parse(AT)
const dirs: (() => void)[] = []
afterEach(() => {
  for (const done of dirs.splice(0)) done()
})

const till = async () => {
  const tmp = tempDir('outbox')
  dirs.push(tmp.done)
  const file = tmp.file('till.db')
  const stores = openTill({ file, tillId: 'T1', campaigns: SYNC_CAMPAIGNS })
  ok(await stores.checkout.putPool({ id: COUPON_POOL, kind: { type: 'singleUse' } }))
  ok(await stores.checkout.addCodes(COUPON_POOL, ['C-1', 'C-2']))
  const reader = openOutboxReader(file)
  return { file, stores, host: tillHost(stores, 'T1'), reader }
}

describe('the till outbox', () => {
  it('writes one entry per close, return, void, enrolment and reward redemption, in order, with unique v7 ids', async () => {
    const { stores, host, reader } = await till()
    const { card } = ok(await host.enrol({ key: 'm1', at }))
    const basket = basketOf('S-1', [line('1', 'A', 4, 5000)], { card: card.number, codes: ['C-1'] })
    const receipt = ok(await withSaleContext({ offline: true }, () => host.close({ basket, tenders: [] })))
    ok(await host.return({ returnId: 'R-1', transactionId: 'S-1', lines: [{ lineId: '1', quantity: 1 }], at: AT }))
    const session = ok(
      await host.open({ transactionId: 'S-2', storeId: '0042', terminalId: '03', currency: 'EUR', at: AT } as never),
    )
    ok(await session.void())
    ok(await host.redeemReward({ card: card.number, rewardId: 'voucher-5', key: 'rw-1', at }))

    const entries = await reader.after(0, 100)
    expect(entries.map((e) => e.kind)).toEqual(['enrol', 'card', 'close', 'return', 'void', 'redeem'])
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect(new Set(entries.map((e) => e.id)).size).toBe(6)
    for (const e of entries) expect(decodeSyncEntry(JSON.parse(JSON.stringify(e)))._tag).toBe('Right')
    const close = entries[2]
    expect(close).toMatchObject({ ref: 'S-1', offline: true, total: receipt.total })
    expect(close?.codes).toEqual([{ code: 'C-1', pool: COUPON_POOL, campaignId: 'coupon-2', discount: 200 }])
    expect(close?.postings.reduce((s, p) => s + p.points, 0)).toBe(receipt.points.earned)
    expect(close?.campaigns.map((c) => c.campaignId).sort()).toEqual(['coupon-2', 'members-5'])
    expect(entries[3]?.offline).toBe(false)
    expect(entries[3]?.postings.reduce((s, p) => s + p.points, 0)).toBeLessThan(0)
    expect(entries[5]?.postings).toEqual([expect.objectContaining({ points: -50 })])

    // The outbox holds exactly what the ledger booked, to the point.
    const balance = ok(await stores.loyalty.balance(card.accountId, at))
    const booked = entries.flatMap((e) => e.postings).reduce((s, p) => s + p.points, 0)
    expect(booked).toBe(balance.available + balance.pending + balance.reserved)
    await reader.close()
    await stores.close()
  })

  it('a refused booking writes no entry, and a retried close writes none twice', async () => {
    const { host, reader, stores } = await till()
    const basket = basketOf('S-1', [line('1', 'A', 1, 1000)], { codes: ['C-2'] })
    ok(await host.close({ basket, tenders: [] }))
    ok(await host.close({ basket, tenders: [] }))
    const again = await host.close({
      basket: basketOf('S-9', [line('1', 'A', 1, 1000)], { codes: ['C-2'] }),
      tenders: [],
    })
    expect(again._tag).toBe('Left')
    const redeem = await host.redeemReward({ card: 'NO-SUCH-CARD', rewardId: 'voucher-5', key: 'x', at })
    expect(redeem._tag).toBe('Left')
    expect((await reader.after(0, 100)).map((e) => e.ref)).toEqual(['S-1'])
    await reader.close()
    await stores.close()
  })

  it('entries are immutable: an update or a delete is refused by the file itself', async () => {
    const { host, reader, stores, file } = await till()
    ok(await host.close({ basket: basketOf('S-1', [line('1', 'A', 1, 1000)]), tenders: [] }))
    await reader.close()
    await stores.close()
    const db = new Database(file)
    expect(() => db.prepare("UPDATE sync_outbox SET body = '{}'").run()).toThrow(/immutable/)
    expect(() => db.prepare('DELETE FROM sync_outbox').run()).toThrow(/immutable/)
    expect(db.prepare('SELECT count(*) AS n FROM sync_outbox').get()).toEqual({ n: 1 })
    db.close()
  })

  it('the publisher cursor only moves forward', async () => {
    const { host, reader, stores } = await till()
    ok(await host.close({ basket: basketOf('S-1', [line('1', 'A', 1, 1000)]), tenders: [] }))
    ok(await host.close({ basket: basketOf('S-2', [line('1', 'A', 1, 1000)]), tenders: [] }))
    await reader.acked(2, 10)
    await reader.acked(1, 20)
    expect(await reader.position()).toMatchObject({ lastSeq: 2, ackedSeq: 2, ackedAtMs: 10 })
    await reader.close()
    await stores.close()
  })
})

import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { testDatabaseUrl } from '@tessera/store-postgres'
import { AT, basketOf, line, ok } from '@tessera/testing'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeCloudEvent } from '../events/event.js'
import { EVENT_OUTBOX_TABLE } from '../events/outbox.js'
import { drainEventOutbox, EVENT_STREAM, ensureEventStream } from '../events/publisher.js'
import type { NatsServer } from '../nats/server.js'
import { ensureSyncStream } from '../nats/stream.js'
import { createPublisher } from '../publisher/publisher.js'
import { useHeadOffice } from '../testkit/headOffice.js'
import { COUPON_POOL, SYNC_CAMPAIGNS, tempDir, tillHost } from '../testkit/world.js'
import { openOutboxReader, openTill } from '../till/till.js'
import { applyEntries } from './apply.js'
import { createHeadOfficeConsumer } from './consumer.js'
import { recordEntryEvents } from './events.js'

const url = testDatabaseUrl()
const at = Date.parse(AT)
let pool: pg.Pool
let nats: NatsServer
let nc: NatsConnection
const tmp = tempDir('events')

const world = useHeadOffice()

beforeAll(async () => {
  if (url === undefined) return
  ;({ pool, nats } = world)
  nc = await connect({ servers: nats.url })
  await ensureSyncStream(nc)
})
afterAll(async () => {
  await nc?.close()
  tmp.done()
})

const outbox = async () =>
  (await pool.query(`SELECT id, subject, envelope FROM ${EVENT_OUTBOX_TABLE} ORDER BY seq`)).rows.map((r) => ({
    id: r.id as string,
    subject: r.subject as string,
    envelope: JSON.parse(r.envelope),
  }))

describe.skipIf(url === undefined)('the head office records the events of every entry it applies', () => {
  it('till → JetStream → consumer: each entry’s CloudEvents are in the outbox, with the head office’s balances, once', async () => {
    const stores = openTill({ file: tmp.file('E1.db'), tillId: 'E1', campaigns: SYNC_CAMPAIGNS })
    ok(await stores.checkout.putPool({ id: COUPON_POOL, kind: { type: 'singleUse' } }))
    ok(await stores.checkout.addCodes(COUPON_POOL, ['C-1']))
    const host = tillHost(stores, 'E1')
    const { card, account } = ok(await host.enrol({ key: 'm1', at }))
    const basket = basketOf('E1-S-1', [line('1', 'A', 4, 5000)], { card: card.number, codes: ['C-1'] })
    const receipt = ok(await host.close({ basket, tenders: [] }))
    ok(await host.redeemReward({ card: card.number, rewardId: 'voucher-5', key: 'E1-RW-1', at }))
    ok(
      await host.return({ returnId: 'E1-R-1', transactionId: 'E1-S-1', lines: [{ lineId: '1', quantity: 1 }], at: AT }),
    )
    const reader = openOutboxReader(tmp.file('E1.db'))
    expect(await createPublisher({ reader, nc }).drain()).toBe(5) // enrol, card, close, redeem, return

    const consumer = createHeadOfficeConsumer({ nc, pool, batchSize: 2 })
    let handled = 0
    while (handled < 5) handled += await consumer.pullBatch()

    const rows = await outbox()
    expect(rows.map((r) => r.id)).toEqual([
      `enrol:${account.accountId}/member.enrolled`,
      'close:E1-S-1/points.earned',
      'close:E1-S-1/coupon.redeemed/C-1',
      'redeem:E1-RW-1/points.redeemed',
      'return:E1-R-1/points.reversed',
    ])
    for (const r of rows) {
      const decoded = decodeCloudEvent(JSON.stringify(r.envelope))
      expect(decoded._tag).toBe('Right')
      expect(r.subject).toBe(`tessera.events.${r.envelope.type.slice('tessera.'.length)}`)
      expect(r.envelope).toMatchObject({
        specversion: '1.0',
        source: '/tessera/head-office',
        subject: `account/${account.accountId}`,
      })
    }
    const [enrolled, earned, redeemedCode, redeemed, reversed] = rows.map((r) => r.envelope.data)
    // The till opens the account and issues its card in two bookings (two entries): the event names the account.
    expect(enrolled).toEqual({ accountId: account.accountId })
    // The balances are the head office's ledger after each entry, to the point.
    expect(earned).toEqual({
      accountId: account.accountId,
      card: card.number,
      transactionId: 'E1-S-1',
      points: receipt.points.earned,
      balance: receipt.points.earned,
    })
    expect(redeemedCode).toMatchObject({ transactionId: 'E1-S-1', code: 'C-1' })
    expect(redeemed).toEqual({
      accountId: account.accountId,
      card: card.number,
      rewardId: 'voucher-5',
      grantId: 'E1-RW-1',
      points: 50,
      balance: receipt.points.earned - 50,
    })
    expect(reversed).toMatchObject({ transactionId: 'E1-S-1', returnId: 'E1-R-1' })
    const { rows: acc } = await pool.query('SELECT points FROM sync_accounts WHERE account_id = $1', [
      account.accountId,
    ])
    expect(reversed.balance).toBe(Number(acc[0].points))
    expect(reversed.points).toBe(receipt.points.earned - 50 - Number(acc[0].points))

    // Applied again (a redelivery): booked once, recorded once.
    const again = await reader.after(0, 10)
    const outcomes = await applyEntries(pool, again, { onApplied: recordEntryEvents() })
    expect(outcomes.every((o) => o._tag === 'AlreadyApplied')).toBe(true)
    expect((await outbox()).length).toBe(5)

    // And the outbox publisher takes them to tessera.events.<kind>.
    const jsm = await jetstreamManager(nc)
    await ensureEventStream(jsm)
    const drained = await drainEventOutbox({ db: pool, js: jetstream(nc) })
    expect(drained).toEqual({ _tag: 'Right', right: { published: 5, duplicates: 0 } })
    expect((await jsm.streams.info(EVENT_STREAM)).state.messages).toBe(5)
    await reader.close()
    await stores.close()
  })

  it('the events commit with the entry or not at all: a failure after them rolls both back', async () => {
    const stores = openTill({ file: tmp.file('E2.db'), tillId: 'E2', campaigns: SYNC_CAMPAIGNS })
    const host = tillHost(stores, 'E2')
    const { card } = ok(await host.enrol({ key: 'm2', at }))
    ok(await host.close({ basket: basketOf('E2-S-1', [line('1', 'A', 1, 3000)], { card: card.number }), tenders: [] }))
    const reader = openOutboxReader(tmp.file('E2.db'))
    const entries = await reader.after(0, 10)
    const before = (await outbox()).length
    const failing = async () => {
      throw new Error('the head office died after recording the events')
    }
    const record = recordEntryEvents()
    await expect(
      applyEntries(pool, entries, {
        onApplied: async (tx, e) => {
          await record(tx, e)
          if (e.kind === 'close') await failing()
        },
      }),
    ).rejects.toThrow(/died/)
    expect((await outbox()).length).toBe(before)
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM sync_entries WHERE till = 'E2'")
    expect(rows[0].n).toBe(0)
    // Applied for real, the close's event is there.
    await applyEntries(pool, entries, { onApplied: record })
    expect((await outbox()).map((r) => r.id)).toContain('close:E2-S-1/points.earned')
    await reader.close()
    await stores.close()
  })
})

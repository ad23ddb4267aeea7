import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { testDatabaseUrl } from '@tessera/store-postgres'
import { basketOf, line, ok } from '@tessera/testing'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHeadOfficeConsumer } from '../headoffice/consumer.js'
import { tillsApplied } from '../headoffice/report.js'
import type { NatsServer } from '../nats/server.js'
import { ensureSyncStream, SYNC_STREAM } from '../nats/stream.js'
import { useHeadOffice } from '../testkit/headOffice.js'
import { tempDir, tillHost } from '../testkit/world.js'
import { type OutboxReader, openOutboxReader, openTill } from '../till/till.js'
import { createPublisher } from './publisher.js'

const url = testDatabaseUrl()
let pool: pg.Pool
let nats: NatsServer
let nc: NatsConnection
const tmp = tempDir('pipeline')

const world = useHeadOffice()

beforeAll(async () => {
  if (url === undefined) return
  ;({ pool, nats } = world)
  nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
  await ensureSyncStream(nc)
})
afterAll(async () => {
  await nc?.close()
  tmp.done()
})

const sell = async (tillId: string, n: number) => {
  const stores = openTill({ file: tmp.file(`${tillId}.db`), tillId })
  const host = tillHost(stores, tillId)
  for (let i = 1; i <= n; i++) {
    ok(await host.close({ basket: basketOf(`${tillId}-S-${i}`, [line('1', 'A', 1, 1000 + i)]), tenders: [] }))
  }
  return stores
}

/** A reader whose cursor write fails once after `after` acks: the publisher "crashes" between the ack and the cursor. */
const crashingOnce = (reader: OutboxReader): OutboxReader => {
  let crashed = false
  return {
    ...reader,
    acked: async (seq, at) => {
      if (!crashed) {
        crashed = true
        throw new Error('killed between the ack and the cursor write')
      }
      await reader.acked(seq, at)
    },
  }
}

describe.skipIf(url === undefined)('till → JetStream → head office', () => {
  it('drains in order and in batches, resumes after a crash without a duplicate in the stream or the ledger', async () => {
    const stores = await sell('P1', 25)
    const reader = openOutboxReader(tmp.file('P1.db'))
    const crashing = createPublisher({ reader: crashingOnce(reader), nc, batchSize: 10 })
    await expect(crashing.publishBatch()).rejects.toThrow(/killed/)
    expect((await reader.position()).ackedSeq).toBe(0)
    const publisher = createPublisher({ reader, nc, batchSize: 10 })
    expect(await publisher.drain()).toBe(25)
    expect(await reader.position()).toMatchObject({ lastSeq: 25, ackedSeq: 25 })
    const jsm = await jetstreamManager(nc)
    // The ten entries sent before the "crash" were sent again: the broker dropped them by Nats-Msg-Id.
    expect((await jsm.streams.info(SYNC_STREAM)).state.messages).toBe(25)

    const consumer = createHeadOfficeConsumer({ nc, pool, batchSize: 8 })
    let handled = 0
    while (handled < 25) handled += await consumer.pullBatch()
    const [till] = await tillsApplied(pool)
    expect(till).toMatchObject({ till: 'P1', applied: 25, maxSeq: 25 })
    const { rows } = await pool.query('SELECT seq FROM sync_entries ORDER BY seq')
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    await reader.close()
    await stores.close()
  })

  it('a publisher keeps its entries while the broker is down and delivers them when it is back', async () => {
    const stores = await sell('P2', 3)
    const reader = openOutboxReader(tmp.file('P2.db'))
    const errors: unknown[] = []
    const publisher = createPublisher({ reader, nc, ackTimeoutMs: 300, onError: (e) => errors.push(e) })
    await nats.stop()
    const down = await publisher.publishBatch()
    expect(down).toEqual({ acked: 0, failed: 3 })
    expect(errors.length).toBe(1)
    expect((await reader.position()).ackedSeq).toBe(0)
    await nats.start()
    for (let i = 0; i < 50 && (await reader.position()).ackedSeq < 3; i++) {
      await publisher.publishBatch().catch(() => undefined)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect((await reader.position()).ackedSeq).toBe(3)
    await reader.close()
    await stores.close()
  })

  it('a message that is not an entry is terminated and reported, never applied', async () => {
    const js = jetstream(nc)
    await js.publish('tessera.sync.X', new TextEncoder().encode('{"v":1,"id":"nope"}'), { msgID: 'bad-1' })
    const rejected: string[] = []
    const consumer = createHeadOfficeConsumer({
      nc,
      pool,
      onRejected: (e) => rejected.push('message' in e ? e.message : e._tag),
    })
    for (let i = 0; i < 10 && rejected.length === 0; i++) await consumer.pullBatch()
    expect(rejected[0]).toMatch(/sync entry: id: must be a UUID v7/)
  })
})

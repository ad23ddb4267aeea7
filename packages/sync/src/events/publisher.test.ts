import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '@tessera/store-postgres'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { applyEvent, ensureCrmConsumer, openCrmStore, runCrmConsumer } from '../../examples/crm-consumer.js'
import { type AnyDomainEvent, decodeCloudEvent } from './event.js'
import { startNatsServer, type TestNatsServer } from './natsServer.js'
import { EVENT_OUTBOX_TABLE, migrateEventOutbox, recordEvents } from './outbox.js'
import { drainEventOutbox, EVENT_STREAM, ensureEventStream, pendingEvents } from './publisher.js'

const server = testDatabaseUrl()
const describePg = server === undefined ? describe.skip : describe

/** N points-earned events of distinct sales, 10 points each, for `members` members in turn. */
const earned = (from: number, n: number, members = 5): AnyDomainEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `close:T-${from + i}/points.earned`,
    kind: 'points.earned' as const,
    time: '2026-11-26T10:15:00+01:00',
    subject: `member/m-${(from + i) % members}`,
    data: { memberId: `m-${(from + i) % members}`, transactionId: `T-${from + i}`, points: 10 },
  }))

describePg('events out: the outbox, the publisher and an exactly-once consumer', () => {
  let database: TestDatabase
  let pool: pg.Pool
  let nats: TestNatsServer
  let nc: NatsConnection
  let js: JetStreamClient
  let jsm: JetStreamManager
  const dir = mkdtempSync(join(tmpdir(), 'tessera-events-'))

  const reconnect = async () => {
    nc = await nats.connect()
    js = jetstream(nc)
    jsm = await jetstreamManager(nc)
  }
  const streamMessages = async () => (await jsm.streams.info(EVENT_STREAM)).state.messages
  const record = async (events: readonly AnyDomainEvent[]) => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const r = await recordEvents(client, events)
      await client.query('COMMIT')
      return r
    } finally {
      client.release()
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase(server)
    pool = new pg.Pool({ connectionString: database.url, max: 4 })
    await migrateEventOutbox(pool)
    nats = await startNatsServer()
    await reconnect()
  })
  afterAll(async () => {
    await nc?.close()
    await nats?.stop()
    await pool?.end()
    await database?.drop()
    rmSync(dir, { recursive: true, force: true })
  })
  // Every test uses its own transaction numbers: JetStream remembers msg ids across a purge.
  beforeEach(async () => {
    await pool.query(`DELETE FROM ${EVENT_OUTBOX_TABLE}`)
    await ensureEventStream(jsm)
    await jsm.streams.purge(EVENT_STREAM)
  })

  it('records events in the caller’s transaction: rolled back with it, committed with it, once per id', async () => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      expect(await recordEvents(client, earned(1, 3))).toEqual({ _tag: 'Right', right: { recorded: 3 } })
      await client.query('ROLLBACK')
    } finally {
      client.release()
    }
    expect(await pendingEvents(pool)).toBe(0)
    expect(await record(earned(1, 3))).toEqual({ _tag: 'Right', right: { recorded: 3 } })
    // The same booking applied again records nothing new.
    expect(await record(earned(1, 3))).toEqual({ _tag: 'Right', right: { recorded: 0 } })
    expect(await pendingEvents(pool)).toBe(3)
  })

  it('at SERIALIZABLE, two transactions applying the same booking at once record its events once (a retry on 40001)', async () => {
    const events = earned(500, 5)
    /** The caller's transaction loop: SERIALIZABLE, the whole transaction again on 40001 or 23505. */
    const apply = async (hold: Promise<void>) => {
      const client = await pool.connect()
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE')
            const r = await recordEvents(client, events)
            await hold
            await client.query('COMMIT')
            return { recorded: r._tag === 'Right' ? r.right.recorded : -1, attempt }
          } catch (e) {
            await client.query('ROLLBACK')
            const code = (e as { code?: string }).code
            if ((code !== '40001' && code !== '23505') || attempt >= 5) throw e
          }
        }
      } finally {
        client.release()
      }
    }
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const first = apply(held)
    await new Promise((r) => setTimeout(r, 100))
    const second = apply(Promise.resolve())
    await new Promise((r) => setTimeout(r, 100))
    release()
    const results = await Promise.all([first, second])
    expect(results.map((r) => r.recorded).sort()).toEqual([0, 5])
    expect(results[1]?.attempt).toBeGreaterThan(1)
    expect(await pendingEvents(pool)).toBe(5)
  })

  it('refuses a bad event with its path and writes nothing of the batch', async () => {
    const good = earned(1, 1)[0] as AnyDomainEvent
    const r = await record([
      good,
      { ...good, id: 'has\nnewline' },
      { ...good, id: 'x', kind: 'points.gifted' as never },
      { ...good, id: 'y', time: '2026-11-26 10:15' },
    ])
    expect(r._tag).toBe('Left')
    expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual([
      'events.1.id',
      'events.2.kind',
      'events.3.time',
    ])
    expect((await record([good, good]))._tag).toBe('Left')
    expect(await pendingEvents(pool)).toBe(0)
  })

  it('publishes each event once, in a CloudEvents envelope on tessera.events.<kind>, with its id as Nats-Msg-Id', async () => {
    await record(earned(1, 40))
    expect(await drainEventOutbox({ db: pool, js, batchSize: 16 })).toEqual({
      _tag: 'Right',
      right: { published: 40, duplicates: 0 },
    })
    expect(await pendingEvents(pool)).toBe(0)
    expect(await drainEventOutbox({ db: pool, js })).toEqual({ _tag: 'Right', right: { published: 0, duplicates: 0 } })
    const first = await jsm.streams.getMessage(EVENT_STREAM, {
      seq: (await jsm.streams.info(EVENT_STREAM)).state.first_seq,
    })
    expect(first?.subject).toBe('tessera.events.points.earned')
    expect(first?.header.get('Nats-Msg-Id')).toBe('close:T-1/points.earned')
    const envelope = decodeCloudEvent(first?.string() ?? '')
    expect(envelope).toMatchObject({
      _tag: 'Right',
      right: {
        specversion: '1.0',
        id: 'close:T-1/points.earned',
        source: '/tessera/head-office',
        type: 'tessera.points.earned',
        time: '2026-11-26T10:15:00+01:00',
        subject: 'member/m-1',
        datacontenttype: 'application/json',
        data: { transactionId: 'T-1', points: 10 },
      },
    })
    expect(await streamMessages()).toBe(40)
    // In the order recorded (T-1 … T-40), not the order of the ids as text.
    const info = await jsm.streams.info(EVENT_STREAM)
    const ids: string[] = []
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++)
      ids.push((await jsm.streams.getMessage(EVENT_STREAM, { seq }))?.header.get('Nats-Msg-Id') ?? '')
    expect(ids).toEqual(earned(1, 40).map((e) => e.id))
  })

  it('after a crash between the acks and the marking, re-sends and JetStream drops the duplicates', async () => {
    await record(earned(1001, 30))
    // The process dies once the broker acked, before the UPDATE that marks the rows.
    const dying = {
      query: (text: string, values?: unknown[]) =>
        text.startsWith('UPDATE') ? Promise.reject(new Error('killed')) : pool.query(text, values),
    }
    await expect(drainEventOutbox({ db: dying, js, batchSize: 10 })).rejects.toThrow('killed')
    expect(await pendingEvents(pool)).toBe(30)
    expect(await streamMessages()).toBe(10)
    expect(await drainEventOutbox({ db: pool, js, batchSize: 10 })).toEqual({
      _tag: 'Right',
      right: { published: 20, duplicates: 10 },
    })
    expect(await streamMessages()).toBe(30)
  })

  it('with the link cut, nothing is marked; restored, everything goes out once', async () => {
    await record(earned(2001, 25))
    await nats.kill()
    const cut = await drainEventOutbox({ db: pool, js, ackTimeoutMs: 500 })
    expect(cut._tag).toBe('Left')
    expect(cut._tag === 'Left' && cut.left).toMatchObject({ _tag: 'EventPublishFailed', done: { published: 0 } })
    expect(await pendingEvents(pool)).toBe(25)
    await nc.close().catch(() => undefined)
    await nats.start()
    await reconnect()
    expect(await drainEventOutbox({ db: pool, js })).toEqual({ _tag: 'Right', right: { published: 25, duplicates: 0 } })
    expect(await streamMessages()).toBe(25)
  })

  it('the CRM consumer applies every event exactly once across a crash before its ack and a re-sent duplicate', async () => {
    const db = openCrmStore(join(dir, 'crm.sqlite'))
    await ensureCrmConsumer(jsm, 'crm', { ackWaitMs: 1000 })
    await record(earned(3001, 50))
    await drainEventOutbox({ db: pool, js })
    // An event re-published past the duplicate window (another msg id): the broker keeps both copies.
    const again = (await pool.query(`SELECT envelope FROM ${EVENT_OUTBOX_TABLE} ORDER BY seq LIMIT 1`)).rows[0]
    await js.publish('tessera.events.points.earned', again.envelope, { msgID: 'resent-after-window' })
    // A message that is not a Tessera CloudEvent is terminated, not retried forever.
    await js.publish('tessera.events.points.earned', '{"hello":1}')

    // The CRM dies after committing its 20th event, before acking it.
    let seen = 0
    const first = await runCrmConsumer({ js, db, durable: 'crm', dieBeforeAck: () => ++seen === 20 })
    expect(first).toEqual({ applied: 20, duplicates: 0, refused: 0 })
    // Restarted: the unacked ones come back after ack_wait; the 20th is found in its store.
    const second = await runCrmConsumer({ js, db, durable: 'crm', stopWhenIdle: true })
    expect(second).toEqual({ applied: 30, duplicates: 2, refused: 1 })
    const processed = db.prepare('SELECT count(*) AS n FROM processed_events').get() as { n: number }
    expect(processed.n).toBe(50)
    const points = db.prepare('SELECT sum(points_earned) AS p FROM contacts').get() as { p: number }
    expect(points.p).toBe(500)
    const info = await jsm.consumers.info(EVENT_STREAM, 'crm')
    expect(info.num_ack_pending).toBe(0)
    expect(info.num_pending).toBe(0)
    // Applying an event by hand twice changes nothing the second time.
    const envelope = decodeCloudEvent(again.envelope)
    if (envelope._tag === 'Left') throw new Error(envelope.left.message)
    expect(applyEvent(db, envelope.right, 1)).toBe('duplicate')
    db.close()
  })
})

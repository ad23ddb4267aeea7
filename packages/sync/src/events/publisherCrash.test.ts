import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from '@tessera/store-postgres'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnyDomainEvent } from './event.js'
import { startNatsServer, type TestNatsServer } from './natsServer.js'
import { migrateEventOutbox, recordEvents } from './outbox.js'
import { EVENT_STREAM, ensureEventStream, pendingEvents } from './publisher.js'

const server = testDatabaseUrl()
const describePg = server === undefined ? describe.skip : describe
const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..', '..')
const script = join(here, '..', '..', 'examples', 'event-publisher.ts')
const EVENTS = 3000

describePg('the event publisher process, killed with SIGKILL at random moments', () => {
  let database: TestDatabase
  let pool: pg.Pool
  let nats: TestNatsServer
  let nc: NatsConnection
  let jsm: JetStreamManager

  beforeAll(async () => {
    database = await createTestDatabase(server)
    pool = new pg.Pool({ connectionString: database.url, max: 2 })
    await migrateEventOutbox(pool)
    nats = await startNatsServer()
    nc = await nats.connect()
    jsm = await jetstreamManager(nc)
    await ensureEventStream(jsm)
  })
  afterAll(async () => {
    await nc?.close()
    await nats?.stop()
    await pool?.end()
    await database?.drop()
  })

  const start = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tessera/source', script], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: database.url, NATS_URL: nats.url, BATCH_SIZE: '50' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve(child)
      })
      child.once('exit', (code) => reject(new Error(`the publisher exited (${code}) before it was ready`)))
    })
  const killed = (child: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      child.removeAllListeners('exit')
      child.once('exit', () => resolve())
      child.kill(signal)
    })

  it('publishes every event exactly once in the stream, whatever moment it dies at', async () => {
    const events: AnyDomainEvent[] = Array.from({ length: EVENTS }, (_, i) => ({
      id: `close:T-${i}/points.earned`,
      kind: 'points.earned',
      time: '2026-11-26T10:15:00+01:00',
      subject: `member/m-${i % 40}`,
      data: { memberId: `m-${i % 40}`, transactionId: `T-${i}`, points: 1 + (i % 7) },
    }))
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await recordEvents(client, events)
      await client.query('COMMIT')
    } finally {
      client.release()
    }
    const left: number[] = []
    // A fixed set of moments after start-up (ms), so that a failure can be replayed.
    for (const delayMs of [60, 15, 200]) {
      const child = await start()
      await new Promise((r) => setTimeout(r, delayMs))
      await killed(child, 'SIGKILL')
      left.push(await pendingEvents(pool))
    }
    // At least one kill landed mid-drain (else the test proved nothing about crashes).
    expect(left.some((n) => n > 0 && n < EVENTS)).toBe(true)
    const last = await start()
    for (let waited = 0; (await pendingEvents(pool)) > 0 && waited < 60_000; waited += 100)
      await new Promise((r) => setTimeout(r, 100))
    await killed(last, 'SIGTERM')
    expect(await pendingEvents(pool)).toBe(0)
    const stream = await jsm.streams.info(EVENT_STREAM)
    // Every event once: the broker dropped each re-sent Nats-Msg-Id.
    expect(stream.state.messages).toBe(EVENTS)
  }, 120_000)
})

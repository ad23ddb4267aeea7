/**
 * The head office's event publisher as a process: drains the outbox of `DATABASE_URL` to the
 * JetStream server of `NATS_URL` until it gets SIGTERM or SIGINT. Kill it at any moment (even with
 * SIGKILL) and start it again: it resumes from the events not yet acked, and loses none.
 *
 *     DATABASE_URL=postgres://… NATS_URL=nats://127.0.0.1:4222 \
 *       tsx --conditions=@tessera/source packages/sync/examples/event-publisher.ts
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import pg from 'pg'
import { ensureEventStream, migrateEventOutbox, runEventPublisher } from '../src/index.js'

const databaseUrl = process.env.DATABASE_URL
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
if (databaseUrl === undefined) {
  process.stderr.write('event-publisher: DATABASE_URL is not set\n')
  process.exit(2)
}
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1 })
await migrateEventOutbox(pool)
await ensureEventStream(await jetstreamManager(nc))
const stop = new AbortController()
process.on('SIGTERM', () => stop.abort())
process.on('SIGINT', () => stop.abort())
process.stdout.write('ready\n')
const done = await runEventPublisher({
  db: pool,
  js: jetstream(nc),
  batchSize: Number(process.env.BATCH_SIZE ?? 256),
  signal: stop.signal,
  onFailure: (f) => process.stderr.write(`event-publisher: ${f.message}\n`),
})
process.stdout.write(`${JSON.stringify(done)}\n`)
await nc.drain()
await pool.end()

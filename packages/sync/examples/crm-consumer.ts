/**
 * A CRM that follows Tessera's domain events: a durable JetStream consumer that applies each
 * event exactly once by its CloudEvents id, in its own SQLite store, and acks only after its
 * transaction committed.
 *
 * Why exactly once holds: JetStream delivers at least once (a crash before the ack, or an ack
 * lost, brings the message back), and the publisher may re-send an event past the broker's
 * duplicate window. The CRM therefore records the event id in the SAME transaction as the effect
 * (`INSERT OR IGNORE INTO processed_events`): a redelivered event finds its id and changes
 * nothing, then is acked again.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import Database from 'better-sqlite3'
import { type CloudEvent, decodeCloudEvent, EVENT_STREAM, kindOf } from '../src/index.js'

/** The CRM's own store: the events it applied, and one row per contact. */
export const openCrmStore = (file: string): Database.Database => {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS processed_events (id TEXT PRIMARY KEY, type TEXT NOT NULL, stream_seq INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS contacts (
      subject TEXT PRIMARY KEY,
      points_earned INTEGER NOT NULL DEFAULT 0,
      points_spent INTEGER NOT NULL DEFAULT 0,
      coupons_issued INTEGER NOT NULL DEFAULT 0,
      tier TEXT,
      lifecycle TEXT
    );`)
  return db
}

/** What applying one event did: applied now, or already applied before (a redelivery). */
export type Applied = 'applied' | 'duplicate'

/** Applies one event in one SQLite transaction, keyed by its id. */
export const applyEvent = (db: Database.Database, event: CloudEvent, streamSeq: number): Applied =>
  db.transaction((): Applied => {
    const fresh = db
      .prepare('INSERT OR IGNORE INTO processed_events (id, type, stream_seq) VALUES (?, ?, ?)')
      .run(event.id, event.type, streamSeq)
    if (fresh.changes === 0) return 'duplicate'
    db.prepare('INSERT OR IGNORE INTO contacts (subject) VALUES (?)').run(event.subject)
    const data = event.data as { points?: number; to?: string }
    switch (kindOf(event)) {
      case 'points.earned':
        db.prepare('UPDATE contacts SET points_earned = points_earned + ? WHERE subject = ?').run(
          data.points ?? 0,
          event.subject,
        )
        break
      case 'points.reversed':
        db.prepare('UPDATE contacts SET points_earned = points_earned - ? WHERE subject = ?').run(
          data.points ?? 0,
          event.subject,
        )
        break
      case 'points.redeemed':
      case 'points.expired':
        db.prepare('UPDATE contacts SET points_spent = points_spent + ? WHERE subject = ?').run(
          data.points ?? 0,
          event.subject,
        )
        break
      case 'coupon.issued':
        db.prepare('UPDATE contacts SET coupons_issued = coupons_issued + 1 WHERE subject = ?').run(event.subject)
        break
      case 'tier.changed':
        db.prepare('UPDATE contacts SET tier = ? WHERE subject = ?').run(data.to ?? null, event.subject)
        break
      case 'lifecycle.changed':
        db.prepare('UPDATE contacts SET lifecycle = ? WHERE subject = ?').run(data.to ?? null, event.subject)
        break
      default:
        break
    }
    return 'applied'
  })()

/** Creates the CRM's durable consumer on the events stream (explicit acks, from the first event). */
export const ensureCrmConsumer = async (
  jsm: JetStreamManager,
  durable: string,
  options: { readonly ackWaitMs?: number; readonly stream?: string } = {},
) => {
  await jsm.consumers.add(options.stream ?? EVENT_STREAM, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: 'tessera.events.>',
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
  })
}

/** How a run of the consumer went. */
export interface CrmRun {
  readonly applied: number
  readonly duplicates: number
  /** Messages that are not Tessera CloudEvents: terminated, never redelivered. */
  readonly refused: number
}

/**
 * Runs the CRM consumer until `signal` aborts or, with `stopWhenIdle`, until a fetch brings
 * nothing. `dieBeforeAck` lets a test stop the process between the commit and the ack.
 */
export const runCrmConsumer = async (options: {
  readonly js: JetStreamClient
  readonly db: Database.Database
  readonly durable: string
  readonly stream?: string
  readonly signal?: AbortSignal
  readonly stopWhenIdle?: boolean
  readonly dieBeforeAck?: (event: CloudEvent) => boolean
}): Promise<CrmRun> => {
  const consumer = await options.js.consumers.get(options.stream ?? EVENT_STREAM, options.durable)
  let applied = 0
  let duplicates = 0
  let refused = 0
  while (options.signal?.aborted !== true) {
    let received = 0
    const batch = await consumer.fetch({ max_messages: 256, expires: 1000 })
    for await (const m of batch) {
      received++
      const event = decodeCloudEvent(m.string())
      if (event._tag === 'Left') {
        refused++
        // No reason text: servers before 2.10 do not read "+TERM <reason>" and would redeliver.
        m.term()
        continue
      }
      const result = applyEvent(options.db, event.right, m.seq)
      if (result === 'applied') applied++
      else duplicates++
      if (options.dieBeforeAck?.(event.right) === true) return { applied, duplicates, refused }
      await m.ackAck()
    }
    if (received === 0 && options.stopWhenIdle === true) break
  }
  return { applied, duplicates, refused }
}

import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import { EVENT_SUBJECT_PREFIX } from './event.js'
import { EVENT_OUTBOX_TABLE, type Queryable } from './outbox.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** The JetStream stream of domain events (subjects `tessera.events.>`). @category events */
export const EVENT_STREAM = 'TESSERA_EVENTS'

/** Options of the outbox publisher. @category events */
export interface EventPublisherOptions {
  /** Where the outbox is (a `pg` pool: each query on its own, no transaction is held while publishing). */
  readonly db: Queryable
  /** A JetStream client; the stream must exist ({@link ensureEventStream}). */
  readonly js: Pick<JetStreamClient, 'publish'>
  /** Events published per round trip to the database (default 256). */
  readonly batchSize?: number
  /** The stream the acks must come from (default `TESSERA_EVENTS`). */
  readonly stream?: string
  /** How long to wait for one ack, in ms (default 5000). */
  readonly ackTimeoutMs?: number
}

/** What one drain published: new messages, and those JetStream already held (`duplicate`). @category events */
export interface DrainResult {
  readonly published: number
  readonly duplicates: number
}

/**
 * The broker did not ack (link cut, stream missing, timeout): the events not acked stay in the
 * outbox, unmarked, and the next drain sends them again.
 * @category events
 */
export interface EventPublishFailed {
  readonly _tag: 'EventPublishFailed'
  readonly message: string
  /** What was acked (and marked) before the failure. */
  readonly done: DrainResult
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Creates (or updates) the events stream: file storage, subjects `tessera.events.>`, and a
 * duplicate window (default 24 h) inside which a re-sent `Nats-Msg-Id` is dropped by the broker.
 * @category events
 */
export const ensureEventStream = async (
  jsm: JetStreamManager,
  options: { readonly name?: string; readonly duplicateWindowMs?: number } = {},
): Promise<void> => {
  const name = options.name ?? EVENT_STREAM
  const config = {
    name,
    subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
    duplicate_window: nanos(options.duplicateWindowMs ?? 24 * 3_600_000),
  }
  try {
    await jsm.streams.info(name)
    await jsm.streams.update(name, config)
  } catch {
    await jsm.streams.add(config)
  }
}

interface PendingRow {
  readonly seq: string
  readonly id: string
  readonly subject: string
  readonly envelope: string
}

/**
 * Drains the outbox to JetStream until it is empty: reads the oldest unpublished events in
 * batches, publishes each with its id as `Nats-Msg-Id` (so JetStream drops a re-send), and marks
 * as published only the events whose ack came back. A crash anywhere leaves the un-acked ones
 * unmarked, and the next drain sends them again: never lost, never delivered twice inside the
 * duplicate window (a consumer dedupes by id past it). Two drainers at once are safe, for the
 * same reason.
 * @category events
 */
export const drainEventOutbox = async (
  options: EventPublisherOptions,
): Promise<Either<EventPublishFailed, DrainResult>> => {
  const batchSize = options.batchSize ?? 256
  const stream = options.stream ?? EVENT_STREAM
  let published = 0
  let duplicates = 0
  for (;;) {
    const { rows } = await options.db.query(
      `SELECT seq::text AS seq, id, subject, envelope FROM ${EVENT_OUTBOX_TABLE}
       WHERE published_at IS NULL ORDER BY ${EVENT_OUTBOX_TABLE}.seq LIMIT $1`,
      [batchSize],
    )
    const pending = rows as PendingRow[]
    if (pending.length === 0) return right({ published, duplicates })
    const settled = await Promise.allSettled(
      pending.map((row) =>
        options.js.publish(row.subject, row.envelope, {
          msgID: row.id,
          expect: { streamName: stream },
          timeout: options.ackTimeoutMs ?? 5000,
        }),
      ),
    )
    const acked: string[] = []
    let failure: unknown
    for (const [i, s] of settled.entries()) {
      if (s.status === 'fulfilled') {
        acked.push((pending[i] as PendingRow).seq)
        if (s.value.duplicate) duplicates++
        else published++
      } else failure ??= s.reason
    }
    if (acked.length > 0)
      await options.db.query(
        `UPDATE ${EVENT_OUTBOX_TABLE} SET published_at = now() WHERE seq = ANY($1::bigint[]) AND published_at IS NULL`,
        [acked],
      )
    if (failure !== undefined) {
      return left({
        _tag: 'EventPublishFailed',
        message: `JetStream did not ack ${pending.length - acked.length} of ${pending.length} events: ${(failure as Error).message ?? String(failure)}`,
        done: { published, duplicates },
      })
    }
  }
}

/** Options of {@link runEventPublisher}. @category events */
export interface RunPublisherOptions extends EventPublisherOptions {
  /** Stops the loop (after the drain in flight). */
  readonly signal: AbortSignal
  /** Wait between drains when the outbox is empty or the broker failed, in ms (default 200). */
  readonly pollMs?: number
  /** Told of each failed drain (the loop goes on). */
  readonly onFailure?: (failure: EventPublishFailed) => void
}

/**
 * Drains the outbox again and again until `signal` aborts: the publisher process of the head
 * office. A failed drain (broker unreachable) is reported and retried after `pollMs`.
 * @category events
 */
export const runEventPublisher = async (options: RunPublisherOptions): Promise<DrainResult> => {
  let published = 0
  let duplicates = 0
  while (!options.signal.aborted) {
    let r: Either<EventPublishFailed, DrainResult>
    try {
      r = await drainEventOutbox(options)
    } catch (e) {
      // The outbox itself failed (database unreachable): nothing was marked, try again later.
      r = left({
        _tag: 'EventPublishFailed',
        message: `outbox: ${(e as Error).message}`,
        done: { published: 0, duplicates: 0 },
      })
    }
    const done = isLeft(r) ? r.left.done : r.right
    published += done.published
    duplicates += done.duplicates
    if (isLeft(r)) options.onFailure?.(r.left)
    if (isLeft(r) || done.published + done.duplicates === 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer)
          options.signal.removeEventListener('abort', wake)
          resolve()
        }
        const timer = setTimeout(wake, options.pollMs ?? 200)
        options.signal.addEventListener('abort', wake)
      })
    }
  }
  return { published, duplicates }
}

/** Counts the outbox rows not yet acked by the broker. @category events */
export const pendingEvents = async (db: Queryable): Promise<number> => {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${EVENT_OUTBOX_TABLE} WHERE published_at IS NULL`)
  return (rows[0] as { n: number }).n
}

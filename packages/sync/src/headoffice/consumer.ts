import { AckPolicy, DeliverPolicy, type JsMsg, jetstream } from '@nats-io/jetstream'
import { type NatsConnection, nanos } from '@nats-io/transport-node'
import type { DecodeError } from '@tessera/core'
import type { Pool } from 'pg'
import { decodeSyncEntryBytes, type SyncEntry } from '../entry/entry.js'
import type { RecordOptions } from '../events/outbox.js'
import { beforeReconnect, watchLink } from '../nats/linkState.js'
import { ensureSyncStream, SYNC_STREAM } from '../nats/stream.js'
import { type ApplyOptions, type ApplyOutcome, applyEntries } from './apply.js'
import { recordBatchEvents } from './events.js'

/** The durable consumer's name at the head office. @category sync */
export const HEAD_OFFICE_CONSUMER = 'head-office'

/** How the head office's consumer runs. @category sync */
export interface ConsumerOptions extends ApplyOptions {
  readonly nc: NatsConnection
  readonly pool: Pool
  readonly stream?: string
  readonly durable?: string
  /** Messages per fetch, applied in one transaction. Default 256. */
  readonly batchSize?: number
  /** How long the broker waits for an ack before it redelivers, in ms. Default 30 s. */
  readonly ackWaitMs?: number
  /** Told of a message that is not an entry (it is terminated, never applied). */
  readonly onRejected?: (error: DecodeError | ApplyOutcome, msg: JsMsg) => void
  /** Told of each batch applied. */
  readonly onBatch?: (outcomes: readonly ApplyOutcome[]) => void
  readonly onError?: (e: unknown) => void
  /**
   * How a fetched batch is applied: the lists of entries, one transaction each, in order (default:
   * the batch as one). Every message is acknowledged after the last commit. The fault harness uses
   * it to apply every entry twice, out of order.
   */
  readonly plan?: (entries: readonly SyncEntry[]) => readonly (readonly SyncEntry[])[]
  /**
   * The domain events of every entry applied are recorded in the events outbox in the applying
   * transaction ({@link recordBatchEvents}, one statement per batch), after `onApplied`. Default on; `false` turns it off
   * (the outbox table is then not needed).
   */
  readonly events?: false | RecordOptions
}

/** A running consumer. @category sync */
export interface HeadOfficeConsumer {
  /** One fetch (waiting up to `expiresMs`, at least 1 s, for a full batch) and its transaction: how many messages were handled (0: none waiting). */
  readonly pullBatch: (expiresMs?: number) => Promise<number>
  readonly run: () => Promise<void>
  readonly stop: () => Promise<void>
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Creates the durable pull consumer if missing: explicit acks, every message from the start. @category sync */
export const ensureHeadOfficeConsumer = async (
  nc: NatsConnection,
  options: { readonly stream?: string; readonly durable?: string; readonly ackWaitMs?: number } = {},
) => {
  const stream = options.stream ?? SYNC_STREAM
  const durable = options.durable ?? HEAD_OFFICE_CONSUMER
  // Usually both exist: one JetStream API call then (each waits behind the publishes the server is storing).
  try {
    return await jetstream(nc).consumers.get(stream, durable)
  } catch {
    // missing: made below
  }
  const jsm = await ensureSyncStream(nc, stream)
  try {
    await jsm.consumers.info(stream, durable)
  } catch {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      max_ack_pending: 20_000,
      max_deliver: -1,
    })
  }
  return jetstream(nc).consumers.get(stream, durable)
}

/**
 * The head office's consumer: fetches a batch from the durable JetStream consumer, decodes every
 * message (one that is not an entry is terminated and reported, never applied), applies the
 * entries in ONE PostgreSQL transaction keyed by their ids, and acknowledges the messages only
 * after the commit. A crash before the ack redelivers the batch: its entries are found applied
 * and book nothing twice.
 * @category sync
 */
export const createHeadOfficeConsumer = (options: ConsumerOptions): HeadOfficeConsumer => {
  const size = options.batchSize ?? 256
  const record = options.events === false ? undefined : recordBatchEvents(options.events ?? {})
  const theirs = options.onAppliedBatch
  const apply: ApplyOptions =
    record === undefined
      ? options
      : {
          ...options,
          onAppliedBatch: async (tx, applied) => {
            await record(tx, applied)
            await theirs?.(tx, applied)
          },
        }
  let consumer: Awaited<ReturnType<typeof ensureHeadOfficeConsumer>> | undefined
  let stopping = false
  let running: Promise<void> | undefined
  const link = watchLink(options.nc)

  // A JetStream API request sent while the link is down, or unanswered when it comes back, is
  // dropped by the client: it would only end at its 5 s timeout. Given up at the reconnect instead.
  const ensure = async () => {
    consumer ??= await beforeReconnect(
      link,
      ensureHeadOfficeConsumer(options.nc, {
        ...(options.stream !== undefined ? { stream: options.stream } : {}),
        ...(options.durable !== undefined ? { durable: options.durable } : {}),
        ...(options.ackWaitMs !== undefined ? { ackWaitMs: options.ackWaitMs } : {}),
      }),
    )
    return consumer
  }

  /** As many as are waiting (a pull for a full batch would wait out `expires` when fewer are), else a full batch, waiting for it. */
  const wanted = (waiting: number) => (waiting > 0 ? Math.min(size, waiting) : size)

  /** One pull: its messages, and how many were still waiting after the last (from its delivery info). */
  const fetchMessages = async (max: number, expiresMs: number) => {
    const messages = await (await ensure()).fetch({ max_messages: max, expires: Math.max(1000, expiresMs) })
    const msgs: JsMsg[] = []
    for await (const msg of messages) msgs.push(msg)
    return { msgs, waiting: msgs[msgs.length - 1]?.info.pending ?? 0 }
  }

  /** Decodes, applies in one transaction (or as `plan` says), then acknowledges: how many messages. */
  const handle = async (msgs: readonly JsMsg[]): Promise<number> => {
    const batch: { msg: JsMsg; entry: SyncEntry }[] = []
    for (const msg of msgs) {
      const decoded = decodeSyncEntryBytes(msg.data)
      if (decoded._tag === 'Left') {
        options.onRejected?.(decoded.left, msg)
        msg.term()
        continue
      }
      batch.push({ msg, entry: decoded.right })
    }
    if (batch.length === 0) return msgs.length
    const entries = batch.map((b) => b.entry)
    const outcomes: ApplyOutcome[] = []
    for (const part of options.plan?.(entries) ?? [entries])
      outcomes.push(...(await applyEntries(options.pool, part, apply)))
    const refused = new Map(outcomes.filter((o) => o._tag === 'SeqTaken').map((o) => [o.id, o]))
    for (const { msg, entry } of batch) {
      const outcome = refused.get(entry.id)
      if (outcome !== undefined) {
        options.onRejected?.(outcome, msg)
        msg.term()
      } else msg.ack()
    }
    options.onBatch?.(outcomes)
    return msgs.length
  }

  const pullBatch = async (expiresMs = 1000): Promise<number> => {
    const waiting = (await beforeReconnect(link, (await ensure()).info())).num_pending
    return handle((await fetchMessages(wanted(waiting), expiresMs)).msgs)
  }

  /** Messages fetched but not applied (stopping, or a failed batch): redelivered now, not after `ack_wait`. */
  const giveBack = async (msgs: readonly JsMsg[] | Promise<{ readonly msgs: readonly JsMsg[] }> | undefined) => {
    try {
      const given = msgs === undefined || 'then' in msgs ? ((await msgs)?.msgs ?? []) : msgs
      for (const m of given) m.nak()
    } catch {
      // the pull failed: nothing was delivered to give back
    }
  }

  // Pipelined: the next batch is fetched while this one is applied. Batches are still applied one
  // transaction at a time, in the order delivered, and acknowledged only after their commit.
  const run = async () => {
    let next: Promise<{ msgs: JsMsg[]; waiting: number }> | undefined
    while (!stopping) {
      let current: readonly JsMsg[] = []
      try {
        if (next === undefined) {
          // The info `ensure` fetched (a fresh one after a failure, since that drops the consumer).
          const waiting = (await (await ensure()).info(true)).num_pending
          next = fetchMessages(wanted(waiting), 1000)
        }
        let { msgs, waiting } = await next
        next = undefined
        // The pull was sized when it was sent: top the batch up with what came in meanwhile.
        if (msgs.length > 0 && msgs.length < size && waiting > 0) {
          current = msgs
          const more = await fetchMessages(Math.min(size - msgs.length, waiting), 1000)
          msgs = [...msgs, ...more.msgs]
          waiting = more.waiting
        }
        current = msgs
        if (!stopping) {
          next = fetchMessages(wanted(waiting), 1000)
          next.catch(() => {}) // awaited (and its failure handled) on the next turn, after this batch
        }
        if (current.length > 0) await handle(current)
      } catch (e) {
        options.onError?.(e)
        await giveBack(current)
        await giveBack(next)
        next = undefined
        consumer = undefined
        // Back at once when the link returns (nothing sent while it is down would be answered).
        await Promise.race([sleep(200), new Promise<void>((resolve) => link.onReconnect(resolve))])
        while (!stopping && !(await link.whenUp(1000))) {}
      }
    }
    await giveBack(next)
  }

  return {
    pullBatch,
    run: () => {
      stopping = false
      running = run()
      return running
    },
    stop: async () => {
      stopping = true
      await running
      link.close()
    },
  }
}

import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { SyncEntry } from '../entry/entry.js'
import { beforeReconnect, LinkBounced, watchLink } from '../nats/linkState.js'
import { SYNC_STREAM, syncSubject } from '../nats/stream.js'
import type { OutboxReader } from '../till/till.js'

/** How a {@link Publisher} drains an outbox. @category sync */
export interface PublisherOptions {
  readonly reader: OutboxReader
  readonly nc: NatsConnection
  readonly stream?: string
  /** Entries per batch (published together, acknowledged before the cursor moves). Default 256. */
  readonly batchSize?: number
  /** How long one publish waits for the broker's ack, in ms. Default 2000. */
  readonly ackTimeoutMs?: number
  /** The pause when the outbox is empty or the broker unreachable, in ms. Default 50 / 200. */
  readonly idleMs?: number
  readonly retryMs?: number
  readonly now?: () => number
  /** Told of each batch that failed (the broker down): the publisher retries it. */
  readonly onError?: (e: unknown) => void
}

/** One pass of a publisher: how many entries the broker acknowledged. @category sync */
export interface PublishPass {
  readonly acked: number
  readonly failed: number
  /** The link reconnected while acks were awaited: the rest can be sent again at once. */
  readonly bounced?: boolean
}

/** A publisher of one till's outbox. @category sync */
export interface Publisher {
  /** One batch from where the cursor stands. */
  readonly publishBatch: () => Promise<PublishPass>
  /** Batches until the outbox is drained (or a batch fails); answers how many were acknowledged. */
  readonly drain: () => Promise<number>
  /** Runs batches until `stop()`. */
  readonly run: () => Promise<void>
  readonly stop: () => Promise<void>
}

const encoder = new TextEncoder()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Drains a till's outbox to JetStream in order, in batches: every entry of a batch is published
 * with `Nats-Msg-Id` = its id and the stream expected, and the cursor moves only over the prefix
 * the broker acknowledged. A crash between the ack and the cursor write resends those entries on
 * restart; JetStream drops them as duplicates (and the head office applies an id once anyway).
 * Nothing is deleted from the outbox.
 * @category sync
 */
export const createPublisher = (options: PublisherOptions): Publisher => {
  const js = jetstream(options.nc)
  const stream = options.stream ?? SYNC_STREAM
  const size = options.batchSize ?? 256
  const timeout = options.ackTimeoutMs ?? 2000
  const now = options.now ?? Date.now
  let stopping = false
  let running: Promise<void> | undefined

  const link = watchLink(options.nc)

  const publishBatch = async (): Promise<PublishPass> => {
    const { ackedSeq } = await options.reader.position()
    const batch: readonly SyncEntry[] = await options.reader.after(ackedSeq, size)
    if (batch.length === 0) return { acked: 0, failed: 0 }
    // What the client sends while disconnected is dropped when it dials again: wait for the link.
    if (!(await link.whenUp(timeout))) {
      options.onError?.(new Error('the NATS link is down'))
      return { acked: 0, failed: batch.length }
    }
    const ok: boolean[] = []
    let firstFailure: unknown
    const acks = Promise.all(
      batch.map((e, i) =>
        js
          .publish(syncSubject(e.till), encoder.encode(JSON.stringify(e)), {
            msgID: e.id,
            expect: { streamName: stream },
            timeout,
          })
          .then(
            () => {
              ok[i] = true
            },
            (error: unknown) => {
              ok[i] = false
              firstFailure ??= error
            },
          ),
      ),
    )
    // A reconnect while acks are awaited: those not in yet will never come; resend them now
    // (JetStream drops the ones it had stored as duplicates of their Nats-Msg-Id).
    const bounced = await beforeReconnect(link, acks).then(
      () => false,
      (e: unknown) => {
        if (e instanceof LinkBounced) return true
        throw e
      },
    )
    let upto = ackedSeq
    let acked = 0
    while (acked < batch.length && ok[acked] === true) {
      upto = (batch[acked] as SyncEntry).seq
      acked++
    }
    if (acked > 0) await options.reader.acked(upto, now())
    const failed = batch.length - acked
    if (failed > 0) options.onError?.(bounced ? new LinkBounced() : (firstFailure ?? new Error('publish failed')))
    return { acked, failed, ...(bounced ? { bounced } : {}) }
  }

  const drain = async () => {
    let total = 0
    for (;;) {
      const pass = await publishBatch()
      total += pass.acked
      if (pass.failed > 0 || pass.acked === 0) return total
    }
  }

  const run = async () => {
    while (!stopping) {
      let pass: PublishPass
      try {
        pass = await publishBatch()
      } catch (e) {
        options.onError?.(e)
        pass = { acked: 0, failed: 1 }
      }
      if (pass.failed > 0 && !(pass.bounced === true && link.up())) await sleep(options.retryMs ?? 200)
      else if (pass.acked === 0) await sleep(options.idleMs ?? 50)
    }
  }

  return {
    publishBatch,
    drain,
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

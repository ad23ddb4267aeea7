/**
 * A sync process the fault harness starts and kills: `publisher <natsUrl> <file>…` drains the
 * tills' outboxes; `consumer <natsUrl> <databaseUrl> [twice]` applies the stream at the head
 * office (with `twice`, every fetched entry is applied twice, the batch shuffled across tills).
 */
import pg from 'pg'
import type { SyncEntry } from '../entry/entry.js'
import { createHeadOfficeConsumer } from '../headoffice/consumer.js'
import { createPublisher } from '../publisher/publisher.js'
import { openOutboxReader } from '../till/till.js'
import { openLink } from './link.js'

const shuffled = <A>(xs: readonly A[]): A[] => {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as A, out[i] as A]
  }
  return out
}

/** Every entry twice, in two transactions, each shuffled (so tills' entries come out of order). */
export const twiceOutOfOrder = (entries: readonly SyncEntry[]): readonly (readonly SyncEntry[])[] => [
  shuffled(entries),
  shuffled(entries),
]

const [mode, natsUrl, ...rest] = process.argv.slice(2)
if (mode === 'publisher' && natsUrl !== undefined) {
  const link = await openLink(natsUrl, 'publisher')
  await Promise.all(
    rest.map((file) => createPublisher({ reader: openOutboxReader(file), nc: link.nc, ackTimeoutMs: 1000 }).run()),
  )
} else if (mode === 'consumer' && natsUrl !== undefined && rest[0] !== undefined) {
  const link = await openLink(natsUrl, 'consumer')
  const pool = new pg.Pool({ connectionString: rest[0], max: 2 })
  await createHeadOfficeConsumer({
    nc: link.nc,
    pool,
    ackWaitMs: 3000,
    ...(rest[1] === 'twice' ? { plan: twiceOutOfOrder } : {}),
  }).run()
} else {
  console.error('usage: worker publisher <natsUrl> <file>… | worker consumer <natsUrl> <databaseUrl> [twice]')
  process.exit(2)
}

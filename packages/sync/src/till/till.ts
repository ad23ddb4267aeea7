import type { Campaign } from '@tessera/core'
import { type SqlClient, sql } from '@tessera/store-sql'
import {
  openDatabase,
  openSqliteConnection,
  openSqliteStores,
  type SqliteConnection,
  type SqliteStores,
} from '@tessera/store-sqlite'
import { decodeSyncEntry, type SyncEntry } from '../entry/entry.js'
import { migrateOutbox, type OutboxOptions, outboxHooks } from './outbox.js'

/** How {@link openTill} opens a till's file. @category sync */
export interface TillOptions {
  readonly file: string
  readonly tillId: string
  /** The campaigns the till sells with: they name the campaign each code pool unlocks. */
  readonly campaigns?: readonly Campaign[]
  readonly now?: OutboxOptions['now']
  readonly busyTimeoutMs?: number
}

/** The campaign of each code pool, from the campaigns' `code.pool`. */
const poolCampaigns = (campaigns: readonly Campaign[]) => {
  const byPool = new Map<string, string>()
  for (const c of campaigns) if (c.code?.pool !== undefined) byPool.set(c.code.pool, c.id)
  return (pool: string) => byPool.get(pool)
}

/**
 * Opens a till's SQLite file with its loyalty and checkout stores (as `openSqliteStores`) and its
 * outbox: every booking of those stores writes its entry in the same transaction. Give the stores
 * to `createLoyaltyHost`; wrap a call in `withSaleContext` to mark it offline.
 * @category sync
 */
export const openTill = (options: TillOptions): SqliteStores => {
  const db = openDatabase({ file: options.file })
  try {
    migrateOutbox(db)
  } finally {
    db.close()
  }
  return openSqliteStores({
    file: options.file,
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    hooks: outboxHooks({
      tillId: options.tillId,
      campaignOfPool: poolCampaigns(options.campaigns ?? []),
      ...(options.now !== undefined ? { now: options.now } : {}),
    }),
  })
}

// ── reading the outbox ───────────────────────────────────────────────────────────────────────────

const SQL = {
  after: sql('sync_entries_after', 'SELECT seq, body FROM sync_outbox WHERE seq > $1 ORDER BY seq LIMIT $2'),
  cursor: sql('sync_cursor', 'SELECT acked_seq, acked_at_ms FROM sync_outbox_cursor WHERE one = 1'),
  advance: sql(
    'sync_advance',
    'UPDATE sync_outbox_cursor SET acked_seq = $1, acked_at_ms = $2 WHERE one = 1 AND acked_seq < $1',
  ),
  last: sql('sync_last', 'SELECT coalesce(max(seq), 0) AS seq, coalesce(max(at_ms), 0) AS at_ms FROM sync_outbox'),
  atOf: sql('sync_at_of', 'SELECT at_ms FROM sync_outbox WHERE seq = $1'),
}

/** A stored entry that no longer decodes: the file was tampered with. */
const trusted = (body: unknown): SyncEntry => {
  const decoded = decodeSyncEntry(JSON.parse(String(body)))
  if (decoded._tag === 'Left') throw new Error(`sync outbox: ${decoded.left.message}`)
  return decoded.right
}

/** Where a till's outbox stands: the last entry written and the last one the broker acknowledged. @category sync */
export interface OutboxPosition {
  readonly lastSeq: number
  readonly lastAtMs: number
  readonly ackedSeq: number
  readonly ackedAtMs: number
}

/**
 * A till's outbox as its publisher reads it: on a connection of its own that shares the stores'
 * queue when in the same process (so a busy wait never blocks the till's open transaction).
 * @category sync
 */
export interface OutboxReader {
  /** Up to `limit` entries after `seq`, in order. */
  readonly after: (seq: number, limit: number) => Promise<readonly SyncEntry[]>
  readonly position: () => Promise<OutboxPosition>
  /** Records that the broker acknowledged every entry up to `seq` (never moves back). */
  readonly acked: (seq: number, atMs: number) => Promise<void>
  readonly close: () => Promise<void>
}

const readerOn = (c: SqliteConnection): OutboxReader => {
  const client: SqlClient = c.client
  return {
    after: (seq, limit) =>
      c.inTransaction('DEFERRED', async () => (await client.all(SQL.after, [seq, limit])).map((r) => trusted(r.body))),
    position: () =>
      c.inTransaction('DEFERRED', async () => {
        const last = (await client.all(SQL.last))[0] ?? {}
        const cursor = (await client.all(SQL.cursor))[0] ?? {}
        return {
          lastSeq: Number(last.seq ?? 0),
          lastAtMs: Number(last.at_ms ?? 0),
          ackedSeq: Number(cursor.acked_seq ?? 0),
          ackedAtMs: Number(cursor.acked_at_ms ?? 0),
        }
      }),
    acked: async (seq, atMs) => {
      await c.inTransaction('IMMEDIATE', () => client.run(SQL.advance, [seq, atMs]))
    },
    close: c.close,
  }
}

/** Opens the outbox of a till's file for its publisher. @category sync */
export const openOutboxReader = (file: string): OutboxReader => {
  const db = openDatabase({ file })
  try {
    migrateOutbox(db)
  } finally {
    db.close()
  }
  return readerOn(openSqliteConnection({ file }))
}

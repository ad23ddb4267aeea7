import { AsyncLocalStorage } from 'node:async_hooks'
import type { CampaignUsageRow, CheckoutTransaction, LoyaltyTransaction } from '@tessera/core'
import { type SqlClient, sql } from '@tessera/store-sql'
import type { SqliteDatabase, SqliteTransactionHooks, SqliteTransactionScope } from '@tessera/store-sqlite'
import {
  newEntryId,
  type SyncCode,
  type SyncEntry,
  type SyncEntryKind,
  type SyncPosting,
  type SyncReleasedCode,
} from '../entry/entry.js'

// ── schema ───────────────────────────────────────────────────────────────────────────────────────

/**
 * The till's outbox: entries are immutable (triggers refuse an update or a delete); the publisher
 * keeps how far the broker acknowledged in a cursor row of its own.
 */
export const OUTBOX_DDL = `
CREATE TABLE IF NOT EXISTS sync_outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS sync_outbox_no_update BEFORE UPDATE ON sync_outbox
BEGIN SELECT RAISE(ABORT, 'sync_outbox entries are immutable'); END;
CREATE TRIGGER IF NOT EXISTS sync_outbox_no_delete BEFORE DELETE ON sync_outbox
BEGIN SELECT RAISE(ABORT, 'sync_outbox entries are immutable'); END;
CREATE TABLE IF NOT EXISTS sync_outbox_cursor (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  acked_seq INTEGER NOT NULL,
  acked_at_ms INTEGER NOT NULL
) STRICT;
INSERT OR IGNORE INTO sync_outbox_cursor (one, acked_seq, acked_at_ms) VALUES (1, 0, 0);
`

/** Creates the outbox tables on a till's file if missing. @category sync */
export const migrateOutbox = (db: SqliteDatabase): void => {
  db.exec(OUTBOX_DDL)
}

const SQL = {
  nextSeq: sql('sync_next_seq', 'SELECT coalesce(max(seq), 0) + 1 AS seq FROM sync_outbox'),
  insert: sql('sync_insert_entry', 'INSERT INTO sync_outbox (seq, id, kind, at_ms, body) VALUES ($1, $2, $3, $4, $5)'),
}

// ── the sale context ─────────────────────────────────────────────────────────────────────────────

/** How the till decided a booking: with the head office (online) or alone. @category sync */
export interface SaleContext {
  readonly offline: boolean
}

const context = new AsyncLocalStorage<SaleContext>()

/**
 * Runs `op` (a host call: close, return, redeem…) with its bookings marked online or offline in the
 * outbox. Outside of it, an entry is marked online.
 * @category sync
 */
export const withSaleContext = <A>(sale: SaleContext, op: () => Promise<A>): Promise<A> => context.run(sale, op)

// ── the hook ─────────────────────────────────────────────────────────────────────────────────────

/** What the outbox hook needs: the till's id, its clock, the campaign each code pool unlocks. @category sync */
export interface OutboxOptions {
  readonly tillId: string
  /** Epoch ms (the till's clock). Default `Date.now`. */
  readonly now?: () => number
  /** The campaign a pool's codes unlock (from the campaigns' `code.pool`). */
  readonly campaignOfPool?: (pool: string) => string | undefined
}

/** What one write transaction booked, gathered while it runs. */
interface Gathered {
  kind?: SyncEntryKind
  ref?: string
  total?: number
  card?: string
  reward?: string
  of?: string
  /** The code rows a return saved (redemptions given back, or issued coupons revoked). */
  readonly savedCodes: string[]
  revoked: readonly string[]
  readonly postings: SyncPosting[]
  readonly postingKinds: string[]
  readonly postingKeys: string[]
  redeemed: readonly string[]
  readonly pools: Map<string, string>
  discounts: ReadonlyMap<string, number>
  readonly campaigns: CampaignUsageRow[]
  readonly accounts: string[]
  readonly cards: { number: string; accountId: string }[]
}

/** The reason and card of a posting's stored request (its canonical JSON), when it has them. */
const parseRequest = (json: string): { reason?: string; card?: string } => {
  try {
    const r = JSON.parse(json) as { reason?: unknown; account?: { card?: unknown }; card?: unknown }
    const card = typeof r.account?.card === 'string' ? r.account.card : typeof r.card === 'string' ? r.card : undefined
    return {
      ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
      ...(card !== undefined ? { card } : {}),
    }
  } catch {
    return {}
  }
}

const kindOf = (g: Gathered): { kind: SyncEntryKind; ref: string } | undefined => {
  if (g.kind !== undefined && g.ref !== undefined) return { kind: g.kind, ref: g.ref }
  if (g.accounts.length > 0) return { kind: 'enrol', ref: g.accounts[0] as string }
  if (g.cards.length > 0) return { kind: 'card', ref: (g.cards[0] as { number: string }).number }
  if (g.postings.length > 0) {
    const ref = g.postingKeys[0] as string
    return { kind: g.postingKinds.includes('redeem') ? 'redeem' : 'posting', ref }
  }
  return undefined
}

/**
 * The hooks that write a till's outbox inside every booking transaction of `openSqliteStores`: a
 * close, a return, a void, an account opened or a card issued at enrolment, a reward redemption
 * or any other posting becomes ONE immutable entry, in the same SQLite transaction as the booking
 * (both commit or neither). A transaction that books nothing (a session saved, a code held) writes
 * none. Entry ids are UUID v7 (reads the clock and randomness).
 * @category sync
 */
export const outboxHooks = (options: OutboxOptions): SqliteTransactionHooks => ({
  begin: (client: SqlClient): SqliteTransactionScope => {
    const g: Gathered = {
      savedCodes: [],
      revoked: [],
      postings: [],
      postingKinds: [],
      postingKeys: [],
      redeemed: [],
      pools: new Map(),
      discounts: new Map(),
      campaigns: [],
      accounts: [],
      cards: [],
    }
    const loyalty = (tx: LoyaltyTransaction): LoyaltyTransaction => ({
      ...tx,
      write: async (plan, posting) => {
        await tx.write(plan, posting)
        for (const e of plan.entries) {
          if (e.points === 0) continue
          g.postings.push({ entryId: e.entryId, accountId: e.accountId, kind: e.kind, points: e.points })
        }
        g.postingKinds.push(...plan.entries.map((e) => e.kind))
        g.postingKeys.push(posting.key)
        const request = parseRequest(posting.request)
        if (request.reason?.startsWith('reward:') === true) g.reward = request.reason.slice('reward:'.length)
        if (request.card !== undefined) g.card ??= request.card
      },
      createAccount: async (account, row) => {
        const made = await tx.createAccount(account, row)
        if (made) g.accounts.push(account.accountId)
        return made
      },
      createCard: async (card) => {
        const made = await tx.createCard(card)
        if (made) g.cards.push({ number: card.number, accountId: card.accountId })
        return made
      },
    })
    const checkout = (tx: CheckoutTransaction): CheckoutTransaction => ({
      ...tx,
      saveCodes: async (codes) => {
        await tx.saveCodes(codes)
        for (const c of codes) {
          g.pools.set(c.code, c.pool)
          g.savedCodes.push(c.code)
        }
      },
      addCampaignUsage: async (deltas) => {
        await tx.addCampaignUsage(deltas)
        g.campaigns.push(...deltas.filter((d) => d.redemptions !== 0 || d.discountSpent !== 0 || d.pointsSpent !== 0))
      },
      saveClose: async (record) => {
        await tx.saveClose(record)
        g.kind = 'close'
        g.ref = record.transactionId
        g.total = record.receipt.total
        if (record.receipt.card !== undefined) g.card = record.receipt.card
        g.redeemed = record.bookings.codes
        g.discounts = new Map(record.receipt.discounts.map((d) => [d.campaignId, d.amount]))
      },
      saveReturn: async (record) => {
        await tx.saveReturn(record)
        g.kind = 'return'
        g.ref = record.returnId
        g.of = record.transactionId
        g.revoked = record.receipt.revokedCoupons
      },
    })
    return {
      loyalty,
      checkout,
      session: (session) => {
        if (session.state === 'voided') {
          g.kind = 'void'
          g.ref = session.transactionId
        }
      },
      beforeCommit: async () => {
        const what = kindOf(g)
        if (what === undefined) return
        const codes: SyncCode[] = g.redeemed.map((code) => {
          const pool = g.pools.get(code) ?? ''
          const campaignId = options.campaignOfPool?.(pool)
          return {
            code,
            pool,
            ...(campaignId !== undefined ? { campaignId } : {}),
            discount: campaignId === undefined ? 0 : (g.discounts.get(campaignId) ?? 0),
          }
        })
        // A full return saves the sale's redeemed codes with its redemption removed (given back)
        // and its unused issued coupons revoked: the former are what the head office frees.
        const released: SyncReleasedCode[] =
          what.kind === 'return'
            ? g.savedCodes
                .filter((code) => !g.revoked.includes(code))
                .map((code) => {
                  const pool = g.pools.get(code) ?? ''
                  const campaignId = options.campaignOfPool?.(pool)
                  return { code, pool, ...(campaignId !== undefined ? { campaignId } : {}) }
                })
            : []
        const row = (await client.all(SQL.nextSeq))[0] as { seq: number }
        const entry: SyncEntry = {
          v: 1,
          id: newEntryId(),
          till: options.tillId,
          seq: Number(row.seq),
          kind: what.kind,
          atMs: (options.now ?? Date.now)(),
          ref: what.ref,
          offline: context.getStore()?.offline ?? false,
          postings: g.postings,
          codes,
          campaigns: g.campaigns,
          accounts: g.accounts,
          cards: g.cards,
          ...(g.total !== undefined ? { total: g.total } : {}),
          ...(g.card !== undefined && (what.kind === 'close' || what.kind === 'redeem') ? { card: g.card } : {}),
          ...(g.reward !== undefined && what.kind === 'redeem' ? { reward: g.reward } : {}),
          ...(g.of !== undefined ? { of: g.of } : {}),
          ...(released.length > 0 ? { released } : {}),
        }
        await client.run(SQL.insert, [entry.seq, entry.id, entry.kind, entry.atMs, JSON.stringify(entry)])
      },
    }
  },
})

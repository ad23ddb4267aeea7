import { withTransaction } from '@tessera/store-postgres'
import type { Pool, PoolClient } from 'pg'
import type { SyncEntry } from '../entry/entry.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** What applying one entry did: booked it, found it booked already, or refused it. @category sync */
export type ApplyOutcome =
  | { readonly _tag: 'Applied'; readonly id: string; readonly conflicts: number }
  | { readonly _tag: 'AlreadyApplied'; readonly id: string }
  | {
      readonly _tag: 'SeqTaken'
      readonly id: string
      readonly till: string
      readonly seq: number
      readonly message: string
    }

/**
 * Called inside the transaction that applies a new entry, after its booking: what it writes with
 * `tx` commits with the entry or not at all (the head office's event outbox goes here).
 * @category sync
 */
export type OnApplied = (tx: PoolClient, entry: SyncEntry) => Promise<void>

/** How entries are applied. @category sync */
export interface ApplyOptions {
  /** Default `serializable`: the portable level (retried on 40001). */
  readonly isolation?: 'read committed' | 'repeatable read' | 'serializable'
  readonly onApplied?: OnApplied
  readonly maxRetries?: number
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const SQL = {
  insertEntry: `INSERT INTO sync_entries (id, till, seq, kind, ref, at_ms, offline, body)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
  entryExists: 'SELECT 1 FROM sync_entries WHERE id = $1',
  posting: 'INSERT INTO sync_postings (entry_id, posting, account_id, kind, points) VALUES ($1, $2, $3, $4, $5)',
  account: `INSERT INTO sync_accounts (account_id, points, lowest) VALUES ($1, $2::bigint, least(0, $2::bigint))
    ON CONFLICT (account_id) DO UPDATE SET points = sync_accounts.points + $2::bigint,
      lowest = least(sync_accounts.lowest, sync_accounts.points + $2::bigint)`,
  openAccount: 'INSERT INTO sync_accounts (account_id) VALUES ($1) ON CONFLICT (account_id) DO NOTHING',
  card: 'INSERT INTO sync_cards (number, account_id, entry_id) VALUES ($1, $2, $3) ON CONFLICT (number) DO NOTHING',
  code: `INSERT INTO sync_codes (code, entry_id, till, transaction_id, campaign_id, at_ms)
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING RETURNING code`,
  firstCode: 'SELECT entry_id, till, transaction_id FROM sync_codes WHERE code = $1',
  conflict: `INSERT INTO sync_conflicts (kind, subject, entry_id, till, transaction_id, first_entry_id, first_till,
      first_transaction_id, campaign_id, cost)
    VALUES ('code', $1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
  released: 'SELECT 1 FROM sync_code_releases WHERE code = $1 AND transaction_id = $2',
  release: `INSERT INTO sync_code_releases (code, transaction_id, entry_id) VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING`,
  freeCode: 'DELETE FROM sync_codes WHERE code = $1 AND transaction_id = $2 RETURNING code',
  nextHolder: `SELECT c.entry_id, c.till, c.transaction_id, c.campaign_id, e.at_ms FROM sync_conflicts c
      JOIN sync_entries e ON e.id = c.entry_id
     WHERE c.kind = 'code' AND c.subject = $1
       AND NOT EXISTS (SELECT 1 FROM sync_code_releases r WHERE r.code = c.subject AND r.transaction_id = c.transaction_id)
     ORDER BY c.detected_at, c.entry_id LIMIT 1`,
  releaseCodeClaim: 'DELETE FROM sync_code_claims WHERE code = $1 AND transaction_id = $2',
  releasePointClaim: 'DELETE FROM sync_point_claims WHERE key = $1',
  usage: `INSERT INTO sync_campaigns (campaign_id, redemptions, discount_spent, points_spent)
    VALUES ($1, $2::bigint, $3::bigint, $4::bigint)
    ON CONFLICT (campaign_id) DO UPDATE SET redemptions = sync_campaigns.redemptions + $2::bigint,
      discount_spent = sync_campaigns.discount_spent + $3::bigint, points_spent = sync_campaigns.points_spent + $4::bigint`,
  conflictCost: `INSERT INTO sync_campaigns (campaign_id, conflict_cost) VALUES ($1, $2::bigint)
    ON CONFLICT (campaign_id) DO UPDATE SET conflict_cost = sync_campaigns.conflict_cost + $2::bigint`,
  till: `INSERT INTO sync_tills (till, applied, max_seq, last_entry_id, last_at_ms, last_applied_at)
    VALUES ($1, 1, $2::bigint, $3::uuid, $4::bigint, now())
    ON CONFLICT (till) DO UPDATE SET applied = sync_tills.applied + 1,
      max_seq = greatest(sync_tills.max_seq, $2::bigint),
      last_entry_id = CASE WHEN $2::bigint > sync_tills.max_seq THEN $3::uuid ELSE sync_tills.last_entry_id END,
      last_at_ms = CASE WHEN $2::bigint > sync_tills.max_seq THEN $4::bigint ELSE sync_tills.last_at_ms END,
      last_applied_at = now()`,
}

/** Sums the postings of an entry per account, in account order (one row update each, a fixed lock order). */
const perAccount = (entry: SyncEntry): [string, number][] => {
  const sums = new Map<string, number>()
  for (const p of entry.postings) sums.set(p.accountId, (sums.get(p.accountId) ?? 0) + p.points)
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * A full return gave back `code`, redeemed by the sale `sale`: the release is recorded (so a close
 * applied after its return, out of order, does not take the code), and if that sale held the code
 * it is free again, unless another sale redeemed it too (a conflict): the earliest of those, not
 * itself returned, then holds it. The conflict stays on record.
 */
const giveBack = async (tx: PoolClient, entry: SyncEntry, sale: string, code: string) => {
  await tx.query(SQL.release, [code, sale, entry.id])
  const freed = await tx.query(SQL.freeCode, [code, sale])
  if (freed.rowCount === 0) return
  const next = (await tx.query(SQL.nextHolder, [code])).rows[0] as
    | { entry_id: string; till: string; transaction_id: string; campaign_id: string | null; at_ms: string }
    | undefined
  if (next !== undefined)
    await tx.query(SQL.code, [code, next.entry_id, next.till, next.transaction_id, next.campaign_id, next.at_ms])
}

/**
 * Applies one entry inside the caller's transaction: the entry row first (its id is the key: an
 * entry already there is not booked again), then its postings, accounts, cards, single-use codes
 * (a code already redeemed elsewhere: the sale stands, a conflict names both transactions and its
 * discount goes to the campaign's conflict cost), the codes a full return gave back, campaign
 * usage, and the till's progress.
 * @category sync
 */
export const applyEntry = async (tx: PoolClient, entry: SyncEntry, onApplied?: OnApplied): Promise<ApplyOutcome> => {
  const inserted = await tx.query(SQL.insertEntry, [
    entry.id,
    entry.till,
    entry.seq,
    entry.kind,
    entry.ref,
    entry.atMs,
    entry.offline,
    JSON.stringify(entry),
  ])
  if (inserted.rowCount === 0) {
    const same = await tx.query(SQL.entryExists, [entry.id])
    if (same.rowCount !== 0) return { _tag: 'AlreadyApplied', id: entry.id }
    return {
      _tag: 'SeqTaken',
      id: entry.id,
      till: entry.till,
      seq: entry.seq,
      message: `till ${entry.till} already sent another entry with seq ${entry.seq}`,
    }
  }
  for (const id of entry.accounts) await tx.query(SQL.openAccount, [id])
  for (const p of entry.postings) await tx.query(SQL.posting, [entry.id, p.entryId, p.accountId, p.kind, p.points])
  for (const [accountId, points] of perAccount(entry)) await tx.query(SQL.account, [accountId, points])
  for (const c of entry.cards) await tx.query(SQL.card, [c.number, c.accountId, entry.id])
  let conflicts = 0
  for (const c of entry.codes) {
    // A sale whose full return was applied first (reordered): its redemption is given back already.
    if ((await tx.query(SQL.released, [c.code, entry.ref])).rowCount !== 0) {
      await tx.query(SQL.releaseCodeClaim, [c.code, entry.ref])
      continue
    }
    const first = await tx.query(SQL.code, [c.code, entry.id, entry.till, entry.ref, c.campaignId ?? null, entry.atMs])
    if (first.rowCount === 0) {
      const holder = (await tx.query(SQL.firstCode, [c.code])).rows[0] as {
        entry_id: string
        till: string
        transaction_id: string
      }
      await tx.query(SQL.conflict, [
        c.code,
        entry.id,
        entry.till,
        entry.ref,
        holder.entry_id,
        holder.till,
        holder.transaction_id,
        c.campaignId ?? null,
        c.discount,
      ])
      if (c.campaignId !== undefined) await tx.query(SQL.conflictCost, [c.campaignId, c.discount])
      conflicts++
    }
    await tx.query(SQL.releaseCodeClaim, [c.code, entry.ref])
  }
  if (entry.of !== undefined) for (const r of entry.released ?? []) await giveBack(tx, entry, entry.of, r.code)
  const usage = [...entry.campaigns].sort((a, b) => (a.campaignId < b.campaignId ? -1 : 1))
  for (const u of usage) await tx.query(SQL.usage, [u.campaignId, u.redemptions, u.discountSpent, u.pointsSpent])
  if (entry.kind === 'redeem') await tx.query(SQL.releasePointClaim, [entry.ref])
  await tx.query(SQL.till, [entry.till, entry.seq, entry.id, entry.atMs])
  // The events outbox: `createHeadOfficeConsumer` passes `recordEntryEvents` (./events.ts) here.
  if (onApplied !== undefined) await onApplied(tx, entry)
  return { _tag: 'Applied', id: entry.id, conflicts }
}

/**
 * Applies a batch of entries in ONE transaction (SERIALIZABLE by default, retried whole on 40001
 * or 40P01 by `withTransaction`): all of the batch commits or none does, and an entry already
 * applied is skipped, so a batch redelivered after a crash books nothing twice. Acknowledge the
 * messages only after this returns.
 * @category sync
 */
export const applyEntries = (
  pool: Pool,
  entries: readonly SyncEntry[],
  options: ApplyOptions = {},
): Promise<readonly ApplyOutcome[]> =>
  withTransaction(
    pool,
    async (tx) => {
      const outcomes: ApplyOutcome[] = []
      for (const e of entries) outcomes.push(await applyEntry(tx, e, options.onApplied))
      return outcomes
    },
    { isolation: options.isolation ?? 'serializable', maxRetries: options.maxRetries ?? 50 },
  )

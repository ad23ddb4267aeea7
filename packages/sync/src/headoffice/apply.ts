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
  /** Per new entry, after the batch's bookings. */
  readonly onApplied?: OnApplied
  /** Once per batch, after `onApplied`. */
  readonly onAppliedBatch?: OnAppliedBatch
  readonly maxRetries?: number
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const SQL = {
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
  conflictCost: `INSERT INTO sync_campaigns (campaign_id, conflict_cost) VALUES ($1, $2::bigint)
    ON CONFLICT (campaign_id) DO UPDATE SET conflict_cost = sync_campaigns.conflict_cost + $2::bigint`,
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

/** An entry newly applied in a batch, with the head office's balance of each account it moved, after it. @category sync */
export interface AppliedEntry {
  readonly entry: SyncEntry
  readonly balances: ReadonlyMap<string, number>
}

/**
 * Called once per applied batch, inside its transaction, after every booking, with the entries
 * newly applied in order (the events outbox goes here: one statement for the whole batch).
 * @category sync
 */
export type OnAppliedBatch = (tx: PoolClient, applied: readonly AppliedEntry[]) => Promise<void>

const BULK = {
  // The batch as ONE jsonb array, the columns read from each body: cheaper to send and parse than
  // eight arrays (the bodies' text escaped into an array literal). In the same round trip, the
  // balances before the batch of every account it moves, and which of its (code, sale) pairs a
  // full return already gave back (the statement's snapshot: the insert touches neither table).
  entries: `WITH inserted AS (
    INSERT INTO sync_entries (id, till, seq, kind, ref, at_ms, offline, body)
    SELECT (b->>'id')::uuid, b->>'till', (b->>'seq')::bigint, b->>'kind', b->>'ref', (b->>'atMs')::bigint,
        (b->>'offline')::boolean, b
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e (b, n)
     ORDER BY n
    ON CONFLICT DO NOTHING RETURNING id::text AS id
  )
  SELECT 'entry' AS part, id AS key, NULL::text AS sale, NULL::bigint AS points FROM inserted
  UNION ALL
  SELECT 'balance', account_id, NULL, points FROM sync_accounts WHERE account_id = ANY($2::text[])
  UNION ALL
  SELECT 'given', r.code, r.transaction_id, NULL FROM sync_code_releases r
    JOIN unnest($3::text[], $4::text[]) AS k (code, transaction_id)
      ON r.code = k.code AND r.transaction_id = k.transaction_id`,
  existing: 'SELECT id::text FROM sync_entries WHERE id = ANY($1::uuid[])',
}

/**
 * The rest of a batch's bookings in ONE statement (one round trip, not seven): accounts opened
 * (those the batch does not also move), postings, the accounts' balances and lowest points, cards,
 * campaign usage, the online checks' holds released, the tills' progress. Each part writes rows of
 * its own (no two touch the same row), in key order.
 */
const BOOK = `WITH opened AS (
    INSERT INTO sync_accounts (account_id) SELECT a FROM unnest($1::text[]) AS t (a) ORDER BY a
    ON CONFLICT (account_id) DO NOTHING
  ), postings AS (
    INSERT INTO sync_postings (entry_id, posting, account_id, kind, points)
    SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[])
  ), accounts AS (
    INSERT INTO sync_accounts (account_id, points, lowest)
    SELECT a, d, least(0, m) FROM unnest($7::text[], $8::bigint[], $9::bigint[]) AS t (a, d, m) ORDER BY a
    ON CONFLICT (account_id) DO UPDATE SET points = sync_accounts.points + excluded.points,
      lowest = least(sync_accounts.lowest, sync_accounts.points + excluded.lowest)
  ), cards AS (
    INSERT INTO sync_cards (number, account_id, entry_id)
    SELECT * FROM unnest($10::text[], $11::text[], $12::uuid[]) ON CONFLICT (number) DO NOTHING
  ), usage AS (
    INSERT INTO sync_campaigns (campaign_id, redemptions, discount_spent, points_spent)
    SELECT * FROM unnest($13::text[], $14::bigint[], $15::bigint[], $16::bigint[]) AS u (c, r, d, p) ORDER BY c
    ON CONFLICT (campaign_id) DO UPDATE SET redemptions = sync_campaigns.redemptions + excluded.redemptions,
      discount_spent = sync_campaigns.discount_spent + excluded.discount_spent,
      points_spent = sync_campaigns.points_spent + excluded.points_spent
  ), point_claims AS (
    DELETE FROM sync_point_claims WHERE key = ANY($17::text[])
  ), code_claims AS (
    DELETE FROM sync_code_claims c USING unnest($18::text[], $19::text[]) AS k (code, transaction_id)
     WHERE c.code = k.code AND c.transaction_id = k.transaction_id
  ), tills AS (
    INSERT INTO sync_tills (till, applied, max_seq, last_entry_id, last_at_ms, last_applied_at)
    SELECT t, n, s, id, at, now() FROM unnest($20::text[], $21::bigint[], $22::bigint[], $23::uuid[], $24::bigint[])
      AS x (t, n, s, id, at) ORDER BY t
    ON CONFLICT (till) DO UPDATE SET applied = sync_tills.applied + excluded.applied,
      max_seq = greatest(sync_tills.max_seq, excluded.max_seq),
      last_entry_id = CASE WHEN excluded.max_seq > sync_tills.max_seq THEN excluded.last_entry_id ELSE sync_tills.last_entry_id END,
      last_at_ms = CASE WHEN excluded.max_seq > sync_tills.max_seq THEN excluded.last_at_ms ELSE sync_tills.last_at_ms END,
      last_applied_at = now()
  )
SELECT 1`

/** The single-use codes of one new entry, in order: first holder, conflict, or given back. */
const applyCodes = async (tx: PoolClient, entry: SyncEntry): Promise<number> => {
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
  return conflicts
}

/** Every (code, transaction) key once: a single-use code in a batch, with its entry and position. */
const codeKey = (code: string, transactionId: string) => `${code}\u0000${transactionId}`

const CODES = {
  claim: `INSERT INTO sync_codes (code, entry_id, till, transaction_id, campaign_id, at_ms)
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[])
      AS c (code, entry_id, till, transaction_id, campaign_id, at_ms) ORDER BY code
    ON CONFLICT (code) DO NOTHING RETURNING code`,
  holders: 'SELECT code, entry_id::text, till, transaction_id FROM sync_codes WHERE code = ANY($1::text[])',
  conflicts: `INSERT INTO sync_conflicts (kind, subject, entry_id, till, transaction_id, first_entry_id, first_till,
      first_transaction_id, campaign_id, cost)
    SELECT 'code', * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[],
      $8::text[], $9::bigint[]) ON CONFLICT DO NOTHING`,
  conflictCosts: `INSERT INTO sync_campaigns (campaign_id, conflict_cost)
    SELECT * FROM unnest($1::text[], $2::bigint[]) AS c (campaign_id, cost) ORDER BY campaign_id
    ON CONFLICT (campaign_id) DO UPDATE SET conflict_cost = sync_campaigns.conflict_cost + excluded.conflict_cost`,
}

/**
 * The single-use codes of a batch's new entries, set-based: what {@link applyCodes} does entry by
 * entry, in a fixed number of statements. Only when the order inside the batch cannot matter: no
 * entry gives a code back and no code is met twice (else `undefined`: apply them in order). Per
 * entry, how many of its codes were a conflict; the online checks' holds on those codes are left
 * for the caller to release (`releases`, in the batch's one booking statement).
 */
const applyCodesAtOnce = async (
  tx: PoolClient,
  applied: readonly SyncEntry[],
  given: ReadonlySet<string>,
): Promise<{ conflicts: Map<string, number>; releases: { codes: string[]; sales: string[] } } | undefined> => {
  const redeemed = applied.flatMap((e) => e.codes.map((c) => ({ entry: e, code: c })))
  const codes = new Set(redeemed.map((r) => r.code.code))
  if (codes.size !== redeemed.length || applied.some((e) => e.of !== undefined && (e.released?.length ?? 0) > 0))
    return undefined
  const conflicts = new Map<string, number>()
  const releases = { codes: redeemed.map((r) => r.code.code), sales: redeemed.map((r) => r.entry.ref) }
  if (redeemed.length === 0) return { conflicts, releases }
  // A sale whose full return was applied first (reordered): its redemption is given back already.
  const claims = redeemed.filter((r) => !given.has(codeKey(r.code.code, r.entry.ref)))
  if (claims.length > 0) {
    const won = new Set(
      (
        await tx.query(CODES.claim, [
          claims.map((r) => r.code.code),
          claims.map((r) => r.entry.id),
          claims.map((r) => r.entry.till),
          claims.map((r) => r.entry.ref),
          claims.map((r) => r.code.campaignId ?? null),
          claims.map((r) => r.entry.atMs),
        ])
      ).rows.map((r) => String(r.code)),
    )
    const lost = claims.filter((r) => !won.has(r.code.code))
    if (lost.length > 0) {
      const holder = new Map(
        (await tx.query(CODES.holders, [lost.map((r) => r.code.code)])).rows.map((h) => [String(h.code), h]),
      )
      const first = (r: (typeof lost)[number]) =>
        holder.get(r.code.code) as { entry_id: string; till: string; transaction_id: string }
      await tx.query(CODES.conflicts, [
        lost.map((r) => r.code.code),
        lost.map((r) => r.entry.id),
        lost.map((r) => r.entry.till),
        lost.map((r) => r.entry.ref),
        lost.map((r) => first(r).entry_id),
        lost.map((r) => first(r).till),
        lost.map((r) => first(r).transaction_id),
        lost.map((r) => r.code.campaignId ?? null),
        lost.map((r) => r.code.discount),
      ])
      const cost = new Map<string, number>()
      for (const r of lost) {
        conflicts.set(r.entry.id, (conflicts.get(r.entry.id) ?? 0) + 1)
        if (r.code.campaignId !== undefined)
          cost.set(r.code.campaignId, (cost.get(r.code.campaignId) ?? 0) + r.code.discount)
      }
      if (cost.size > 0) {
        const rows = [...cost.entries()]
        await tx.query(CODES.conflictCosts, [rows.map(([c]) => c), rows.map(([, d]) => d)])
      }
    }
  }
  return { conflicts, releases }
}

const byKey = <A>(rows: Map<string, A>) => [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/**
 * Applies a batch of entries inside the caller's transaction, in a fixed number of set-based
 * statements: the entry rows first (each id is the key: an entry already there, or twice in the
 * batch, is not booked again; another entry under a seq its till already used is refused), read
 * with the balances before the batch and the codes already given back; then, for the new ones,
 * their single-use codes (a code already redeemed
 * elsewhere: the sale stands, a conflict names both transactions and its discount goes to the
 * campaign's conflict cost; the codes a full return gave back are freed), at once when their order
 * cannot matter, else entry by entry; then in one statement their postings, accounts (a balance may
 * go below zero: a debt; the lowest it went is kept), cards, campaign usage, the holds released and
 * the tills' progress. Rows are written in key order (accounts, campaigns, tills, codes), a fixed
 * lock order. Then `onApplied`
 * for each new entry in order, and `onAppliedBatch` once.
 * @category sync
 */
export const applyBatch = async (
  tx: PoolClient,
  entries: readonly SyncEntry[],
  hooks: { readonly onApplied?: OnApplied; readonly onAppliedBatch?: OnAppliedBatch } = {},
): Promise<readonly ApplyOutcome[]> => {
  if (entries.length === 0) return []
  const named = entries.flatMap((e) => e.codes.map((c) => [c.code, e.ref] as const))
  const read = await tx.query(BULK.entries, [
    JSON.stringify(entries),
    [...new Set(entries.flatMap((e) => e.postings.map((p) => p.accountId)))],
    named.map(([code]) => code),
    named.map(([, sale]) => sale),
  ])
  const fresh = new Set<string>()
  const before = new Map<string, number>()
  const given = new Set<string>()
  for (const r of read.rows) {
    if (r.part === 'entry') fresh.add(String(r.key).toLowerCase())
    else if (r.part === 'balance') before.set(r.key, Number(r.points))
    else given.add(codeKey(r.key, r.sale))
  }
  const others = entries.filter((e) => !fresh.has(e.id.toLowerCase())).map((e) => e.id)
  const known = new Set(
    others.length === 0 ? [] : (await tx.query(BULK.existing, [others])).rows.map((r) => String(r.id).toLowerCase()),
  )
  const taken = new Set<string>()
  const applied: SyncEntry[] = []
  const outcomes: ApplyOutcome[] = entries.map((e) => {
    const id = e.id.toLowerCase()
    if (fresh.has(id) && !taken.has(id)) {
      taken.add(id)
      applied.push(e)
      return { _tag: 'Applied', id: e.id, conflicts: 0 }
    }
    if (taken.has(id) || known.has(id)) return { _tag: 'AlreadyApplied', id: e.id }
    return {
      _tag: 'SeqTaken',
      id: e.id,
      till: e.till,
      seq: e.seq,
      message: `till ${e.till} already sent another entry with seq ${e.seq}`,
    }
  })
  if (applied.length === 0) return outcomes

  const postings = applied.flatMap((e) => e.postings.map((p) => ({ entry: e.id, ...p })))
  // Each account's balance after every entry, from its balance before the batch: the net change,
  // and the lowest point it reached on the way (a debt shows even if the batch repaid it).
  const moved = [...new Set(postings.map((p) => p.accountId))].sort()
  const balance = new Map(before)
  const start = new Map(moved.map((a) => [a, balance.get(a) ?? 0]))
  const lowest = new Map<string, number>()
  const after: AppliedEntry[] = []
  for (const e of applied) {
    const sums = new Map<string, number>()
    for (const p of e.postings) sums.set(p.accountId, (sums.get(p.accountId) ?? 0) + p.points)
    const balances = new Map<string, number>()
    for (const [a, points] of sums) {
      const b = (balance.get(a) ?? 0) + points
      balance.set(a, b)
      balances.set(a, b)
      lowest.set(a, Math.min(lowest.get(a) ?? 0, b - (start.get(a) ?? 0)))
    }
    after.push({ entry: e, balances })
  }
  const atOnce = await applyCodesAtOnce(tx, applied, given)
  let conflicts = atOnce?.conflicts
  if (conflicts === undefined) {
    conflicts = new Map<string, number>()
    for (const e of applied)
      if (e.codes.length > 0 || (e.released?.length ?? 0) > 0) conflicts.set(e.id, await applyCodes(tx, e))
  }
  const movedSet = new Set(moved)
  const opened = [...new Set(applied.flatMap((e) => e.accounts))].filter((a) => !movedSet.has(a)).sort()
  const cards = applied.flatMap((e) => e.cards.map((c) => ({ entry: e.id, ...c })))
  const usage = new Map<string, { r: number; d: number; p: number }>()
  for (const e of applied)
    for (const u of e.campaigns) {
      const row = usage.get(u.campaignId) ?? { r: 0, d: 0, p: 0 }
      usage.set(u.campaignId, { r: row.r + u.redemptions, d: row.d + u.discountSpent, p: row.p + u.pointsSpent })
    }
  const campaigns = byKey(usage)
  const tills = new Map<string, { n: number; last: SyncEntry }>()
  for (const e of applied) {
    const t = tills.get(e.till)
    tills.set(e.till, { n: (t?.n ?? 0) + 1, last: t === undefined || e.seq > t.last.seq ? e : t.last })
  }
  const progress = byKey(tills)
  await tx.query(BOOK, [
    opened,
    postings.map((p) => p.entry),
    postings.map((p) => p.entryId),
    postings.map((p) => p.accountId),
    postings.map((p) => p.kind),
    postings.map((p) => p.points),
    moved,
    moved.map((a) => (balance.get(a) ?? 0) - (start.get(a) ?? 0)),
    moved.map((a) => lowest.get(a) ?? 0),
    cards.map((c) => c.number),
    cards.map((c) => c.accountId),
    cards.map((c) => c.entry),
    campaigns.map(([c]) => c),
    campaigns.map(([, u]) => u.r),
    campaigns.map(([, u]) => u.d),
    campaigns.map(([, u]) => u.p),
    applied.filter((e) => e.kind === 'redeem').map((e) => e.ref),
    atOnce?.releases.codes ?? [],
    atOnce?.releases.sales ?? [],
    progress.map(([t]) => t),
    progress.map(([, t]) => t.n),
    progress.map(([, t]) => t.last.seq),
    progress.map(([, t]) => t.last.id),
    progress.map(([, t]) => t.last.atMs),
  ])
  if (hooks.onApplied !== undefined) for (const e of applied) await hooks.onApplied(tx, e)
  if (hooks.onAppliedBatch !== undefined) await hooks.onAppliedBatch(tx, after)
  return outcomes.map((o) => (o._tag === 'Applied' ? { ...o, conflicts: conflicts.get(o.id) ?? 0 } : o))
}

/**
 * Applies one entry inside the caller's transaction ({@link applyBatch} of one).
 * @category sync
 */
export const applyEntry = async (tx: PoolClient, entry: SyncEntry, onApplied?: OnApplied): Promise<ApplyOutcome> =>
  (await applyBatch(tx, [entry], onApplied !== undefined ? { onApplied } : {}))[0] as ApplyOutcome

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
    (tx) =>
      applyBatch(tx, entries, {
        ...(options.onApplied !== undefined ? { onApplied: options.onApplied } : {}),
        ...(options.onAppliedBatch !== undefined ? { onAppliedBatch: options.onAppliedBatch } : {}),
      }),
    { isolation: options.isolation ?? 'serializable', maxRetries: options.maxRetries ?? 50 },
  )

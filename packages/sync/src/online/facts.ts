import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import { withTransaction } from '@tessera/store-postgres'
import { openSqliteConnection, type SqliteConnection } from '@tessera/store-sqlite'
import type { Pool } from 'pg'
import { FACTS_SUBJECT } from '../nats/stream.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** A question a till asks the head office before it books a cross-till fact. @category sync */
export type FactRequest =
  | { readonly op: 'claimCode'; readonly code: string; readonly till: string; readonly transactionId: string }
  | { readonly op: 'claimPoints'; readonly accountId: string; readonly points: number; readonly key: string }
  | { readonly op: 'budget'; readonly campaignId: string }

/** The head office's answer. @category sync */
export type FactAnswer =
  | { readonly ok: true; readonly available?: number }
  | { readonly ok: false; readonly reason: 'REDEEMED' | 'CLAIMED' | 'INSUFFICIENT_POINTS' | 'BAD_REQUEST' }
  | { readonly ok: true; readonly discountSpent: number; readonly pointsSpent: number }

/** What the till learnt: the head office's answer within the budget, or nothing (decide locally). @category sync */
export type Checked<A> = { readonly online: true; readonly answer: A } | { readonly online: false }

/** How long a claim holds a code or points for a sale that is being closed: 10 minutes. */
const CLAIM_MS = 10 * 60_000

// ── the head office side ─────────────────────────────────────────────────────────────────────────

const answer = async (pool: Pool, request: FactRequest, nowMs: number): Promise<FactAnswer> => {
  switch (request.op) {
    case 'claimCode':
      return withTransaction(
        pool,
        async (tx) => {
          const used = await tx.query('SELECT 1 FROM sync_codes WHERE code = $1', [request.code])
          if (used.rowCount !== 0) return { ok: false, reason: 'REDEEMED' } as const
          const held = await tx.query('SELECT transaction_id, expires_at_ms FROM sync_code_claims WHERE code = $1', [
            request.code,
          ])
          const h = held.rows[0]
          if (h !== undefined && h.transaction_id !== request.transactionId && Number(h.expires_at_ms) > nowMs)
            return { ok: false, reason: 'CLAIMED' } as const
          await tx.query(
            `INSERT INTO sync_code_claims (code, till, transaction_id, expires_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET till = $2, transaction_id = $3, expires_at_ms = $4`,
            [request.code, request.till, request.transactionId, nowMs + CLAIM_MS],
          )
          return { ok: true } as const
        },
        { isolation: 'serializable' },
      )
    case 'claimPoints':
      return withTransaction(
        pool,
        async (tx) => {
          const again = await tx.query('SELECT 1 FROM sync_point_claims WHERE key = $1', [request.key])
          if (again.rowCount !== 0) return { ok: true } as const
          const { rows } = await tx.query(
            `SELECT coalesce((SELECT points FROM sync_accounts WHERE account_id = $1), 0)
               - coalesce((SELECT sum(points) FROM sync_point_claims WHERE account_id = $1 AND expires_at_ms > $2), 0)
               AS available`,
            [request.accountId, nowMs],
          )
          const available = Number(rows[0]?.available ?? 0)
          if (available < request.points) return { ok: false, reason: 'INSUFFICIENT_POINTS' } as const
          await tx.query(
            'INSERT INTO sync_point_claims (key, account_id, points, expires_at_ms) VALUES ($1, $2, $3, $4)',
            [request.key, request.accountId, request.points, nowMs + CLAIM_MS],
          )
          return { ok: true, available: available - request.points } as const
        },
        { isolation: 'serializable' },
      )
    case 'budget': {
      const { rows } = await pool.query(
        'SELECT discount_spent, points_spent FROM sync_campaigns WHERE campaign_id = $1',
        [request.campaignId],
      )
      return {
        ok: true,
        discountSpent: Number(rows[0]?.discount_spent ?? 0),
        pointsSpent: Number(rows[0]?.points_spent ?? 0),
      }
    }
  }
}

const isRequest = (u: unknown): u is FactRequest => {
  if (typeof u !== 'object' || u === null) return false
  const r = u as Record<string, unknown>
  const text = (k: string) => typeof r[k] === 'string' && (r[k] as string) !== ''
  if (r.op === 'claimCode') return text('code') && text('till') && text('transactionId')
  if (r.op === 'claimPoints')
    return text('accountId') && text('key') && typeof r.points === 'number' && Number.isSafeInteger(r.points)
  if (r.op === 'budget') return text('campaignId')
  return false
}

/**
 * Answers the tills' online checks over NATS request/reply (`tessera.sync-facts`): claim a single-use
 * code for a sale (refused when redeemed or claimed by another sale), claim points for a reward
 * (refused past the applied balance less the live claims), read a campaign's spend. A malformed
 * request gets `BAD_REQUEST`. Reads the clock.
 * @category sync
 */
export const serveFacts = (nc: NatsConnection, pool: Pool, now: () => number = Date.now): Subscription => {
  const sub = nc.subscribe(FACTS_SUBJECT, { queue: 'head-office' })
  const encoder = new TextEncoder()
  void (async () => {
    for await (const msg of sub) {
      let reply: FactAnswer
      try {
        const request: unknown = JSON.parse(new TextDecoder().decode(msg.data))
        reply = isRequest(request) ? await answer(pool, request, now()) : { ok: false, reason: 'BAD_REQUEST' }
      } catch {
        reply = { ok: false, reason: 'BAD_REQUEST' }
      }
      msg.respond(encoder.encode(JSON.stringify(reply)))
    }
  })()
  return sub
}

// ── the till side ────────────────────────────────────────────────────────────────────────────────

/** A till's online checks. @category sync */
export interface FactsClient {
  readonly ask: (request: FactRequest) => Promise<Checked<FactAnswer>>
  /** Whether the last question was answered in time. */
  readonly online: () => boolean
}

/**
 * Asks the head office within `budgetMs` (default 300 ms): an answer in time is `online`; a
 * timeout, no responder or a cut link is `{ online: false }` and the till decides from what it
 * knows. Never throws.
 * @category sync
 */
export const createFactsClient = (nc: () => NatsConnection | undefined, budgetMs = 300): FactsClient => {
  let last = true
  const encoder = new TextEncoder()
  return {
    ask: async (request) => {
      const c = nc()
      if (c === undefined || c.isClosed()) {
        last = false
        return { online: false }
      }
      try {
        const reply = await c.request(FACTS_SUBJECT, encoder.encode(JSON.stringify(request)), { timeout: budgetMs })
        last = true
        return { online: true, answer: JSON.parse(new TextDecoder().decode(reply.data)) as FactAnswer }
      } catch {
        last = false
        return { online: false }
      }
    },
    online: () => last,
  }
}

/**
 * The till's last known state of what other tills spent: a campaign's spend as the head office
 * answered it raises the till's own usage row (never lowers it), so the engine judges the budget
 * with the whole chain's spend while the link is up, and with the last figure it heard when it is
 * down. It books nothing (no outbox entry).
 * @category sync
 */
export interface LastKnown {
  readonly raiseCampaignSpend: (campaignId: string, discountSpent: number, pointsSpent: number) => Promise<void>
  readonly close: () => Promise<void>
}

/** Opens the last-known state of a till's file (shares the stores' queue in this process). @category sync */
export const openLastKnown = (file: string): LastKnown => {
  const c: SqliteConnection = openSqliteConnection({ file })
  return {
    raiseCampaignSpend: async (campaignId, discountSpent, pointsSpent) => {
      await c.inTransaction('IMMEDIATE', async () => {
        c.db
          .prepare(
            `INSERT INTO checkout_campaign_usage (campaign_id, redemptions, discount_spent, points_spent)
             VALUES (?, 0, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET
               discount_spent = max(discount_spent, excluded.discount_spent),
               points_spent = max(points_spent, excluded.points_spent)`,
          )
          .run(campaignId, discountSpent, pointsSpent)
      })
    },
    close: c.close,
  }
}

import type { Campaign } from '@tessera/core'
import type { Pool } from 'pg'

/** An account as the head office opens it before the tills sell: its id and opening points. @category sync */
export interface OpeningAccount {
  readonly accountId: string
  readonly points: number
}

/** Opens accounts with their opening balance (what every till was provisioned with). @category sync */
export const provisionAccounts = async (pool: Pool, accounts: readonly OpeningAccount[]): Promise<void> => {
  for (let i = 0; i < accounts.length; i += 1000) {
    const slice = accounts.slice(i, i + 1000)
    await pool.query(
      `INSERT INTO sync_accounts (account_id, points, opening, lowest)
       SELECT a, p, p, least(0, p) FROM unnest($1::text[], $2::bigint[]) AS t (a, p)
       ON CONFLICT (account_id) DO NOTHING`,
      [slice.map((a) => a.accountId), slice.map((a) => a.points)],
    )
  }
}

/** Records the campaigns' budgets (`limits.budget`), against which overspend is reported. @category sync */
export const provisionBudgets = async (pool: Pool, campaigns: readonly Campaign[]): Promise<void> => {
  for (const c of campaigns) {
    const budget = c.limits?.budget
    await pool.query(
      `INSERT INTO sync_campaigns (campaign_id, discount_budget, points_budget) VALUES ($1, $2, $3)
       ON CONFLICT (campaign_id) DO UPDATE SET discount_budget = $2, points_budget = $3`,
      [c.id, budget?.discount ?? null, budget?.points ?? null],
    )
  }
}

/** A conflict the head office recorded: a single-use code redeemed by two sales. @category sync */
export interface SyncConflict {
  readonly kind: 'code'
  readonly code: string
  readonly campaignId?: string
  /** The discount the second sale got with it, in minor units: counted in the campaign's cost. */
  readonly cost: number
  readonly first: { readonly till: string; readonly transactionId: string; readonly entryId: string }
  readonly second: { readonly till: string; readonly transactionId: string; readonly entryId: string }
}

/** A campaign's usage at the head office, its budget and what went past it. @category sync */
export interface CampaignReport {
  readonly campaignId: string
  readonly redemptions: number
  readonly discountSpent: number
  readonly pointsSpent: number
  readonly conflictCost: number
  readonly discountBudget?: number
  readonly pointsBudget?: number
  /** Spent past the budget (0 within it). */
  readonly discountOverspend: number
  readonly pointsOverspend: number
}

/** An account whose balance went below zero (offline redemptions): a debt that later earnings repay. @category sync */
export interface AccountDebt {
  readonly accountId: string
  readonly debt: number
  /** The lowest the balance went. */
  readonly lowest: number
}

/**
 * The head office's consistency check: every account's balance equals its opening plus the sum of
 * its applied postings (to the point), the accounts in debt, the campaigns past their budget, and
 * the conflicts.
 * @category sync
 */
export interface ConsistencyReport {
  readonly accounts: number
  readonly entries: number
  /** Accounts whose balance is not opening + postings (must be empty). */
  readonly mismatches: readonly { readonly accountId: string; readonly balance: number; readonly expected: number }[]
  readonly debts: readonly AccountDebt[]
  readonly overspent: readonly CampaignReport[]
  readonly conflicts: number
  /** Accounts that went below zero at some point and are back at zero or above: debt repaid. */
  readonly repaid: number
}

const n = (v: unknown) => Number(v ?? 0)

/** Every conflict, in the order they were found. @category sync */
export const listConflicts = async (pool: Pool): Promise<readonly SyncConflict[]> => {
  const { rows } = await pool.query(
    `SELECT subject, campaign_id, cost, till, transaction_id, entry_id, first_till, first_transaction_id,
       first_entry_id FROM sync_conflicts ORDER BY detected_at, entry_id`,
  )
  return rows.map((r) => ({
    kind: 'code' as const,
    code: r.subject,
    ...(r.campaign_id !== null ? { campaignId: r.campaign_id } : {}),
    cost: n(r.cost),
    first: { till: r.first_till, transactionId: r.first_transaction_id, entryId: r.first_entry_id },
    second: { till: r.till, transactionId: r.transaction_id, entryId: r.entry_id },
  }))
}

/** Every campaign's usage, budget and overspend. @category sync */
export const campaignReports = async (pool: Pool): Promise<readonly CampaignReport[]> => {
  const { rows } = await pool.query('SELECT * FROM sync_campaigns ORDER BY campaign_id')
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    redemptions: n(r.redemptions),
    discountSpent: n(r.discount_spent),
    pointsSpent: n(r.points_spent),
    conflictCost: n(r.conflict_cost),
    ...(r.discount_budget !== null ? { discountBudget: n(r.discount_budget) } : {}),
    ...(r.points_budget !== null ? { pointsBudget: n(r.points_budget) } : {}),
    discountOverspend: r.discount_budget === null ? 0 : Math.max(0, n(r.discount_spent) - n(r.discount_budget)),
    pointsOverspend: r.points_budget === null ? 0 : Math.max(0, n(r.points_spent) - n(r.points_budget)),
  }))
}

/** Runs the consistency check (reads only). @category sync */
export const consistencyCheck = async (pool: Pool): Promise<ConsistencyReport> => {
  const mismatches = await pool.query(
    `SELECT a.account_id, a.points, a.opening + coalesce(sum(p.points), 0) AS expected
       FROM sync_accounts a LEFT JOIN sync_postings p ON p.account_id = a.account_id
      GROUP BY a.account_id, a.points, a.opening
     HAVING a.points <> a.opening + coalesce(sum(p.points), 0)`,
  )
  const debts = await pool.query(
    'SELECT account_id, points, lowest FROM sync_accounts WHERE points < 0 ORDER BY account_id',
  )
  const counts = await pool.query(
    `SELECT (SELECT count(*) FROM sync_accounts) AS accounts, (SELECT count(*) FROM sync_entries) AS entries,
       (SELECT count(*) FROM sync_conflicts) AS conflicts,
       (SELECT count(*) FROM sync_accounts WHERE lowest < 0 AND points >= 0) AS repaid`,
  )
  const c = counts.rows[0] ?? {}
  return {
    accounts: n(c.accounts),
    entries: n(c.entries),
    mismatches: mismatches.rows.map((r) => ({
      accountId: r.account_id,
      balance: n(r.points),
      expected: n(r.expected),
    })),
    debts: debts.rows.map((r) => ({ accountId: r.account_id, debt: -n(r.points), lowest: n(r.lowest) })),
    overspent: (await campaignReports(pool)).filter((r) => r.discountOverspend > 0 || r.pointsOverspend > 0),
    conflicts: n(c.conflicts),
    repaid: n(c.repaid),
  }
}

/** What the head office has applied of one till. @category sync */
export interface TillApplied {
  readonly till: string
  readonly applied: number
  readonly maxSeq: number
  readonly lastEntryId?: string
  readonly lastAtMs?: number
  readonly conflicts: number
}

/** Per till: entries applied, the last one, its conflicts. @category sync */
export const tillsApplied = async (pool: Pool): Promise<readonly TillApplied[]> => {
  const { rows } = await pool.query(
    `SELECT t.till, t.applied, t.max_seq, t.last_entry_id, t.last_at_ms,
       (SELECT count(*) FROM sync_conflicts c WHERE c.till = t.till) AS conflicts
       FROM sync_tills t ORDER BY t.till`,
  )
  return rows.map((r) => ({
    till: r.till,
    applied: n(r.applied),
    maxSeq: n(r.max_seq),
    ...(r.last_entry_id !== null ? { lastEntryId: r.last_entry_id } : {}),
    ...(r.last_at_ms !== null ? { lastAtMs: n(r.last_at_ms) } : {}),
    conflicts: n(r.conflicts),
  }))
}

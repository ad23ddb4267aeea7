import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns'
import type { Basket } from '../basket/basket.codec.js'
import type { Customer } from '../customer/customer.codec.js'
import type { Campaign, LimitPeriod } from '../rules/campaign.codec.js'
import type { CampaignUsage, UsageSnapshot } from '../rules/evaluate.js'
import type { Evaluation } from '../rules/evaluation.codec.js'
import type { CampaignUsageRow, CustomerUsageKey, ReceiptNote, UsageRows } from './model.js'

// ── keys ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * The period bucket an instant falls in, judged in the store's time zone: `2026-11-26` (day),
 * `2026-W48` (ISO week), `2026-11` (month) or `campaign` (the campaign's whole life).
 * @category checkout
 */
export const bucketOf = (period: LimitPeriod, at: string, timeZone: string): string => {
  if (period === 'campaign') return 'campaign'
  const local = new TZDate(Date.parse(at), timeZone)
  if (period === 'day') return format(local, 'yyyy-MM-dd')
  if (period === 'week') return format(local, "RRRR-'W'II")
  return format(local, 'yyyy-MM')
}

/**
 * Who per-customer limits and coupon caps count against: the member when known, else the card.
 * `undefined` for an anonymous basket, which per-customer limits cannot count (a campaign that must
 * be limited per customer should say `eligibility.cardRequired`).
 * @category checkout
 */
export const customerKeyOf = (basket: Basket, customer?: Customer): string | undefined => {
  if (customer?.memberId !== undefined) return `member:${customer.memberId}`
  const card = customer?.card ?? basket.card
  return card === undefined ? undefined : `card:${card}`
}

/**
 * The campaigns an evaluation uses: those giving a discount, points (a breakdown source that is a
 * campaign) or a coupon. Each use counts once per transaction against `limits.total` and
 * `perCustomer`.
 * @category checkout
 */
export const campaignsUsedBy = (evaluation: Evaluation, campaigns: ReadonlyMap<string, Campaign>): string[] => {
  const ids = new Set<string>()
  for (const d of evaluation.discounts) if (d.amount > 0) ids.add(d.campaignId)
  for (const b of evaluation.points.breakdown) if (b.points > 0 && campaigns.has(b.source)) ids.add(b.source)
  for (const c of evaluation.coupons) ids.add(c.campaignId)
  return [...ids].filter((id) => campaigns.has(id)).sort()
}

/** The per-customer usage keys of these campaigns for a customer at an instant. @category checkout */
export const customerUsageKeys = (
  campaignIds: readonly string[],
  campaigns: ReadonlyMap<string, Campaign>,
  customer: string | undefined,
  at: string,
  timeZone: string,
): CustomerUsageKey[] => {
  if (customer === undefined) return []
  const keys: CustomerUsageKey[] = []
  for (const id of campaignIds) {
    const limit = campaigns.get(id)?.limits?.perCustomer
    if (limit !== undefined) keys.push({ campaignId: id, customer, bucket: bucketOf(limit.period, at, timeZone) })
  }
  return keys
}

const zero = (campaignId: string): CampaignUsageRow => ({
  campaignId,
  redemptions: 0,
  discountSpent: 0,
  pointsSpent: 0,
})

/** The usage of one campaign in a snapshot (zeros when absent). @category checkout */
export const campaignUsageIn = (usage: UsageRows, campaignId: string): CampaignUsageRow =>
  usage.campaigns.find((u) => u.campaignId === campaignId) ?? zero(campaignId)

const customerCountIn = (usage: UsageRows, key: CustomerUsageKey): number =>
  usage.customers.find((u) => u.campaignId === key.campaignId && u.customer === key.customer && u.bucket === key.bucket)
    ?.count ?? 0

// ── the snapshot the engine judges ───────────────────────────────────────────────────────────────

/**
 * The campaigns of an evaluation whose usage a close must lock: every campaign the evaluation
 * explains (every candidate that concerns the basket, whatever usage says) that has limits or a
 * budget, sorted by id — a superset of what any usage could let apply, so the rows are locked in
 * one sorted step and the basket is priced once.
 * @category checkout
 */
export const limitedCandidates = (evaluation: Evaluation, campaigns: ReadonlyMap<string, Campaign>): string[] =>
  [...new Set(evaluation.explanations.map((e) => e.campaignId))]
    .filter((id) => campaigns.get(id)?.limits !== undefined)
    .sort()

/**
 * The usage snapshot `evaluate` judges limits and budgets with, from the store's rows: per campaign,
 * redemptions, discount and points spent, and this customer's redemptions in the current bucket of
 * its `perCustomer` limit.
 * @category checkout
 */
export const usageSnapshotOf = (
  rows: UsageRows,
  campaignIds: readonly string[],
  campaigns: ReadonlyMap<string, Campaign>,
  customer: string | undefined,
  at: string,
  timeZone: string,
): UsageSnapshot => {
  const out: Record<string, CampaignUsage> = {}
  for (const id of campaignIds) {
    const row = campaignUsageIn(rows, id)
    const [key] = customerUsageKeys([id], campaigns, customer, at, timeZone)
    out[id] = {
      redemptions: row.redemptions,
      discountSpent: row.discountSpent,
      pointsSpent: row.pointsSpent,
      ...(key !== undefined ? { customerRedemptions: customerCountIn(rows, key) } : {}),
    }
  }
  return { campaigns: out }
}

const LIMIT_REASONS: ReadonlySet<string> = new Set(['LIMIT_REACHED', 'BUDGET_EXHAUSTED', 'BUDGET_PARTIAL'])

/**
 * The receipt notes of an evaluation's limits: a campaign stopped by a limit or an empty budget
 * (`LIMIT_REACHED`, `BUDGET_EXHAUSTED`), or cut to what its budget had left (`BUDGET_PARTIAL`), as
 * the engine explained it.
 * @category checkout
 */
export const limitNotes = (evaluation: Evaluation): ReceiptNote[] => {
  const notes: ReceiptNote[] = []
  for (const e of evaluation.explanations) {
    for (const reason of e.reasons) if (LIMIT_REASONS.has(reason.code)) notes.push({ campaignId: e.campaignId, reason })
  }
  return notes
}

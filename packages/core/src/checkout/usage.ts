import { TZDate } from '@date-fns/tz'
import { format } from 'date-fns'
import type { Basket } from '../basket/basket.codec.js'
import type { Customer } from '../customer/customer.codec.js'
import { allocate } from '../money/allocate.js'
import { minor, points } from '../money/Money.js'
import type { Campaign, LimitPeriod } from '../rules/campaign.codec.js'
import type { Evaluation, Reason } from '../rules/evaluation.codec.js'
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

// ── judging ──────────────────────────────────────────────────────────────────────────────────────

/**
 * The campaigns of an evaluation that a limit or a used-up budget stops, with the reason:
 * `LIMIT_REACHED` (`by: total` or `perCustomer`), or `BUDGET_EXHAUSTED` (`by: discount` or
 * `points`) when nothing of the budget remains. A budget that covers only part of a discount is
 * not here: {@link cutToBudgets} cuts it.
 * @category checkout
 */
export const stoppedByUsage = (
  evaluation: Evaluation,
  campaigns: ReadonlyMap<string, Campaign>,
  usage: UsageRows,
  customer: string | undefined,
  at: string,
  timeZone: string,
): Map<string, Reason> => {
  const stopped = new Map<string, Reason>()
  for (const id of campaignsUsedBy(evaluation, campaigns)) {
    const limits = campaigns.get(id)?.limits
    if (limits === undefined) continue
    const used = campaignUsageIn(usage, id)
    if (limits.total !== undefined && used.redemptions >= limits.total) {
      stopped.set(id, { code: 'LIMIT_REACHED', by: 'total', required: limits.total, actual: used.redemptions })
      continue
    }
    const [key] = customerUsageKeys([id], campaigns, customer, at, timeZone)
    if (key !== undefined && limits.perCustomer !== undefined) {
      const count = customerCountIn(usage, key)
      if (count >= limits.perCustomer.count) {
        stopped.set(id, { code: 'LIMIT_REACHED', by: 'perCustomer', required: limits.perCustomer.count, actual: count })
        continue
      }
    }
    const gives = evaluation.discounts.some((d) => d.campaignId === id && d.amount > 0)
    if (limits.budget?.discount !== undefined && gives && used.discountSpent >= limits.budget.discount) {
      stopped.set(id, {
        code: 'BUDGET_EXHAUSTED',
        by: 'discount',
        required: limits.budget.discount,
        actual: used.discountSpent,
      })
      continue
    }
    const earns = evaluation.points.breakdown.some((b) => b.source === id && b.points > 0)
    if (limits.budget?.points !== undefined && earns && used.pointsSpent >= limits.budget.points) {
      stopped.set(id, {
        code: 'BUDGET_EXHAUSTED',
        by: 'points',
        required: limits.budget.points,
        actual: used.pointsSpent,
      })
    }
  }
  return stopped
}

/**
 * Cuts each discount (and each campaign's points) to what its budget still has, with reason
 * `BUDGET_PARTIAL {required: asked, actual: given}`. The cut discount is re-split over the lines it
 * touched with `allocate`, weighted by what each line had, so allocations still sum exactly; the
 * lines' nets and the totals follow. Points of the program itself are never cut.
 * @category checkout
 */
export const cutToBudgets = (
  evaluation: Evaluation,
  campaigns: ReadonlyMap<string, Campaign>,
  usage: UsageRows,
): { readonly evaluation: Evaluation; readonly notes: readonly ReceiptNote[] } => {
  const notes: ReceiptNote[] = []
  const lineCut = new Map<string, number>()
  const discounts = evaluation.discounts.map((d) => {
    const budget = campaigns.get(d.campaignId)?.limits?.budget?.discount
    if (budget === undefined) return d
    const remaining = Math.max(0, budget - campaignUsageIn(usage, d.campaignId).discountSpent)
    if (d.amount <= remaining) return d
    const shares = allocate(
      remaining,
      d.allocations.map((a) => a.amount),
    )
    const allocations = d.allocations.map((a, i) => ({ lineId: a.lineId, amount: minor(shares[i] as number) }))
    for (const [i, a] of d.allocations.entries()) {
      lineCut.set(a.lineId, (lineCut.get(a.lineId) ?? 0) + a.amount - (shares[i] as number))
    }
    const reason: Reason = { code: 'BUDGET_PARTIAL', by: 'discount', required: d.amount, actual: remaining }
    notes.push({ campaignId: d.campaignId, reason })
    return { ...d, amount: minor(remaining), allocations, reasons: [...(d.reasons ?? []), reason] }
  })
  let pointsCut = 0
  const breakdown = evaluation.points.breakdown.map((b) => {
    const budget = campaigns.get(b.source)?.limits?.budget?.points
    if (budget === undefined || b.points <= 0) return b
    const remaining = Math.max(0, budget - campaignUsageIn(usage, b.source).pointsSpent)
    if (b.points <= remaining) return b
    pointsCut += b.points - remaining
    notes.push({
      campaignId: b.source,
      reason: { code: 'BUDGET_PARTIAL', by: 'points', required: b.points, actual: remaining },
    })
    if (b.allocations === undefined) return { ...b, points: points(remaining) }
    const shares = allocate(
      remaining,
      b.allocations.map((a) => a.points),
    )
    return {
      ...b,
      points: points(remaining),
      allocations: b.allocations.map((a, i) => ({ lineId: a.lineId, points: points(shares[i] as number) })),
    }
  })
  if (notes.length === 0) return { evaluation, notes }
  const lines = evaluation.lines.map((l) => {
    const cut = lineCut.get(l.id) ?? 0
    return cut === 0 ? l : { ...l, discount: minor(l.discount - cut), net: minor(l.net + cut) }
  })
  const discountTotal = discounts.reduce((s, d) => s + d.amount, 0)
  return {
    evaluation: {
      ...evaluation,
      lines,
      discounts: discounts.filter((d) => d.amount > 0),
      discountTotal: minor(discountTotal),
      total: minor(evaluation.subtotal - discountTotal),
      points: { earned: points(evaluation.points.earned - pointsCut), breakdown },
    },
    notes,
  }
}

/**
 * The evaluation of a basket within the usage the store reports: evaluate, stop the campaigns whose
 * limit or budget is used up (and evaluate again without them, which is exact: what they would have
 * taken goes to the others), repeat until stable, then cut partly covered budgets. Pure: `price` is
 * the pure evaluator. `usage` must cover every campaign the evaluation may use; the caller
 * (`close`) locks more rows and calls again until {@link campaignsUsedBy} of the result is covered.
 * @category checkout
 */
export const priceWithinUsage = (
  price: (exclude: ReadonlySet<string>) => Evaluation,
  campaigns: ReadonlyMap<string, Campaign>,
  usage: UsageRows,
  customer: string | undefined,
  at: string,
  timeZone: string,
): {
  readonly evaluation: Evaluation
  readonly notes: readonly ReceiptNote[]
  readonly excluded: ReadonlySet<string>
} => {
  const exclude = new Map<string, Reason>()
  let evaluation = price(new Set())
  for (let round = 0; round <= campaigns.size; round++) {
    const stopped = stoppedByUsage(evaluation, campaigns, usage, customer, at, timeZone)
    if (stopped.size === 0) break
    for (const [id, reason] of stopped) exclude.set(id, reason)
    evaluation = price(new Set(exclude.keys()))
  }
  const stoppedNotes: ReceiptNote[] = [...exclude].map(([campaignId, reason]) => ({ campaignId, reason }))
  const withExplanations: Evaluation =
    exclude.size === 0
      ? evaluation
      : {
          ...evaluation,
          explanations: [
            ...evaluation.explanations.filter((e) => !exclude.has(e.campaignId)),
            ...stoppedNotes.map((n) => ({ campaignId: n.campaignId, applied: false, reasons: [n.reason] })),
          ],
        }
  const cut = cutToBudgets(withExplanations, campaigns, usage)
  return { evaluation: cut.evaluation, notes: [...stoppedNotes, ...cut.notes], excluded: new Set(exclude.keys()) }
}

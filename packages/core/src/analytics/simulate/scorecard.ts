import type { Either } from 'fp-ts/lib/Either.js'
import type { AnalyticsError } from '../errors.js'
import { type ConfidenceInterval, type HoldoutUplift, holdoutUplift } from '../holdout.js'
import type { HistoryEntry } from './history.js'
import { type CampaignFigures, createReplay, type ReplayConfig } from './replay.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The plain verdict on a campaign: it pays back (the incremental revenue's 95 % interval lies above
 * its cost), loses money (below), is not proven yet (the interval straddles the cost; `weeksMore`
 * says how many more weeks at this rate should settle it), or there is not enough data yet (fewer
 * than the minimum customers in a group).
 * @category simulate
 */
export type Verdict =
  | { readonly code: 'PAYS_BACK'; readonly message: string }
  | { readonly code: 'LOSES_MONEY'; readonly message: string }
  | { readonly code: 'NOT_PROVEN_YET'; readonly weeksMore?: number; readonly message: string }
  | { readonly code: 'NOT_ENOUGH_DATA'; readonly required: number; readonly actual: number; readonly message: string }

/**
 * One campaign's scorecard over a period (money in minor units): its cost and redemptions, the
 * incremental revenue (gross spend from each customer's first exposure on, treated minus held-out,
 * per treated customer × treated customers) and visits against its holdout with 95 % intervals, the
 * cost per incremental euro, and the verdict.
 * @category simulate
 */
export interface CampaignScorecard {
  readonly id: string
  readonly cost: number
  readonly redemptions: number
  readonly treated: number
  readonly control: number
  readonly incrementalRevenue?: number
  readonly incrementalRevenueCi95?: ConfidenceInterval
  readonly incrementalVisits?: number
  readonly incrementalVisitsCi95?: ConfidenceInterval
  /** Cost per euro of incremental revenue (minor units per 100 minor units); absent when revenue ≤ 0. */
  readonly costPerIncrementalEuro?: number
  readonly verdict: Verdict
}

/** A scorecard over a history: the period and one card per campaign with a holdout. @category simulate */
export interface Scorecard {
  readonly from?: string
  readonly until?: string
  readonly weeks: number
  readonly campaigns: readonly CampaignScorecard[]
}

/** Options of {@link scorecardOf}: the minimum customers per group before a verdict (default 30). @category simulate */
export interface ScorecardOptions {
  readonly minSample?: number
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

interface Activity {
  gross: number
  visits: number
}

interface Exposure {
  readonly group: 'treated' | 'control'
  readonly grossBefore: number
  readonly visitsBefore: number
}

const WEEK_MS = 7 * 86_400_000

const eur = (minor: number) => `${(minor / 100).toFixed(2)} €`

/** The verdict from the revenue interval against the cost, and how long the interval needs to settle. */
const verdictOf = (cost: number, revenue: HoldoutUplift, weeks: number): Verdict => {
  const { low, high } = revenue.incrementalSpendCi95
  if (low > cost)
    return {
      code: 'PAYS_BACK',
      message: `pays back: at least ${eur(low)} of incremental revenue for ${eur(cost)} of cost`,
    }
  if (high < cost)
    return { code: 'LOSES_MONEY', message: `loses money: at most ${eur(high)} of incremental revenue for ${eur(cost)}` }
  // The interval narrows as 1/√n, and n grows with the weeks: weeks needed = weeks × (half-width / gap)².
  const half = (high - low) / 2
  const gap = Math.abs(revenue.incrementalSpend - cost)
  if (gap === 0 || weeks <= 0)
    return { code: 'NOT_PROVEN_YET', message: 'not proven yet: the revenue sits on the cost' }
  const weeksMore = Math.max(1, Math.ceil(weeks * (half / gap) ** 2 - weeks))
  return {
    code: 'NOT_PROVEN_YET',
    weeksMore,
    message: `not proven yet, about ${weeksMore} more week${weeksMore === 1 ? '' : 's'} at this rate`,
  }
}

/**
 * The campaign scorecard over a history (in time order), with the campaigns that ran: each is
 * replayed as the checkout booked it, and each customer joins a campaign's treated group the first
 * time it applies to them, or its control group the first time they are held out of it
 * (`HELD_OUT`). Their gross spend and visits from that basket on are compared between the groups
 * with {@link holdoutUplift} (Welch intervals). Campaigns without a holdout get no card. Pure.
 * @category simulate
 */
export const scorecardOf = (
  config: ReplayConfig,
  history: Iterable<HistoryEntry>,
  options: ScorecardOptions = {},
): Scorecard => {
  const minSample = options.minSample ?? 30
  const held = config.campaigns.filter((c) => c.holdout !== undefined).map((c) => c.id)
  const heldSet = new Set(held)
  const replay = createReplay(config)
  const activity = new Map<string, Activity>()
  const exposures = new Map<string, Map<string, Exposure>>(held.map((id) => [id, new Map()]))
  let fromMs: number | undefined
  let untilMs: number | undefined
  let from: string | undefined
  let until: string | undefined
  for (const entry of history) {
    const sale = replay.push(entry)
    if (sale === undefined) continue
    const ms = Date.parse(sale.at)
    if (fromMs === undefined || ms < fromMs) [fromMs, from] = [ms, sale.at]
    if (untilMs === undefined || ms > untilMs) [untilMs, until] = [ms, sale.at]
    const key = sale.customer
    if (key === undefined) continue
    let a = activity.get(key)
    if (a === undefined) {
      a = { gross: 0, visits: 0 }
      activity.set(key, a)
    }
    for (const e of sale.evaluation.explanations) {
      if (!heldSet.has(e.campaignId)) continue
      const group = e.applied ? 'treated' : e.reasons.some((r) => r.code === 'HELD_OUT') ? 'control' : undefined
      if (group === undefined) continue
      const seen = exposures.get(e.campaignId) as Map<string, Exposure>
      if (!seen.has(key)) seen.set(key, { group, grossBefore: a.gross, visitsBefore: a.visits })
    }
    a.gross += sale.evaluation.subtotal
    a.visits += 1
  }
  const weeks = fromMs === undefined || untilMs === undefined ? 0 : (untilMs - fromMs) / WEEK_MS
  const figures = new Map<string, CampaignFigures>(replay.summary().campaigns.map((c) => [c.id, c]))
  const campaigns = held.map((id): CampaignScorecard => {
    const f = figures.get(id) as CampaignFigures
    const spend = { treated: [] as { spend: number }[], control: [] as { spend: number }[] }
    const visits = { treated: [] as { spend: number }[], control: [] as { spend: number }[] }
    for (const [key, x] of exposures.get(id) as Map<string, Exposure>) {
      const a = activity.get(key) as Activity
      spend[x.group].push({ spend: a.gross - x.grossBefore })
      visits[x.group].push({ spend: a.visits - x.visitsBefore })
    }
    const base = {
      id,
      cost: f.cost,
      redemptions: f.redemptions,
      treated: spend.treated.length,
      control: spend.control.length,
    }
    const smaller = Math.min(spend.treated.length, spend.control.length)
    if (smaller < minSample) {
      return {
        ...base,
        verdict: {
          code: 'NOT_ENOUGH_DATA',
          required: minSample,
          actual: smaller,
          message: `not enough data yet: ${smaller} customers in the smaller group, ${minSample} needed`,
        },
      }
    }
    const revenue: Either<AnalyticsError, HoldoutUplift> = holdoutUplift({ campaignId: id, ...spend })
    const visited = holdoutUplift({ campaignId: id, ...visits })
    if (revenue._tag === 'Left' || visited._tag === 'Left') {
      const message =
        revenue._tag === 'Left' ? revenue.left.message : (visited as { left: AnalyticsError }).left.message
      return { ...base, verdict: { code: 'NOT_ENOUGH_DATA', required: minSample, actual: smaller, message } }
    }
    const r = revenue.right
    const v = visited.right
    return {
      ...base,
      incrementalRevenue: r.incrementalSpend,
      incrementalRevenueCi95: r.incrementalSpendCi95,
      incrementalVisits: Math.round(v.spendUpliftPerCustomer * v.treatedCount * 100) / 100,
      incrementalVisitsCi95: v.incrementalSpendCi95,
      ...(r.incrementalSpend > 0 ? { costPerIncrementalEuro: Math.round((f.cost * 100) / r.incrementalSpend) } : {}),
      verdict: verdictOf(f.cost, r, weeks),
    }
  })
  return { ...(from !== undefined ? { from } : {}), ...(until !== undefined ? { until } : {}), weeks, campaigns }
}

import { TZDate } from '@date-fns/tz'
import { addDays, addMonths, addWeeks, startOfDay, startOfISOWeek, startOfMonth } from 'date-fns'
import type { Basket } from '../../basket/basket.codec.js'
import { type CouponPolicy, DEFAULT_COUPON_POLICY } from '../../checkout/plan.js'
import { bucketOf, customerKeyOf } from '../../checkout/usage.js'
import type { Customer } from '../../customer/customer.codec.js'
import type { Campaign, LimitPeriod, Program } from '../../rules/campaign.codec.js'
import { type CompileOptions, compile } from '../../rules/compile.js'
import { codeInPool } from '../../rules/conditions/code.js'
import { type CampaignUsage, evaluate, type UsageSnapshot } from '../../rules/evaluate.js'
import type { Evaluation } from '../../rules/evaluation.codec.js'
import { meetsTier } from '../../tiers/tier.js'
import type { HistoryEntry, HistoryReturn, HistorySale } from './history.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What a replay judges with: the campaigns (a draft or the current set), the program (points,
 * tiers), the store's time zone (limit periods, campaigns without a zone), the checkout's coupon
 * policy (default: the checkout's) and the compile options.
 * @category simulate
 */
export interface ReplayConfig {
  readonly campaigns: readonly Campaign[]
  readonly program?: Program
  readonly storeTimeZone: string
  readonly couponPolicy?: CouponPolicy
  readonly compile?: Omit<CompileOptions, 'storeTimeZone'>
}

/**
 * What one replayed sale would have booked: the discount per campaign, the points earned, the
 * coupons issued (by template, after the frequency cap) and the campaigns it used.
 * @category simulate
 */
export interface ReplayedSale {
  readonly basketId: string
  readonly at: string
  readonly customer?: string
  readonly total: number
  readonly discount: number
  readonly discounts: readonly { readonly campaignId: string; readonly amount: number }[]
  readonly points: number
  readonly coupons: readonly string[]
  readonly used: readonly string[]
  readonly evaluation: Evaluation
}

/**
 * One campaign's figures over a replay (money in minor units): discount cost, transactions that used
 * it (`redemptions`, as the checkout counts them against limits), points it gave, coupons it issued,
 * baskets it applied to (`fired`), baskets it concerned (`candidates`), baskets where it lost to
 * another campaign (`shadowed`) or was held out, and when its budget ran out.
 * @category simulate
 */
export interface CampaignFigures {
  readonly id: string
  readonly cost: number
  readonly redemptions: number
  readonly pointsIssued: number
  readonly couponsIssued: number
  readonly fired: number
  readonly candidates: number
  /** `redemptions / candidates`, 0 when it concerned no basket. */
  readonly redemptionRate: number
  readonly shadowed: number
  readonly heldOut: number
  readonly budgetExhaustedAt?: string
}

/**
 * The figures of a replay (money in minor units): sales and returns replayed, discount cost, points
 * issued (and their liability at the program's point value), redemptions, checkout coupons issued,
 * customers reached (by tier and lifecycle stage, when first reached), the campaigns that never
 * fired or were always shadowed, cost per day, and per campaign.
 * @category simulate
 */
export interface SimulationSummary {
  readonly baskets: number
  readonly returns: number
  readonly from?: string
  readonly until?: string
  readonly discountCost: number
  readonly pointsIssued: number
  /** The points' worth at the program's best points-for-money reward, floored; absent without one. */
  readonly pointsLiability?: number
  readonly redemptions: number
  readonly couponsIssued: number
  readonly customersReached: number
  readonly reach: {
    readonly byTier: Readonly<Record<string, number>>
    readonly byLifecycle: Readonly<Record<string, number>>
  }
  readonly neverFired: readonly string[]
  readonly alwaysShadowed: readonly string[]
  readonly costByDay: readonly { readonly day: string; readonly cost: number }[]
  readonly campaigns: readonly CampaignFigures[]
}

/**
 * A replay in progress: `push` the history in time order, then read the `summary`. Pure but for its
 * own state: it books nothing anywhere.
 * @category simulate
 */
export interface Replay {
  readonly push: (entry: HistoryEntry) => ReplayedSale | undefined
  readonly summary: () => SimulationSummary
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

interface Counters {
  cost: number
  redemptions: number
  pointsIssued: number
  couponsIssued: number
  fired: number
  candidates: number
  shadowed: number
  heldOut: number
  budgetExhaustedAt?: string
}

interface UsageRow {
  redemptions: number
  discountSpent: number
  pointsSpent: number
}

/** What a sale booked against limits, for a full return to give back. */
interface SaleBookings {
  readonly campaigns: readonly { readonly id: string; readonly discount: number; readonly points: number }[]
  readonly customerKeys: readonly string[]
  readonly couponKeys: readonly string[]
}

interface Delta {
  points: number
  spend: number
}

interface Derived {
  visits: number
  firstPurchaseAt: string
  lastPurchaseAt: string
  spend: number
  points: number
}

const SHADOW_REASONS: ReadonlySet<string> = new Set(['EXCLUDED_BY_EXCLUSIVE', 'LOST_IN_GROUP', 'LOST_BEST_DEAL'])
const BUDGET_REASONS: ReadonlySet<string> = new Set(['BUDGET_EXHAUSTED', 'BUDGET_PARTIAL'])

const sep = '\u0000'

/** Minor units per point at the program's best `amountOff` reward (`amount / cost`), as a fraction. */
const pointValueOf = (program: Program | undefined): { amount: number; cost: number } | undefined => {
  let best: { amount: number; cost: number } | undefined
  for (const r of program?.rewards ?? []) {
    const grants = r.grants as { readonly amountOff?: { readonly amount: number } }
    const amount = grants.amountOff?.amount
    if (amount === undefined || r.cost <= 0) continue
    if (best === undefined || amount * best.cost > best.amount * r.cost) best = { amount, cost: r.cost }
  }
  return best
}

/** The basket as the checkout's pricer hands it to the engine: accepted codes as `POOL-…`. */
const pricedBasket = (entry: HistorySale): Basket => {
  if (entry.codes === undefined) return entry.basket
  const codes = entry.codes.map((c) => (codeInPool(c.code, c.pool) ? c.code : `${c.pool}-${c.code}`))
  const { codes: _typed, ...rest } = entry.basket
  return codes.length > 0 ? { ...rest, codes } : rest
}

const liabilityOf = (program: Program | undefined, points: number): { pointsLiability?: number } => {
  const value = pointValueOf(program)
  return value === undefined ? {} : { pointsLiability: Math.floor((points * value.amount) / value.cost) }
}

/**
 * Starts a replay: the campaigns are compiled once; each sale is priced exactly as the checkout
 * prices it (`enginePricer`: a first evaluation finds the limited campaigns that concern the basket,
 * then the engine judges their limits and budgets on the usage so far), and what the checkout would
 * book is kept in memory — campaign usage, per-customer counts by period, the coupon frequency cap
 * and, for a full return, the give-back. The customer of a line is the state the loyalty store had
 * at that moment; the replay carries into it what the draft changed before (points balance, 12-month
 * spend and the spend tier). A line with a card and no customer is a customer the replay builds from
 * the history itself (visits, first and last purchase, spend, points).
 * @category simulate
 */
export const createReplay = (config: ReplayConfig): Replay => {
  const compiled = compile(config.campaigns, { ...config.compile, storeTimeZone: config.storeTimeZone })
  const byId: ReadonlyMap<string, Campaign> = new Map(config.campaigns.map((c) => [c.id, c]))
  const policy = config.couponPolicy ?? DEFAULT_COUPON_POLICY
  const zone = config.storeTimeZone
  const program = config.program
  const tiers = program?.tiers ?? []

  const counters = new Map<string, Counters>(
    config.campaigns.map((c) => [
      c.id,
      {
        cost: 0,
        redemptions: 0,
        pointsIssued: 0,
        couponsIssued: 0,
        fired: 0,
        candidates: 0,
        shadowed: 0,
        heldOut: 0,
      },
    ]),
  )
  const usage = new Map<string, UsageRow>()
  const customerCounts = new Map<string, number>()
  const couponCounts = new Map<string, number>()
  const bookingsOf = new Map<string, SaleBookings>()
  const deltas = new Map<string, Delta>()
  const derived = new Map<string, Derived>()
  const reached = new Set<string>()
  const byTier = new Map<string, number>()
  const byLifecycle = new Map<string, number>()
  const costByDay = new Map<string, number>()
  let baskets = 0
  let returns = 0
  let discountCost = 0
  let pointsIssued = 0
  let redemptions = 0
  let couponsIssued = 0
  let from: string | undefined
  let until: string | undefined
  let fromMs = 0
  let untilMs = 0

  // The campaigns with limits or budgets: only they need a usage snapshot (as `limitedCandidates`).
  const limitedIds: ReadonlySet<string> = new Set(
    config.campaigns.filter((c) => c.limits !== undefined).map((c) => c.id),
  )
  const limitedOf = (evaluation: Evaluation): string[] => {
    const ids = new Set<string>()
    for (const e of evaluation.explanations) if (limitedIds.has(e.campaignId)) ids.add(e.campaignId)
    return [...ids].sort()
  }

  // The period bucket of the last instant, with the local period's bounds: a replay in time order
  // computes each day's (week's, month's) bucket once.
  const windows = new Map<LimitPeriod, { fromMs: number; untilMs: number; bucket: string }>()
  const bucket = (period: LimitPeriod, at: string): string => {
    if (period === 'campaign') return 'campaign'
    const ms = Date.parse(at)
    const w = windows.get(period)
    if (w !== undefined && ms >= w.fromMs && ms < w.untilMs) return w.bucket
    const local = new TZDate(ms, zone)
    const start = period === 'day' ? startOfDay(local) : period === 'week' ? startOfISOWeek(local) : startOfMonth(local)
    const end = period === 'day' ? addDays(start, 1) : period === 'week' ? addWeeks(start, 1) : addMonths(start, 1)
    const b = bucketOf(period, at, zone)
    windows.set(period, { fromMs: start.getTime(), untilMs: end.getTime(), bucket: b })
    return b
  }

  /** `campaignsUsedBy`, without its copies: discounts, campaign points and coupons, sorted by id. */
  const usedBy = (evaluation: Evaluation): string[] => {
    const ids: string[] = []
    const add = (id: string) => {
      if (byId.has(id) && !ids.includes(id)) ids.push(id)
    }
    for (const d of evaluation.discounts) if (d.amount > 0) add(d.campaignId)
    for (const b of evaluation.points.breakdown) if (b.points > 0) add(b.source)
    for (const c of evaluation.coupons) add(c.campaignId)
    return ids.length > 1 ? ids.sort() : ids
  }

  const tierBySpend = (spend: number): string | undefined => {
    for (let rank = tiers.length - 1; rank >= 0; rank--) {
      const tier = tiers[rank]
      if (tier !== undefined && tier.qualify.spend !== undefined && meetsTier(tier, { spend, points: 0 }))
        return tier.id
    }
    return undefined
  }

  /** The customer as the store knew them, with what the draft changed before carried in. */
  const customerFor = (sale: HistorySale, key: string | undefined): Customer | undefined => {
    const given = sale.customer
    if (given === undefined) {
      const card = sale.basket.card
      if (card === undefined || key === undefined) return undefined
      const d = derived.get(key)
      if (d === undefined) return { card }
      const tier = tierBySpend(d.spend)
      return {
        card,
        stats: {
          visits: d.visits,
          firstPurchaseAt: d.firstPurchaseAt,
          lastPurchaseAt: d.lastPurchaseAt,
          spend12m: d.spend,
        },
        pointsBalance: d.points,
        ...(tier !== undefined ? { tier } : {}),
      } as Customer
    }
    const delta = key === undefined ? undefined : deltas.get(key)
    if (delta === undefined || (delta.points === 0 && delta.spend === 0)) return given
    const spend = given.stats?.spend12m
    const adjusted: Record<string, unknown> = { ...given }
    if (given.pointsBalance !== undefined) adjusted.pointsBalance = Math.max(0, given.pointsBalance + delta.points)
    if (spend !== undefined) {
      adjusted.stats = { ...given.stats, spend12m: Math.max(0, spend + delta.spend) }
      // Re-tier only a customer whose tier is the one their spend gives (a points or granted tier stays).
      if (delta.spend !== 0 && tiers.length > 0 && tierBySpend(spend) === given.tier) {
        const tier = tierBySpend(Math.max(0, spend + delta.spend))
        if (tier === undefined) delete adjusted.tier
        else adjusted.tier = tier
      }
    }
    return adjusted as Customer
  }

  const snapshotFor = (limited: readonly string[], customer: string | undefined, at: string): UsageSnapshot => {
    const campaigns: Record<string, CampaignUsage> = {}
    for (const id of limited) {
      const row = usage.get(id)
      const perCustomer = byId.get(id)?.limits?.perCustomer
      campaigns[id] = {
        redemptions: row?.redemptions ?? 0,
        discountSpent: row?.discountSpent ?? 0,
        pointsSpent: row?.pointsSpent ?? 0,
        ...(perCustomer !== undefined && customer !== undefined
          ? {
              customerRedemptions:
                customerCounts.get(`${id}${sep}${customer}${sep}${bucket(perCustomer.period, at)}`) ?? 0,
            }
          : {}),
      }
    }
    return { campaigns }
  }

  const sale = (entry: HistorySale): ReplayedSale => {
    const basket = pricedBasket(entry)
    const at = basket.at
    const key0 = customerKeyOf(basket, entry.customer)
    const customer = customerFor(entry, key0)
    const key = customerKeyOf(basket, customer)
    const first = evaluate(compiled, basket, customer, program, {})
    const limited = limitedIds.size === 0 ? [] : limitedOf(first)
    const evaluation =
      limited.length === 0 ? first : evaluate(compiled, basket, customer, program, snapshotFor(limited, key, at))

    // What the checkout books: each used campaign once, its discount and points; per-customer counts.
    const used = usedBy(evaluation)
    const booked: { id: string; discount: number; points: number }[] = []
    const customerKeys: string[] = []
    for (const id of used) {
      let discount = 0
      for (const d of evaluation.discounts) if (d.campaignId === id) discount += d.amount
      let points = 0
      for (const b of evaluation.points.breakdown) if (b.source === id) points += Math.max(0, b.points)
      const c = counters.get(id) as Counters
      c.redemptions += 1
      c.cost += discount
      c.pointsIssued += points
      redemptions += 1
      const campaign = byId.get(id)
      if (campaign?.limits === undefined) continue
      booked.push({ id, discount, points })
      const row = usage.get(id)
      if (row === undefined) usage.set(id, { redemptions: 1, discountSpent: discount, pointsSpent: points })
      else {
        row.redemptions += 1
        row.discountSpent += discount
        row.pointsSpent += points
      }
      const perCustomer = campaign.limits.perCustomer
      if (perCustomer !== undefined && key !== undefined) {
        const k = `${id}${sep}${key}${sep}${bucket(perCustomer.period, at)}`
        customerCounts.set(k, (customerCounts.get(k) ?? 0) + 1)
        customerKeys.push(k)
      }
    }

    // The checkout coupons: one per template, capped per customer and period; none when anonymous.
    const coupons: string[] = []
    const couponKeys: string[] = []
    for (const preview of evaluation.coupons) {
      if (coupons.includes(preview.template)) continue
      if (key === undefined || basket.card === undefined) {
        if (policy.anonymous === 'none') continue
      } else {
        const k = `${preview.template}${sep}${key}${sep}${bucket(policy.perCustomer.period, at)}`
        const before = couponCounts.get(k) ?? 0
        if (before >= policy.perCustomer.count) continue
        couponCounts.set(k, before + 1)
        couponKeys.push(k)
      }
      coupons.push(preview.template)
      const c = counters.get(preview.campaignId)
      if (c !== undefined) c.couponsIssued += 1
    }
    if (booked.length > 0 || couponKeys.length > 0)
      bookingsOf.set(basket.id, { campaigns: booked, customerKeys, couponKeys })

    // What each campaign did with this basket, from the explanations.
    const explanations = evaluation.explanations
    for (let i = 0; i < explanations.length; i++) {
      const e = explanations[i] as (typeof explanations)[number]
      const c = counters.get(e.campaignId)
      if (c === undefined) continue
      c.candidates += 1
      if (e.applied) c.fired += 1
      const reasons = e.reasons
      for (let j = 0; j < reasons.length; j++) {
        const code = (reasons[j] as (typeof reasons)[number]).code
        // Most reasons are conditions not met: their first letter is none of E, L, H, B.
        const first = code.charCodeAt(0)
        if (first !== 69 && first !== 76 && first !== 72 && first !== 66) continue
        if (SHADOW_REASONS.has(code)) c.shadowed += 1
        else if (code === 'HELD_OUT') c.heldOut += 1
        else if (BUDGET_REASONS.has(code) && c.budgetExhaustedAt === undefined) c.budgetExhaustedAt = at
      }
    }

    const earned = basket.card === undefined ? 0 : Math.max(0, evaluation.points.earned)
    baskets += 1
    discountCost += evaluation.discountTotal
    pointsIssued += earned
    couponsIssued += coupons.length
    const atMs = Date.parse(at)
    if (from === undefined || atMs < fromMs) {
      from = at
      fromMs = atMs
    }
    if (until === undefined || atMs > untilMs) {
      until = at
      untilMs = atMs
    }
    if (evaluation.discountTotal > 0) {
      const day = bucket('day', at)
      costByDay.set(day, (costByDay.get(day) ?? 0) + evaluation.discountTotal)
    }
    if (key !== undefined) {
      if ((used.length > 0 || coupons.length > 0) && !reached.has(key)) {
        reached.add(key)
        const tier = customer?.tier ?? 'none'
        const stage = customer?.lifecycle ?? 'unknown'
        byTier.set(tier, (byTier.get(tier) ?? 0) + 1)
        byLifecycle.set(stage, (byLifecycle.get(stage) ?? 0) + 1)
      }
      if (entry.booked !== undefined) {
        const d = deltas.get(key) ?? { points: 0, spend: 0 }
        d.points += earned - entry.booked.points
        d.spend += evaluation.total - entry.booked.total
        deltas.set(key, d)
      }
      if (entry.customer === undefined) {
        const d = derived.get(key)
        if (d === undefined)
          derived.set(key, {
            visits: 1,
            firstPurchaseAt: at,
            lastPurchaseAt: at,
            spend: evaluation.total,
            points: earned,
          })
        else {
          d.visits += 1
          d.lastPurchaseAt = at
          d.spend += evaluation.total
          d.points += earned
        }
      }
    }
    return {
      basketId: basket.id,
      at,
      ...(key !== undefined ? { customer: key } : {}),
      total: evaluation.total,
      discount: evaluation.discountTotal,
      discounts: evaluation.discounts.map((d) => ({ campaignId: d.campaignId, amount: d.amount })),
      points: earned,
      coupons,
      used,
      evaluation,
    }
  }

  /** A full return gives back what its sale booked against limits, budgets and the coupon cap. */
  const giveBack = (entry: HistoryReturn) => {
    returns += 1
    if (!entry.full) return
    const b = bookingsOf.get(entry.of)
    if (b === undefined) return
    bookingsOf.delete(entry.of)
    for (const c of b.campaigns) {
      const row = usage.get(c.id)
      if (row === undefined) continue
      row.redemptions -= 1
      row.discountSpent -= c.discount
      row.pointsSpent -= c.points
    }
    for (const k of b.customerKeys) customerCounts.set(k, Math.max(0, (customerCounts.get(k) ?? 0) - 1))
    for (const k of b.couponKeys) couponCounts.set(k, Math.max(0, (couponCounts.get(k) ?? 0) - 1))
  }

  const push = (entry: HistoryEntry): ReplayedSale | undefined => {
    if (entry.kind === 'return') {
      giveBack(entry)
      return undefined
    }
    return sale(entry)
  }

  const summary = (): SimulationSummary => {
    const campaigns = [...counters.entries()].map(
      ([id, c]): CampaignFigures => ({
        id,
        cost: c.cost,
        redemptions: c.redemptions,
        pointsIssued: c.pointsIssued,
        couponsIssued: c.couponsIssued,
        fired: c.fired,
        candidates: c.candidates,
        redemptionRate: c.candidates === 0 ? 0 : c.redemptions / c.candidates,
        shadowed: c.shadowed,
        heldOut: c.heldOut,
        ...(c.budgetExhaustedAt !== undefined ? { budgetExhaustedAt: c.budgetExhaustedAt } : {}),
      }),
    )
    const record = (m: Map<string, number>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    return {
      baskets,
      returns,
      ...(from !== undefined ? { from } : {}),
      ...(until !== undefined ? { until } : {}),
      discountCost,
      pointsIssued,
      ...liabilityOf(program, pointsIssued),
      redemptions,
      couponsIssued,
      customersReached: reached.size,
      reach: { byTier: record(byTier), byLifecycle: record(byLifecycle) },
      neverFired: campaigns.filter((c) => c.fired === 0).map((c) => c.id),
      alwaysShadowed: campaigns.filter((c) => c.fired === 0 && c.shadowed > 0).map((c) => c.id),
      costByDay: [...costByDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, cost]) => ({ day, cost })),
      campaigns,
    }
  }

  return { push, summary }
}

/**
 * Replays a history (in time order) against a set of campaigns and returns its figures. Books nothing.
 * @category simulate
 */
export const simulate = (config: ReplayConfig, history: Iterable<HistoryEntry>): SimulationSummary => {
  const replay = createReplay(config)
  for (const entry of history) replay.push(entry)
  return replay.summary()
}

/**
 * Whether a set of campaigns can be replayed in customer shards: nothing in it is shared between
 * customers (no `limits.total`, no `budget`). Per-customer limits and coupon caps stay exact.
 * @category simulate
 */
export const shardable = (campaigns: readonly Campaign[]): boolean =>
  campaigns.every((c) => c.limits?.total === undefined && c.limits?.budget === undefined)

/**
 * The shard (0..shards − 1) of a history entry: by its customer (member, else card), so that each
 * customer's sales stay in one shard and in order; anonymous sales and returns by their id.
 * @category simulate
 */
export const shardOf = (entry: HistoryEntry, shards: number): number => {
  const key = entry.kind === 'return' ? entry.of : (customerKeyOf(entry.basket, entry.customer) ?? entry.basket.id)
  return shardOfKey(key, shards)
}

/** The shard of a key: FNV-1a over its characters, modulo the shard count. @category simulate */
export const shardOfKey = (key: string, shards: number): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % shards
}

/**
 * Merges the summaries of shards replayed with the same shardable campaigns (disjoint customers):
 * sums and counts add up, the period is the widest, reach adds up by tier and stage, and the
 * points' liability is taken on the total at the program's point value.
 * @category simulate
 */
export const mergeSummaries = (parts: readonly SimulationSummary[], program?: Program): SimulationSummary => {
  const [first, ...rest] = parts
  if (first === undefined) throw new RangeError('mergeSummaries: no summary to merge')
  if (rest.length === 0) return first
  const add = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) => {
    const out: Record<string, number> = { ...a }
    for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v
    return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : 1)))
  }
  const earliest = (a?: string, b?: string) =>
    a === undefined ? b : b === undefined || Date.parse(a) <= Date.parse(b) ? a : b
  const latest = (a?: string, b?: string) =>
    a === undefined ? b : b === undefined || Date.parse(a) >= Date.parse(b) ? a : b
  return rest.reduce((m, s): SimulationSummary => {
    const campaigns = m.campaigns.map((c, i): CampaignFigures => {
      const o = s.campaigns[i] as CampaignFigures
      const candidates = c.candidates + o.candidates
      const redemptions = c.redemptions + o.redemptions
      const budgetExhaustedAt = earliest(c.budgetExhaustedAt, o.budgetExhaustedAt)
      return {
        id: c.id,
        cost: c.cost + o.cost,
        redemptions,
        pointsIssued: c.pointsIssued + o.pointsIssued,
        couponsIssued: c.couponsIssued + o.couponsIssued,
        fired: c.fired + o.fired,
        candidates,
        redemptionRate: candidates === 0 ? 0 : redemptions / candidates,
        shadowed: c.shadowed + o.shadowed,
        heldOut: c.heldOut + o.heldOut,
        ...(budgetExhaustedAt !== undefined ? { budgetExhaustedAt } : {}),
      }
    })
    const from = earliest(m.from, s.from)
    const until = latest(m.until, s.until)
    const byDay = add(
      Object.fromEntries(m.costByDay.map((d) => [d.day, d.cost])),
      Object.fromEntries(s.costByDay.map((d) => [d.day, d.cost])),
    )
    return {
      baskets: m.baskets + s.baskets,
      returns: m.returns + s.returns,
      ...(from !== undefined ? { from } : {}),
      ...(until !== undefined ? { until } : {}),
      discountCost: m.discountCost + s.discountCost,
      pointsIssued: m.pointsIssued + s.pointsIssued,
      ...liabilityOf(program, m.pointsIssued + s.pointsIssued),
      redemptions: m.redemptions + s.redemptions,
      couponsIssued: m.couponsIssued + s.couponsIssued,
      customersReached: m.customersReached + s.customersReached,
      reach: {
        byTier: add(m.reach.byTier, s.reach.byTier),
        byLifecycle: add(m.reach.byLifecycle, s.reach.byLifecycle),
      },
      neverFired: campaigns.filter((c) => c.fired === 0).map((c) => c.id),
      alwaysShadowed: campaigns.filter((c) => c.fired === 0 && c.shadowed > 0).map((c) => c.id),
      costByDay: Object.entries(byDay).map(([day, cost]) => ({ day, cost })),
      campaigns,
    }
  }, first)
}

import {
  type HoldoutObservation,
  LIFECYCLE_STAGES,
  type LifecycleStage,
  paretoShare,
  upliftByCampaign,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { buildValueSection, type ReportValueInput, type ValueSection } from './valueSection.js'

/**
 * The end-of-day report's data: what the HTML report shows, and a builder from plain arrays of the
 * day's transactions (one record per closed sale or return, as the checkout's receipts and
 * evaluations give them). Amounts are integer cents; rates and shares are display numbers.
 */

// ── model: the builder's input ───────────────────────────────────────────────────────────────────

/** A discount of one campaign on one transaction. @category report */
export interface ReportDiscount {
  readonly campaignId: string
  readonly label: string
  readonly amount: number
}

/** One closed sale or return of the day, as the report reads it. @category report */
export interface ReportTransaction {
  readonly id: string
  readonly kind: 'sale' | 'return'
  readonly at: string
  readonly terminalId: string
  readonly memberId?: string
  /** Before discounts (cents; a return's amounts are positive and count against the day). */
  readonly gross: number
  readonly discount: number
  readonly discounts: readonly ReportDiscount[]
  readonly pointsEarned: number
  readonly pointsRedeemed: number
  /** Checkout coupons issued: the campaign that issued them and the template. */
  readonly couponsIssued: readonly { readonly campaignId: string; readonly template: string }[]
  /** Codes redeemed, by the template campaign they belong to. */
  readonly couponsRedeemed: readonly { readonly template: string; readonly code: string }[]
  readonly codesRefused: readonly { readonly code: string; readonly reason: string }[]
  /** Campaigns that concerned the basket (an explanation was given), applied or not. */
  readonly concerned: readonly string[]
  /** Campaigns for which this customer was in the control group. */
  readonly holdouts: readonly string[]
}

/** A member as the report sees them at the end of the day. @category report */
export interface ReportMember {
  readonly memberId: string
  readonly tierBefore?: string
  readonly tierAfter?: string
  readonly lifecycle: LifecycleStage
  /** 12-month spend at the end of the day (cents). */
  readonly spend12m: number
}

/** The builder's input. @category report */
export interface DayReportInput {
  readonly storeName: string
  readonly storeId: string
  readonly day: string
  readonly currency: string
  readonly transactions: readonly ReportTransaction[]
  readonly members: readonly ReportMember[]
  /** Campaign id → display name. */
  readonly campaignNames?: Readonly<Record<string, string>>
  /** Available + pending points of all members at the end of the day. */
  readonly pointsOutstanding: number
  /** What a point is worth when redeemed, in hundredths of a cent (100 = 1 cent per point). */
  readonly pointValueHundredthsOfCent?: number
  /** Tier ids from lowest to highest, to tell ups from downs. */
  readonly tierOrder?: readonly string[]
  /** The store's customer-value snapshot, for the value section. */
  readonly value?: ReportValueInput
}

// ── model: the report ────────────────────────────────────────────────────────────────────────────

/** A campaign's line in the report. @category report */
export interface CampaignRow {
  readonly campaignId: string
  readonly name: string
  /** Net sales of the baskets where it applied (cents). */
  readonly sales: number
  readonly discount: number
  readonly applied: number
  readonly concerned: number
  /** applied / concerned, 0–1. */
  readonly redemptionRate: number
}

/** Coupons of one template: issued today, redeemed today, refused. @category report */
export interface CouponRow {
  readonly template: string
  readonly name: string
  readonly issued: number
  readonly redeemed: number
}

/** A tier change of the day. @category report */
export interface TierMovement {
  readonly from: string
  readonly to: string
  readonly members: number
  readonly direction: 'up' | 'down'
}

/** A campaign's holdout measurement, or why it could not be measured. @category report */
export interface UpliftRow {
  readonly campaignId: string
  readonly name: string
  readonly treated: number
  readonly control: number
  /** Incremental spend per treated customer (cents, fractional) and its 95 % interval. */
  readonly perCustomer?: number
  readonly ciLow?: number
  readonly ciHigh?: number
  readonly incrementalSpend?: number
  readonly significant?: boolean
  /** What the campaign gave away over the period (cents): the cost next to the incremental spend. */
  readonly cost: number
  /** Incremental spend per euro of discount (absent without a cost or a measurement). */
  readonly returnOnDiscount?: number
  /** The plain answer; `not enough data yet` below {@link MIN_HOLDOUT_GROUP} customers in either group. */
  readonly verdict: UpliftVerdict
  readonly note?: string
}

/** What the report says of a measured campaign. @category report */
export type UpliftVerdict = 'pays back' | 'loses money' | 'harms' | 'not proven yet' | 'not enough data yet'

/**
 * The smallest treated and control groups (customers) a verdict is given on: below it the
 * interval is too wide to trust even when it excludes 0 (9 control customers once "proved" a
 * harmful campaign a success).
 * @category report
 */
export const MIN_HOLDOUT_GROUP = 30

/**
 * The verdict of a holdout measurement: a significant loss of spend harms; a significant gain pays
 * back only when it exceeds what the campaign gave away, else it loses money; anything else is not
 * proven yet. Small groups get no verdict.
 * @category report
 */
export const upliftVerdict = (m: {
  readonly treated: number
  readonly control: number
  readonly perCustomer?: number
  readonly incrementalSpend?: number
  readonly significant?: boolean
  readonly cost: number
}): UpliftVerdict => {
  if (m.treated < MIN_HOLDOUT_GROUP || m.control < MIN_HOLDOUT_GROUP || m.perCustomer === undefined)
    return 'not enough data yet'
  if (m.significant !== true) return 'not proven yet'
  if (m.perCustomer < 0) return 'harms'
  return (m.incrementalSpend ?? 0) > m.cost ? 'pays back' : 'loses money'
}

/** Everything the end-of-day report shows. @category report */
export interface DayReport {
  readonly storeName: string
  readonly storeId: string
  readonly day: string
  readonly currency: string
  readonly totals: {
    readonly sales: number
    readonly returns: number
    readonly identifiedShare: number
    readonly gross: number
    readonly discount: number
    readonly net: number
    readonly refunds: number
    readonly averageBasket: number
  }
  readonly hourly: readonly { readonly hour: number; readonly sales: number; readonly net: number }[]
  /** The customer-value section, when the store has a value snapshot. */
  readonly value?: ValueSection
  readonly campaigns: readonly CampaignRow[]
  readonly coupons: readonly CouponRow[]
  readonly codesRefused: readonly { readonly code: string; readonly reason: string; readonly transactionId: string }[]
  readonly points: {
    /** Earned on the day's sales minus reversed by its returns. */
    readonly issued: number
    /** Clawed back by returns. */
    readonly reversed: number
    readonly redeemed: number
    readonly outstanding: number
    /** The outstanding points' value (cents). */
    readonly liability: number
  }
  readonly tierMovements: readonly TierMovement[]
  readonly uplift: readonly UpliftRow[]
  readonly lifecycle: readonly { readonly stage: LifecycleStage; readonly members: number }[]
  readonly pareto: {
    readonly share: number
    readonly topCustomers: number
    readonly customers: number
    /** Cumulative revenue share at 0 %, 5 %, …, 100 % of customers (best first). */
    readonly curve: readonly number[]
  }
}

/** Why the report's input was refused: the path of the bad field and the reason. @category report */
export interface DayReportError {
  readonly _tag: 'DayReportError'
  readonly path: string
  readonly reason: string
  readonly message: string
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const reportError = (path: string, reason: string): DayReportError => ({
  _tag: 'DayReportError',
  path,
  reason,
  message: `invalid day report input: ${path}: ${reason}`,
})

const wholeNonNegative = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** The first problem of the input, if any: amounts must be integer cents ≥ 0, discounts ≤ gross. */
const checkInput = (input: DayReportInput): DayReportError | undefined => {
  for (const [i, t] of input.transactions.entries()) {
    const at = `transactions.${i}`
    if (t.kind !== 'sale' && t.kind !== 'return')
      return reportError(`${at}.kind`, `must be "sale" or "return", got ${JSON.stringify(t.kind)}`)
    for (const field of ['gross', 'discount', 'pointsEarned', 'pointsRedeemed'] as const) {
      if (!wholeNonNegative(t[field]))
        return reportError(`${at}.${field}`, `must be a whole number ≥ 0, got ${t[field]}`)
    }
    if (t.discount > t.gross) return reportError(`${at}.discount`, `${t.discount} is more than the gross ${t.gross}`)
    if (Number.isNaN(Date.parse(t.at)))
      return reportError(`${at}.at`, `must be an ISO-8601 time, got ${JSON.stringify(t.at)}`)
    for (const [j, d] of t.discounts.entries()) {
      if (!wholeNonNegative(d.amount))
        return reportError(`${at}.discounts.${j}.amount`, `must be a whole number ≥ 0, got ${d.amount}`)
    }
  }
  for (const [i, m] of input.members.entries()) {
    if (!wholeNonNegative(m.spend12m))
      return reportError(`members.${i}.spend12m`, `must be a whole number ≥ 0, got ${m.spend12m}`)
    if (!LIFECYCLE_STAGES.includes(m.lifecycle))
      return reportError(`members.${i}.lifecycle`, `unknown stage ${JSON.stringify(m.lifecycle)}`)
  }
  if (!Number.isSafeInteger(input.pointsOutstanding)) {
    return reportError('pointsOutstanding', `must be a whole number, got ${input.pointsOutstanding}`)
  }
  return undefined
}

const add = <K>(map: Map<K, number>, key: K, n: number): void => {
  map.set(key, (map.get(key) ?? 0) + n)
}

/** Hour of day of an ISO-8601 local time with offset (the wall-clock hour written in it). */
const hourOf = (at: string): number => Number(at.slice(11, 13))

/**
 * Builds the end-of-day report from the day's transactions and the members' end-of-day state.
 * Sums are exact integers; the holdout uplift and the Pareto share come from `@tessera/core`
 * analytics. Refuses input whose amounts are not whole cents ≥ 0 (`transactions.3.discount`).
 * @category report
 */
export const buildDayReport = (input: DayReportInput): Either<DayReportError, DayReport> => {
  const invalid = checkInput(input)
  if (invalid !== undefined) return left(invalid)
  const names = input.campaignNames ?? {}
  const nameOf = (id: string): string => names[id] ?? id
  const sales = input.transactions.filter((t) => t.kind === 'sale')
  const returns = input.transactions.filter((t) => t.kind === 'return')
  const sum = (ts: readonly ReportTransaction[], f: (t: ReportTransaction) => number) =>
    ts.reduce((s, t) => s + f(t), 0)
  const gross = sum(sales, (t) => t.gross)
  const discount = sum(sales, (t) => t.discount)
  const refunds = sum(returns, (t) => t.gross - t.discount)

  const hourly = new Map<number, { sales: number; net: number }>()
  for (let h = 8; h <= 20; h++) hourly.set(h, { sales: 0, net: 0 })
  for (const t of sales) {
    const slot = hourly.get(hourOf(t.at)) ?? { sales: 0, net: 0 }
    hourly.set(hourOf(t.at), { sales: slot.sales + 1, net: slot.net + t.gross - t.discount })
  }

  const campaignSales = new Map<string, number>()
  const campaignDiscount = new Map<string, number>()
  const applied = new Map<string, number>()
  const concerned = new Map<string, number>()
  for (const t of sales) {
    const seen = new Set<string>()
    for (const d of t.discounts) {
      add(campaignDiscount, d.campaignId, d.amount)
      if (!seen.has(d.campaignId)) {
        seen.add(d.campaignId)
        add(applied, d.campaignId, 1)
        add(campaignSales, d.campaignId, t.gross - t.discount)
      }
    }
    for (const c of t.couponsIssued) {
      if (!seen.has(c.campaignId)) {
        seen.add(c.campaignId)
        add(applied, c.campaignId, 1)
        add(campaignSales, c.campaignId, t.gross - t.discount)
      }
    }
    for (const id of new Set([...t.concerned, ...seen])) add(concerned, id, 1)
  }
  const campaigns: CampaignRow[] = [...concerned.keys()]
    .map((id) => ({
      campaignId: id,
      name: nameOf(id),
      sales: campaignSales.get(id) ?? 0,
      discount: campaignDiscount.get(id) ?? 0,
      applied: applied.get(id) ?? 0,
      concerned: concerned.get(id) ?? 0,
      redemptionRate: (applied.get(id) ?? 0) / Math.max(1, concerned.get(id) ?? 0),
    }))
    .sort((a, b) => b.discount - a.discount || b.applied - a.applied || a.campaignId.localeCompare(b.campaignId))

  const issued = new Map<string, number>()
  const redeemed = new Map<string, number>()
  for (const t of sales) {
    for (const c of t.couponsIssued) add(issued, c.template, 1)
    for (const c of t.couponsRedeemed) add(redeemed, c.template, 1)
  }
  const coupons = [...new Set([...issued.keys(), ...redeemed.keys()])].sort().map((template) => ({
    template,
    name: nameOf(template),
    issued: issued.get(template) ?? 0,
    redeemed: redeemed.get(template) ?? 0,
  }))

  const pointsReversed = sum(returns, (t) => t.pointsEarned)
  const pointsIssued = sum(sales, (t) => t.pointsEarned) - pointsReversed
  const pointsRedeemed = sum(input.transactions, (t) => t.pointsRedeemed)
  // Liability = outstanding points × value, in cents, rounded half-up (integers only).
  const value = input.pointValueHundredthsOfCent ?? 100
  const liability = Math.floor((input.pointsOutstanding * value + 50) / 100)

  const order = input.tierOrder ?? []
  const rank = (tier: string | undefined) => (tier === undefined ? -1 : order.indexOf(tier))
  const moves = new Map<string, number>()
  for (const m of input.members) {
    if ((m.tierBefore ?? '') !== (m.tierAfter ?? ''))
      add(moves, `${m.tierBefore ?? 'member'}→${m.tierAfter ?? 'member'}`, 1)
  }
  const tierMovements: TierMovement[] = [...moves].map(([key, members]) => {
    const [from = '', to = ''] = key.split('→')
    const up = rank(to === 'member' ? undefined : to) > rank(from === 'member' ? undefined : from)
    return { from, to, members, direction: up ? 'up' : 'down' }
  })

  // Holdout: per member and campaign, the day's net spend, in the treated or the control group.
  const spendBy = new Map<string, { group: 'treated' | 'control'; spend: number }>()
  const holdoutCampaigns = new Set(sales.flatMap((t) => t.holdouts))
  for (const t of sales) {
    if (t.memberId === undefined) continue
    const treatedIn = new Set([...t.discounts.map((d) => d.campaignId), ...t.couponsIssued.map((c) => c.campaignId)])
    for (const id of holdoutCampaigns) {
      const group = t.holdouts.includes(id) ? 'control' : treatedIn.has(id) ? 'treated' : undefined
      if (group === undefined) continue
      const key = `${id}\u0000${t.memberId}`
      const previous = spendBy.get(key)
      spendBy.set(key, { group: previous?.group ?? group, spend: (previous?.spend ?? 0) + t.gross - t.discount })
    }
  }
  const observations: HoldoutObservation[] = [...spendBy].map(([key, o]) => ({
    campaignId: key.split('\u0000')[0] as string,
    group: o.group,
    spend: o.spend,
  }))
  const measured = upliftByCampaign(observations)
  // The observations are built from checked input: a refusal here is a broken invariant.
  if (measured._tag === 'Left') return left(reportError('transactions', JSON.stringify(measured.left)))
  const uplift: UpliftRow[] = measured.right.map(({ campaignId, uplift: u }) => {
    const treated = observations.filter((o) => o.campaignId === campaignId && o.group === 'treated').length
    const control = observations.filter((o) => o.campaignId === campaignId && o.group === 'control').length
    const cost = campaigns.find((c) => c.campaignId === campaignId)?.discount ?? 0
    if (u._tag === 'Left') {
      return {
        campaignId,
        name: nameOf(campaignId),
        treated,
        control,
        cost,
        verdict: 'not enough data yet' as const,
        note: u.left._tag === 'InsufficientSample' ? `not enough data: ${u.left.reason}` : u.left._tag,
      }
    }
    const r = u.right
    const measuredRow = {
      treated,
      control,
      perCustomer: r.spendUpliftPerCustomer,
      incrementalSpend: r.incrementalSpend,
      significant: r.significant,
      cost,
    }
    const verdict = upliftVerdict(measuredRow)
    return {
      campaignId,
      name: nameOf(campaignId),
      ...measuredRow,
      ciLow: r.spendUpliftCi95.low,
      ciHigh: r.spendUpliftCi95.high,
      ...(cost > 0 ? { returnOnDiscount: r.incrementalSpend / cost } : {}),
      verdict,
      ...(verdict === 'not enough data yet'
        ? {
            note: `not enough data yet: ${Math.min(treated, control)} customers in the smaller group, ${MIN_HOLDOUT_GROUP} needed`,
          }
        : {}),
    }
  })

  const lifecycleCounts = new Map<LifecycleStage, number>()
  for (const m of input.members) add(lifecycleCounts, m.lifecycle, 1)
  const spends = input.members.map((m) => m.spend12m)
  const share = paretoShare(spends)
  const sorted = [...spends].sort((a, b) => b - a)
  const total = sorted.reduce((s, x) => s + x, 0)
  const curve: number[] = []
  for (let step = 0; step <= 20; step++) {
    const n = Math.round((sorted.length * step) / 20)
    curve.push(total === 0 ? 0 : sorted.slice(0, n).reduce((s, x) => s + x, 0) / total)
  }

  return right({
    storeName: input.storeName,
    storeId: input.storeId,
    day: input.day,
    currency: input.currency,
    totals: {
      sales: sales.length,
      returns: returns.length,
      identifiedShare: sales.filter((t) => t.memberId !== undefined).length / Math.max(1, sales.length),
      gross,
      discount,
      net: gross - discount - refunds,
      refunds,
      averageBasket: sales.length === 0 ? 0 : Math.round((gross - discount) / sales.length),
    },
    hourly: [...hourly].sort(([a], [b]) => a - b).map(([hour, v]) => ({ hour, ...v })),
    ...(input.value !== undefined ? { value: buildValueSection(input.value) } : {}),
    campaigns,
    coupons,
    codesRefused: input.transactions.flatMap((t) => t.codesRefused.map((c) => ({ ...c, transactionId: t.id }))),
    points: {
      issued: pointsIssued,
      reversed: pointsReversed,
      redeemed: pointsRedeemed,
      outstanding: input.pointsOutstanding,
      liability,
    },
    tierMovements,
    uplift,
    lifecycle: LIFECYCLE_STAGES.map((stage) => ({ stage, members: lifecycleCounts.get(stage) ?? 0 })),
    pareto: {
      share: share._tag === 'Right' ? share.right.share : 0,
      topCustomers: share._tag === 'Right' ? share.right.topCustomers : 0,
      customers: spends.length,
      curve,
    },
  })
}

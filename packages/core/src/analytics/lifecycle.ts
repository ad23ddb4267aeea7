import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { Customer, LifecycleStage } from '../customer/customer.codec.js'
import { DAY_MS } from '../time/duration.js'
import type { IsoDateTime } from '../time/time.codec.js'
import { type AnalyticsError, invalidAnalyticsInput } from './errors.js'
import { checkInstant, checkNonNegativeInteger } from './validate.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** One purchase of a customer: when, and how much was paid (minor units, after discounts). @category analytics */
export interface Purchase {
  readonly at: IsoDateTime | string
  readonly amount: number
}

/**
 * What the lifecycle classification reads about one customer: their purchases (any order; those
 * after `asOf` are ignored) and how many of their referrals succeeded.
 * @category analytics
 */
export interface PurchaseHistory {
  readonly purchases: readonly Purchase[]
  readonly successfulReferrals?: number
  /** The probability the customer is still active, from a customer-value fit (BG/NBD), when known. */
  readonly pAlive?: number
}

/**
 * The thresholds of the lifecycle rules. Every one has a default ({@link DEFAULT_LIFECYCLE_RULES});
 * `docs/analytics.md` explains each.
 * @category analytics
 */
export interface LifecycleRules {
  /** A customer with fewer visits than this is `new`. */
  readonly newVisits: number
  /** A customer whose first purchase is more recent than this many days is `new`. */
  readonly newDays: number
  /** Absent longer than `waveringFactor` × their usual interval (and `waveringMinDays`): `wavering`. */
  readonly waveringFactor: number
  readonly waveringMinDays: number
  /** Absent longer than `lapsedFactor` × their usual interval (and `lapsedMinDays`): `lapsed`. */
  readonly lapsedFactor: number
  readonly lapsedMinDays: number
  /** Spend of the last 182 days below (100 − this) % of the 182 days before: `wavering`. */
  readonly trendDropPercent: number
  /** Visits in the last 365 days needed to be `happy`… */
  readonly happyVisits12m: number
  /** …with at least this many days since the first purchase. */
  readonly happyTenureDays: number
  /** Successful referrals needed to be an `ambassador` (while active). */
  readonly ambassadorReferrals: number
  /** The usual interval assumed for a customer with a single visit. */
  readonly defaultIntervalDays: number
  /** The usual interval is never taken shorter than this (several visits on one day). */
  readonly minIntervalDays: number
  /**
   * With these set and the customer's P(alive) known (a customer-value fit), the absence rules
   * judge P(alive) instead of day counts: below `lapsedBelowAlive` is `lapsed` ("probably gone"),
   * below `waveringBelowAlive` is `wavering`. Unset, or P(alive) unknown: the day counts decide.
   */
  readonly lapsedBelowAlive?: number
  readonly waveringBelowAlive?: number
}

/** The default lifecycle thresholds. @category analytics */
export const DEFAULT_LIFECYCLE_RULES: LifecycleRules = {
  newVisits: 3,
  newDays: 90,
  waveringFactor: 1.5,
  waveringMinDays: 14,
  lapsedFactor: 3,
  lapsedMinDays: 60,
  trendDropPercent: 50,
  happyVisits12m: 6,
  happyTenureDays: 180,
  ambassadorReferrals: 1,
  defaultIntervalDays: 30,
  minIntervalDays: 7,
}

/**
 * The facts a lifecycle stage was decided from. A fact the source does not know (a Customer
 * document has no spend trend) is `undefined`, and the rules that need it do not fire.
 * @category analytics
 */
export interface LifecycleFacts {
  readonly visits: number
  readonly visits12m: number
  readonly tenureDays: number | undefined
  readonly daysSinceLast: number | undefined
  readonly usualIntervalDays: number
  readonly recentSpend: number | undefined
  readonly previousSpend: number | undefined
  readonly referrals: number
  /** P(alive) from a customer-value fit, when known. */
  readonly pAlive?: number | undefined
}

/** Which rule decided a stage, in the order the rules are tried. @category analytics */
export type LifecycleRule =
  | 'no-purchase'
  | 'lapsed-absence'
  | 'lapsed-alive'
  | 'wavering-absence'
  | 'wavering-alive'
  | 'wavering-spend-drop'
  | 'new-visits'
  | 'new-tenure'
  | 'ambassador-referrals'
  | 'happy-frequency'
  | 'satisfied'

/** A lifecycle stage with the rule that chose it and the facts it read. @category analytics */
export interface LifecycleAssessment {
  readonly stage: LifecycleStage
  readonly rule: LifecycleRule
  readonly facts: LifecycleFacts
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const HALF_YEAR_DAYS = 182
const YEAR_DAYS = 365

const floorDays = (ms: number): number => Math.floor(ms / DAY_MS)

/**
 * Applies the lifecycle rules to facts, first match wins:
 * no purchase → new; long absence → lapsed; absence or a halved spend → wavering; few visits or a
 * recent first purchase → new; referrals → ambassador; frequent and established → happy; else
 * satisfied.
 * @category analytics
 */
export const stageFromFacts = (
  facts: LifecycleFacts,
  rules: LifecycleRules = DEFAULT_LIFECYCLE_RULES,
): LifecycleAssessment => {
  const decide = (stage: LifecycleStage, rule: LifecycleRule): LifecycleAssessment => ({ stage, rule, facts })
  if (facts.visits === 0) return decide('new', 'no-purchase')
  const since = facts.daysSinceLast
  const usual = facts.usualIntervalDays
  const alive = facts.pAlive
  const byAlive =
    alive !== undefined && (rules.lapsedBelowAlive !== undefined || rules.waveringBelowAlive !== undefined)
  if (byAlive) {
    if (rules.lapsedBelowAlive !== undefined && alive < rules.lapsedBelowAlive) return decide('lapsed', 'lapsed-alive')
    if (rules.waveringBelowAlive !== undefined && alive < rules.waveringBelowAlive) {
      return decide('wavering', 'wavering-alive')
    }
  } else {
    if (since !== undefined && since > Math.max(rules.lapsedFactor * usual, rules.lapsedMinDays)) {
      return decide('lapsed', 'lapsed-absence')
    }
    if (since !== undefined && since > Math.max(rules.waveringFactor * usual, rules.waveringMinDays)) {
      return decide('wavering', 'wavering-absence')
    }
  }
  if (
    facts.recentSpend !== undefined &&
    facts.previousSpend !== undefined &&
    facts.previousSpend > 0 &&
    // recent < previous × (100 − drop) / 100, in integers
    facts.recentSpend * 100 < facts.previousSpend * (100 - rules.trendDropPercent)
  ) {
    return decide('wavering', 'wavering-spend-drop')
  }
  if (facts.visits < rules.newVisits) return decide('new', 'new-visits')
  if (facts.tenureDays !== undefined && facts.tenureDays < rules.newDays) return decide('new', 'new-tenure')
  if (facts.referrals >= rules.ambassadorReferrals) return decide('ambassador', 'ambassador-referrals')
  if (
    facts.visits12m >= rules.happyVisits12m &&
    facts.tenureDays !== undefined &&
    facts.tenureDays >= rules.happyTenureDays
  ) {
    return decide('happy', 'happy-frequency')
  }
  return decide('satisfied', 'satisfied')
}

const usualInterval = (visits: number, spanMs: number, rules: LifecycleRules): number =>
  visits < 2 ? rules.defaultIntervalDays : Math.max(rules.minIntervalDays, spanMs / DAY_MS / (visits - 1))

/**
 * Classifies a customer from their purchase history as of an instant, with the rule that decided
 * and the facts it read. Purchases after `asOf` are ignored. Refuses a purchase with a time without
 * offset or an amount that is not an integer ≥ 0, naming it (`purchases.2.amount`).
 *
 * The usual interval is the mean gap between their purchases: (last − first) / (visits − 1) days.
 * @category analytics
 */
export const assessLifecycle = (
  history: PurchaseHistory,
  asOf: IsoDateTime | string,
  rules: LifecycleRules = DEFAULT_LIFECYCLE_RULES,
): Either<AnalyticsError, LifecycleAssessment> => {
  const now = checkInstant(asOf, 'asOf')
  if (typeof now !== 'number') return left(now)
  const referrals = history.successfulReferrals ?? 0
  const badReferrals = checkNonNegativeInteger(referrals, 'successfulReferrals')
  if (badReferrals) return left(badReferrals)
  const pAlive = history.pAlive
  if (pAlive !== undefined && !(Number.isFinite(pAlive) && pAlive >= 0 && pAlive <= 1)) {
    return left(invalidAnalyticsInput('pAlive', `must be a probability within [0, 1], got ${pAlive}`))
  }
  const times: number[] = []
  let recentSpend = 0
  let previousSpend = 0
  let visits12m = 0
  for (const [i, purchase] of history.purchases.entries()) {
    const at = checkInstant(purchase.at, `purchases.${i}.at`)
    if (typeof at !== 'number') return left(at)
    const bad = checkNonNegativeInteger(purchase.amount, `purchases.${i}.amount`)
    if (bad) return left(bad)
    if (at > now) continue
    times.push(at)
    const ageDays = (now - at) / DAY_MS
    if (ageDays < HALF_YEAR_DAYS) recentSpend += purchase.amount
    else if (ageDays < 2 * HALF_YEAR_DAYS) previousSpend += purchase.amount
    if (ageDays < YEAR_DAYS) visits12m++
  }
  if (!Number.isSafeInteger(recentSpend) || !Number.isSafeInteger(previousSpend)) {
    return left(invalidAnalyticsInput('purchases', 'the total spend exceeds the safe integer range'))
  }
  const first = times.length === 0 ? undefined : Math.min(...times)
  const last = times.length === 0 ? undefined : Math.max(...times)
  const facts: LifecycleFacts = {
    visits: times.length,
    visits12m,
    tenureDays: first === undefined ? undefined : floorDays(now - first),
    daysSinceLast: last === undefined ? undefined : floorDays(now - last),
    usualIntervalDays: usualInterval(times.length, (last ?? 0) - (first ?? 0), rules),
    recentSpend,
    previousSpend,
    referrals,
    pAlive,
  }
  return right(stageFromFacts(facts, rules))
}

/**
 * The lifecycle stage of a customer from their purchase history as of an instant (see
 * {@link assessLifecycle} for the rules and the refusals).
 *
 * @example
 * classifyLifecycle({ purchases: [{ at: '2026-11-01T10:00:00+01:00', amount: 2500 }] }, '2026-11-26T10:00:00+01:00')
 * // right('new')
 * @category analytics
 */
export const classifyLifecycle = (
  history: PurchaseHistory,
  asOf: IsoDateTime | string,
  rules: LifecycleRules = DEFAULT_LIFECYCLE_RULES,
): Either<AnalyticsError, LifecycleStage> => {
  const assessed = assessLifecycle(history, asOf, rules)
  return assessed._tag === 'Left' ? assessed : right(assessed.right.stage)
}

/** Extra knowledge for {@link lifecycleOf} that a Customer document does not carry. @category analytics */
export interface LifecycleOfOptions {
  /** Successful referrals made by the member (the Customer document does not carry them). */
  readonly successfulReferrals?: number
  readonly rules?: LifecycleRules
}

/**
 * The lifecycle stage of a decoded Customer as of an instant, for the engine when the document
 * gives none: the document's own `lifecycle` wins; otherwise the rules run on `stats`.
 *
 * From `stats` the facts are: visits; tenure from `firstPurchaseAt`; recency from `lastPurchaseAt`;
 * the usual interval from first, last and visits; visits in the last 12 months estimated as the
 * average yearly rate (visits × 365 / tenure days, or all visits when tenure < 365 days). The spend
 * trend is unknown (no rule fires on it). Without `lastPurchaseAt`, a customer with visits and a
 * `spend12m` of 0 bought nothing in a year and is `lapsed`. No stats at all: `new`.
 * @category analytics
 */
export const lifecycleOf = (
  customer: Customer,
  asOf: IsoDateTime | string,
  options: LifecycleOfOptions = {},
): LifecycleStage => {
  if (customer.lifecycle !== undefined) return customer.lifecycle
  return assessCustomer(customer, asOf, options).stage
}

/**
 * Like {@link lifecycleOf} but always runs the rules on `stats` (ignores the document's
 * `lifecycle`) and says which rule decided.
 * @category analytics
 */
export const assessCustomer = (
  customer: Customer,
  asOf: IsoDateTime | string,
  options: LifecycleOfOptions = {},
): LifecycleAssessment => {
  const rules = options.rules ?? DEFAULT_LIFECYCLE_RULES
  const now = Date.parse(asOf)
  const stats = customer.stats ?? {}
  const first = stats.firstPurchaseAt === undefined ? undefined : Date.parse(stats.firstPurchaseAt)
  const last = stats.lastPurchaseAt === undefined ? undefined : Date.parse(stats.lastPurchaseAt)
  const visits = stats.visits ?? (last !== undefined ? (first !== undefined && first < last ? 2 : 1) : 0)
  const tenureDays = first === undefined ? undefined : Math.max(0, floorDays(now - first))
  let daysSinceLast = last === undefined ? undefined : Math.max(0, floorDays(now - last))
  if (daysSinceLast === undefined && visits > 0 && stats.spend12m === 0) {
    // No purchase in twelve months: at least a year of absence.
    daysSinceLast = YEAR_DAYS
  }
  const visits12m =
    tenureDays === undefined || tenureDays < YEAR_DAYS ? visits : Math.floor((visits * YEAR_DAYS) / tenureDays)
  const span = first !== undefined && last !== undefined ? Math.max(0, last - first) : 0
  const facts: LifecycleFacts = {
    visits,
    visits12m,
    tenureDays,
    daysSinceLast,
    usualIntervalDays:
      first !== undefined && last !== undefined ? usualInterval(visits, span, rules) : rules.defaultIntervalDays,
    recentSpend: undefined,
    previousSpend: undefined,
    referrals: options.successfulReferrals ?? 0,
    pAlive: customer.value?.pAlive,
  }
  return stageFromFacts(facts, rules)
}

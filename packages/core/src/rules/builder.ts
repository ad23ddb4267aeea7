import type { Either } from 'fp-ts/lib/Either.js'
import type { DecodeError } from '../codec/decode.js'
import type { LifecycleStage } from '../customer/customer.codec.js'
import type {
  AttributeMatch,
  Campaign,
  CampaignStatus,
  Condition,
  CustomerCondition,
  DayOfWeek,
  Eligibility,
  Limits,
  MeasureUnitName,
  PercentTier,
  Reward,
  Selector,
  SpendBasis,
  Stacking,
  UnitsOf,
  Validity,
} from './campaign.codec.js'
import { decodeCampaign } from './campaign.codec.js'

/**
 * Selector constructors: `sel.sku('3017620422003')`, `sel.category('grocery')`, `sel.every`.
 * @category builder
 */
export const sel = {
  every: '*' as const,
  sku: (...skus: string[]): Selector => ({ sku: skus }),
  category: (...categories: string[]): Selector => ({ category: categories }),
  brand: (...brands: string[]): Selector => ({ brand: brands }),
  tag: (...tags: string[]): Selector => ({ tag: tags }),
  all: (...parts: Selector[]): Selector => ({ all: parts }),
  any: (...parts: Selector[]): Selector => ({ any: parts }),
  not: (part: Selector): Selector => ({ not: part }),
}

/**
 * Basket condition constructors: `when.quantity(sel.sku('x'), 2)`, `when.spend(2000)`.
 * @category builder
 */
export const when = {
  all: (...parts: Condition[]): Condition => ({ all: parts }),
  any: (...parts: Condition[]): Condition => ({ any: parts }),
  not: (part: Condition): Condition => ({ not: part }),
  quantity: (of: Selector, atLeast: number): Condition => ({ quantity: { of, atLeast } }),
  measure: (of: Selector, unit: MeasureUnitName, atLeast: number): Condition => ({ measure: { of, unit, atLeast } }),
  spend: (atLeast: number, options: { readonly of?: Selector; readonly basis?: SpendBasis } = {}): Condition => ({
    spend: { atLeast, ...options },
  }),
  distinct: (of: Selector, atLeast: number): Condition => ({ distinct: { of, atLeast } }),
  contains: (of: Selector): Condition => ({ contains: of }),
  code: (pool: string): Condition => ({ code: pool }),
  channel: (...channels: ('store' | 'online')[]): Condition => ({ channel: channels }),
  store: (...stores: string[]): Condition => ({ store: stores }),
}

/**
 * Customer condition constructors: `who.tier('gold')`, `who.birthday(7)`.
 * @category builder
 */
export const who = {
  all: (...parts: CustomerCondition[]): CustomerCondition => ({ all: parts }),
  any: (...parts: CustomerCondition[]): CustomerCondition => ({ any: parts }),
  not: (part: CustomerCondition): CustomerCondition => ({ not: part }),
  tier: (...tiers: string[]): CustomerCondition => ({ tier: { in: tiers } }),
  segment: (...segments: string[]): CustomerCondition => ({ segment: { in: segments } }),
  lifecycle: (...stages: LifecycleStage[]): CustomerCondition => ({ lifecycle: { in: stages } }),
  attribute: (name: string, ...values: AttributeMatch[]): CustomerCondition => ({ attribute: { name, in: values } }),
  birthday: (withinDays: number): CustomerCondition => ({ birthday: { withinDays } }),
  visits: (atLeast: number): CustomerCondition => ({ visits: { atLeast } }),
  firstPurchase: (first = true): CustomerCondition => ({ firstPurchase: first }),
  inactiveDays: (atLeast: number): CustomerCondition => ({ inactiveDays: { atLeast } }),
}

/**
 * Reward constructors: `give.percentOff(sel.every, 20)`, `give.buyGet({ of, quantity: 2 }, { of, quantity: 1 })`.
 * @category builder
 */
export const give = {
  percentOff: (
    of: Selector,
    percent: number,
    options: { readonly maxUnits?: number; readonly cap?: number } = {},
  ): Reward => ({
    percentOff: { of, percent, ...options },
  }),
  amountOff: (of: Selector | 'basket', amount: number): Reward => ({ amountOff: { of, amount } }),
  fixedPrice: (of: Selector, quantity: number, price: number): Reward => ({ fixedPrice: { of, quantity, price } }),
  buyGet: (buy: UnitsOf, get: UnitsOf & { readonly percent?: number }): Reward => ({ buyGet: { buy, get } }),
  bundle: (items: readonly UnitsOf[], price: number): Reward => ({ bundle: { items, price } }),
  tieredPercentOff: (of: Selector, tiers: readonly PercentTier[]): Reward => ({ tieredPercentOff: { of, tiers } }),
  freeItem: (sku: string, quantity?: number): Reward => ({
    freeItem: quantity === undefined ? { sku } : { sku, quantity },
  }),
  fixedPoints: (fixed: number): Reward => ({ points: { fixed } }),
  pointsPerAmount: (points: number, per: number, of?: Selector): Reward => ({
    points: { perAmount: of === undefined ? { points, per } : { points, per, of } },
  }),
  pointsMultiplier: (multiplier: number, of?: Selector): Reward => ({
    points: of === undefined ? { multiplier } : { multiplier, of },
  }),
  issueCoupon: (template: string, validForDays: number): Reward => ({ issueCoupon: { template, validForDays } }),
  all: (...parts: Reward[]): Reward => ({ all: parts }),
}

/**
 * A typed, immutable campaign builder: each call returns a new builder, and `build()` yields the
 * same JSON the DSL takes, checked by the campaign codec.
 *
 * @example
 * campaign('jar-2-half').trigger(when.quantity(sel.brand('Nutella'), 2)).reward(give.percentOff(sel.brand('Nutella'), 25)).build()
 * @category builder
 */
export class CampaignBuilder {
  constructor(private readonly draft: Partial<Campaign> & { readonly id: string }) {}
  private with(patch: Partial<Campaign>): CampaignBuilder {
    return new CampaignBuilder({ ...this.draft, ...patch })
  }
  /** The display name. */
  name(name: string): CampaignBuilder {
    return this.with({ name })
  }
  /** The status (default `active`). */
  status(status: CampaignStatus): CampaignBuilder {
    return this.with({ status })
  }
  /** Merges into the validity window. */
  validity(validity: Validity): CampaignBuilder {
    return this.with({ validity: { ...this.draft.validity, ...validity } })
  }
  /** Runs only on these days. */
  days(...daysOfWeek: DayOfWeek[]): CampaignBuilder {
    return this.validity({ daysOfWeek })
  }
  /** Merges into eligibility. */
  eligibility(eligibility: Eligibility): CampaignBuilder {
    return this.with({ eligibility: { ...this.draft.eligibility, ...eligibility } })
  }
  /** Needs a customer meeting this condition. */
  customer(condition: CustomerCondition): CampaignBuilder {
    return this.eligibility({ customer: condition })
  }
  /** Needs a code of this pool. */
  code(pool: string): CampaignBuilder {
    return this.with({ code: { required: true, pool } })
  }
  /** The basket condition. */
  trigger(condition: Condition): CampaignBuilder {
    return this.with({ trigger: condition })
  }
  /** The reward. */
  reward(reward: Reward): CampaignBuilder {
    return this.with({ reward })
  }
  /** Merges into stacking. */
  stacking(stacking: Stacking): CampaignBuilder {
    return this.with({ stacking: { ...this.draft.stacking, ...stacking } })
  }
  /** Merges into limits. */
  limits(limits: Limits): CampaignBuilder {
    return this.with({ limits: { ...this.draft.limits, ...limits } })
  }
  /** A control group of this share of identified customers. */
  holdout(share: number): CampaignBuilder {
    return this.with({ holdout: { share } })
  }
  /** Receipt and nudge labels. */
  labels(labels: { readonly receipt?: string; readonly nudge?: string }): CampaignBuilder {
    return this.with({ labels })
  }
  /** The campaign document as built so far, unchecked. */
  toJSON(): Campaign {
    return { status: 'active', ...this.draft } as Campaign
  }
  /** The campaign, checked by the codec (a missing reward, a 3-decimal percent… are refused). */
  build(): Either<DecodeError, Campaign> {
    return decodeCampaign(JSON.parse(JSON.stringify(this.toJSON())))
  }
}

/** Starts a campaign builder. @category builder */
export const campaign = (id: string): CampaignBuilder => new CampaignBuilder({ id })

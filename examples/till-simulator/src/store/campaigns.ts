import { type Catalog, STORE_BRAND } from './catalog.js'
import { SLIPPING_BELOW, VALUABLE_SHARE } from './value.js'

/**
 * The demo store's campaigns and loyalty program, as wire-contract v1 JSON (DESIGN §3). They use
 * every reward type of the DSL, cross-sell and conquest checkout coupons (issueCoupon rewards whose
 * templates are themselves campaigns with `code.required` and a pool), a happy hour, weekend and
 * birthday offers, tier-only offers and holdout groups. They are plain JSON so that they go through
 * the engine's strict `decodeCampaigns`/`decodeProgram` exactly like a file a retailer would write.
 */

/** A JSON value. @category store */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }

/** A campaign or program document as JSON, before decoding. @category store */
export type JsonObject = { readonly [key: string]: Json }

/** Options of {@link demoCampaigns}. @category store */
export interface CampaignOptions {
  /** Validity start, inclusive (ISO-8601 with offset). */
  readonly from?: string
  /** Validity end, exclusive. */
  readonly until?: string
}

/**
 * "Valuable but slipping away", from the members' value snapshot: among the members who carry 90 %
 * of predicted value, a P(alive) below 0.6 (see `value.ts` for why not the top 20 %).
 */
const VALUABLE_BUT_SLIPPING: JsonObject = {
  all: [{ value: { topShare: VALUABLE_SHARE } }, { alive: { below: SLIPPING_BELOW } }],
}

const slug = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/(^-|-$)/g, '')

/**
 * The loyalty program "club": 1 point per euro net (tobacco and gift cards excluded), points
 * pending 14 days and expiring after 24 months, silver and gold tiers on 12-month spend, a reward
 * catalogue and referral points.
 * @category store
 */
export const demoProgram = (): JsonObject => ({
  id: 'club',
  earn: { points: 1, per: 100, basis: 'net', exclude: { category: ['tobacco', 'gift-cards'] } },
  pendingDays: 14,
  expiry: { afterMonths: 24 },
  tiers: [
    { id: 'silver', qualify: { spend: 60000, windowMonths: 12 }, multiplier: 1.5 },
    { id: 'gold', qualify: { spend: 240000, windowMonths: 12 }, multiplier: 2 },
  ],
  rewards: [
    { id: 'voucher-5', cost: 500, grants: { amountOff: { of: 'basket', amount: 500 } } },
    { id: 'voucher-12', cost: 1000, grants: { amountOff: { of: 'basket', amount: 1200 } } },
    { id: 'coffee-20', cost: 300, grants: { percentOff: { of: { category: ['grocery/coffee'] }, percent: 20 } } },
  ],
  referral: { referrerPoints: 500, refereePoints: 200, qualifyingSpend: 2000 },
})

/**
 * The demo campaigns (16 live campaigns plus the coupon templates they issue).
 *
 * @example
 * const campaigns = demoCampaigns(generateCatalog())
 * campaigns.map((c) => c.id) // ['yogurt-3-for-2', 'pasta-3-for-5', …]
 * @category store
 */
export const demoCampaigns = (catalog: Catalog, options: CampaignOptions = {}): JsonObject[] => {
  const validity = {
    from: options.from ?? '2026-11-01T00:00:00+01:00',
    until: options.until ?? '2027-01-01T00:00:00+01:00',
    timeZone: 'Europe/Paris',
  }
  const live: JsonObject[] = [
    {
      id: 'yogurt-3-for-2',
      name: 'Yogurts: 3 for 2',
      status: 'active',
      validity,
      trigger: { quantity: { of: { category: ['dairy/yogurt'] }, atLeast: 2 } },
      reward: {
        buyGet: {
          buy: { of: { category: ['dairy/yogurt'] }, quantity: 2 },
          get: { of: { category: ['dairy/yogurt'] }, quantity: 1, percent: 100 },
        },
      },
      stacking: { priority: 50, exclusive: false },
      labels: { receipt: 'Yogurts 3 for 2', nudge: 'Add 1 more yogurt: the third is free' },
    },
    {
      id: 'pasta-3-for-5',
      name: 'Any 3 pasta for 5 €',
      status: 'active',
      validity,
      reward: { fixedPrice: { of: { category: ['grocery/pasta'] }, quantity: 3, price: 500 } },
      stacking: { priority: 50, exclusive: false },
      limits: { perBasket: 2 },
      labels: { receipt: '3 pasta for 5 €', nudge: 'Any 3 pasta for 5 €' },
    },
    {
      id: 'meal-deal',
      name: 'Lunch meal deal: sandwich, drink and snack for 5 €',
      status: 'active',
      validity: { ...validity, hours: [{ from: '11:00', until: '15:00' }] },
      reward: {
        bundle: {
          items: [
            { of: { category: ['fresh/sandwiches'] }, quantity: 1 },
            { of: { all: [{ category: ['drinks'] }, { tag: ['meal-deal'] }] }, quantity: 1 },
            { of: { category: ['snacks/chips'] }, quantity: 1 },
          ],
          price: 500,
        },
      },
      stacking: { priority: 60, exclusive: false },
      labels: { receipt: 'Meal deal 5 €', nudge: 'Add a drink and a snack: the meal deal is 5 €' },
    },
    {
      id: 'wine-tiered',
      name: 'Wine fair: up to 15 % off',
      status: 'active',
      validity,
      eligibility: { cardRequired: true },
      reward: {
        tieredPercentOff: {
          of: { category: ['wine'] },
          tiers: [
            { atLeast: 3000, percent: 5 },
            { atLeast: 6000, percent: 10 },
            { atLeast: 10000, percent: 15 },
          ],
        },
      },
      stacking: { priority: 40, exclusive: false, group: 'wine' },
      holdout: { share: 0.1 },
      labels: { receipt: 'Wine fair', nudge: 'Spend a little more on wine for a bigger discount' },
    },
    {
      id: 'bakery-happy-hour',
      name: 'Bakery happy hour: 30 % off from 18:00 to 20:00',
      status: 'active',
      validity: { ...validity, hours: [{ from: '18:00', until: '20:00' }] },
      reward: { percentOff: { of: { category: ['fresh/bakery'] }, percent: 30, maxUnits: 6 } },
      stacking: { priority: 45, exclusive: false },
      labels: { receipt: 'Bakery happy hour -30%' },
    },
    {
      id: 'weekend-chocolate',
      name: 'Weekend chocolate: 20 % off',
      status: 'active',
      validity: { ...validity, daysOfWeek: ['sat', 'sun'] },
      reward: { percentOff: { of: { category: ['snacks/chocolate'] }, percent: 20, maxUnits: 4 } },
      stacking: { priority: 30, exclusive: false },
      labels: { receipt: 'Weekend chocolate -20%' },
    },
    {
      id: 'own-brand-members',
      name: `${STORE_BRAND}: 10 % off for silver and gold members`,
      status: 'active',
      validity,
      eligibility: { cardRequired: true, customer: { tier: { in: ['silver', 'gold'] } } },
      reward: { percentOff: { of: { brand: [STORE_BRAND] }, percent: 10, cap: 1500 } },
      stacking: { priority: 20, exclusive: false },
      holdout: { share: 0.1 },
      labels: { receipt: `${STORE_BRAND} members -10%` },
    },
    {
      id: 'gold-5-off-50',
      name: 'Gold: 5 € off from 50 €',
      status: 'active',
      validity,
      eligibility: { cardRequired: true, customer: { tier: { in: ['gold'] } } },
      trigger: { spend: { atLeast: 5000, basis: 'net' } },
      reward: { amountOff: { of: 'basket', amount: 500 } },
      stacking: { priority: 10, exclusive: false, group: 'basket-money-off' },
      limits: { perCustomer: { count: 2, period: 'month' }, budget: { discount: 400000 } },
      holdout: { share: 0.1 },
      labels: { receipt: 'Gold 5 € off', nudge: 'Gold members: 5 € off from 50 €' },
    },
    {
      id: 'tote-bag-gift',
      name: 'A reusable tote bag from 60 €',
      status: 'active',
      validity,
      eligibility: { cardRequired: true },
      trigger: { spend: { atLeast: 6000, basis: 'gross' } },
      reward: { freeItem: { sku: catalog.giftSku, quantity: 1 } },
      limits: { perBasket: 1, perCustomer: { count: 1, period: 'month' } },
      labels: { receipt: 'Free tote bag', nudge: 'Spend 60 € and take a free tote bag' },
    },
    {
      id: 'welcome-points',
      name: 'Welcome: 200 points on the first purchase',
      status: 'active',
      validity,
      eligibility: { cardRequired: true, customer: { firstPurchase: true } },
      reward: { points: { fixed: 200 } },
      limits: { perCustomer: { count: 1, period: 'campaign' } },
      labels: { receipt: 'Welcome bonus' },
    },
    {
      id: 'coffee-double-points',
      name: 'Double points on coffee',
      status: 'active',
      validity,
      eligibility: { cardRequired: true },
      reward: { points: { multiplier: 2, of: { category: ['grocery/coffee'] } } },
      labels: { receipt: 'Coffee double points' },
    },
    {
      id: 'organic-points',
      name: '5 points per euro on organic products',
      status: 'active',
      validity,
      eligibility: { cardRequired: true },
      reward: { points: { perAmount: { points: 5, per: 100, of: { tag: ['organic'] } } } },
      labels: { receipt: 'Organic bonus points' },
    },
    {
      id: 'birthday-treat',
      name: 'Birthday week: 10 % off and 100 points',
      status: 'active',
      validity,
      eligibility: { cardRequired: true, customer: { birthday: { withinDays: 7 } } },
      reward: {
        all: [
          { percentOff: { of: { not: { tag: ['alcohol'] } }, percent: 10, cap: 2000 } },
          { points: { fixed: 100 } },
        ],
      },
      stacking: { priority: 5, exclusive: false },
      limits: { perCustomer: { count: 1, period: 'campaign' } },
      labels: { receipt: 'Happy birthday -10%' },
    },
    {
      id: 'cross-sell-pasta-sauce',
      name: 'Bought pasta? 30 % off a sauce next time',
      status: 'active',
      validity,
      eligibility: { cardRequired: true },
      trigger: {
        all: [{ contains: { category: ['grocery/pasta'] } }, { not: { contains: { category: ['grocery/sauces'] } } }],
      },
      reward: { issueCoupon: { template: 'sauce-30', validForDays: 14 } },
      limits: { perCustomer: { count: 1, period: 'week' } },
      holdout: { share: 0.1 },
      labels: { receipt: 'Your next sauce -30%' },
    },
    {
      id: 'winback-wavering',
      name: 'We miss you: 5 € off your next visit',
      status: 'active',
      validity,
      // The valuable members slipping away get the VIP win-back instead (below).
      eligibility: {
        cardRequired: true,
        customer: { all: [{ lifecycle: { in: ['wavering', 'lapsed'] } }, { not: VALUABLE_BUT_SLIPPING }] },
      },
      reward: { issueCoupon: { template: 'comeback-5', validForDays: 30 } },
      limits: { perCustomer: { count: 1, period: 'month' } },
      holdout: { share: 0.15 },
      labels: { receipt: '5 € off your next visit' },
    },
    {
      id: 'winback-valuable',
      name: 'VIP win-back: 10 € off your next visit',
      status: 'active',
      validity,
      eligibility: { cardRequired: true, customer: VALUABLE_BUT_SLIPPING },
      reward: { issueCoupon: { template: 'vip-comeback-10', validForDays: 30 } },
      limits: { perCustomer: { count: 1, period: 'month' } },
      holdout: { share: 0.15 },
      labels: { receipt: '10 € off your next visit' },
    },
  ]
  const templates: JsonObject[] = [
    {
      id: 'vip-comeback-10',
      name: 'Coupon: 10 € off from 40 €',
      status: 'active',
      validity,
      code: { required: true, pool: 'VIP' },
      trigger: { spend: { atLeast: 4000, basis: 'net' } },
      reward: { amountOff: { of: 'basket', amount: 1000 } },
      stacking: { priority: 10, exclusive: false, group: 'basket-money-off' },
      limits: { perBasket: 1 },
      labels: { receipt: 'Coupon: 10 € off' },
    },
    {
      id: 'sauce-30',
      name: 'Coupon: 30 % off a pasta sauce',
      status: 'active',
      validity,
      code: { required: true, pool: 'SAUCE' },
      reward: { percentOff: { of: { category: ['grocery/sauces'] }, percent: 30, maxUnits: 2 } },
      limits: { perBasket: 1 },
      labels: { receipt: 'Coupon: sauce -30%' },
    },
    {
      id: 'comeback-5',
      name: 'Coupon: 5 € off from 25 €',
      status: 'active',
      validity,
      code: { required: true, pool: 'BACK' },
      trigger: { spend: { atLeast: 2500, basis: 'net' } },
      reward: { amountOff: { of: 'basket', amount: 500 } },
      stacking: { priority: 10, exclusive: false, group: 'basket-money-off' },
      limits: { perBasket: 1 },
      labels: { receipt: 'Coupon: 5 € off' },
    },
  ]
  // Conquest: "you bought brand X, here is our brand Y", one pair per contested shelf.
  for (const pair of catalog.competitorPairs) {
    const template = `conquest-${slug(pair.ours)}-${slug(pair.category)}`
    const pool = `CQ-${slug(pair.category).toUpperCase()}`
    live.push({
      id: `conquest-${slug(pair.competitor)}`,
      name: `Bought ${pair.competitor}? Try ${pair.ours}`,
      status: 'active',
      validity,
      eligibility: { cardRequired: true },
      trigger: {
        all: [{ contains: { brand: [pair.competitor] } }, { not: { contains: { brand: [pair.ours] } } }],
      },
      reward: { issueCoupon: { template, validForDays: 21 } },
      limits: { perCustomer: { count: 1, period: 'month' } },
      holdout: { share: 0.15 },
      labels: { receipt: `Try ${pair.ours}: 25 % off` },
    })
    templates.push({
      id: template,
      name: `Coupon: 25 % off ${pair.ours} (${pair.category})`,
      status: 'active',
      validity,
      code: { required: true, pool },
      reward: {
        percentOff: { of: { all: [{ brand: [pair.ours] }, { category: [pair.category] }] }, percent: 25, maxUnits: 2 },
      },
      limits: { perBasket: 1 },
      labels: { receipt: `Coupon: ${pair.ours} -25%` },
    })
  }
  return [...live, ...templates]
}

/** The ids of the campaigns that are coupon templates (redeemed with a code). @category store */
export const templateIds = (campaigns: readonly JsonObject[]): string[] =>
  campaigns
    .filter((c) => {
      const code = c.code
      return typeof code === 'object' && code !== null && !Array.isArray(code) && (code as JsonObject).required === true
    })
    .map((c) => String(c.id))

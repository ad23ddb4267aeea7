import { decodeCampaigns, decodeProgram } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { demoCampaigns, demoProgram, type Json, templateIds } from './campaigns.js'
import { generateCatalog } from './catalog.js'

const catalog = generateCatalog()
const campaigns = demoCampaigns(catalog)

/** Every reward key used anywhere in a reward tree (through `all`). */
const rewardKinds = (reward: Json): string[] => {
  if (typeof reward !== 'object' || reward === null || Array.isArray(reward)) return []
  const obj = reward as { readonly [k: string]: Json }
  return Object.keys(obj).flatMap((k) => {
    const v = obj[k] as Json
    if (k === 'all' && Array.isArray(v)) return ['all', ...v.flatMap(rewardKinds)]
    if (k === 'points' && typeof v === 'object' && v !== null) return Object.keys(v).map((p) => `points.${p}`)
    return [k]
  })
}

describe('demoCampaigns', () => {
  it('decodes with the engine’s strict campaign codec', () => {
    const decoded = decodeCampaigns(campaigns)
    if (decoded._tag === 'Left') throw new Error(decoded.left.message)
    expect(decoded.right.length).toBe(campaigns.length)
  })
  it('has 12+ live campaigns and uses every reward type of the DSL', () => {
    const live = campaigns.filter((c) => !templateIds(campaigns).includes(String(c.id)))
    expect(live.length).toBeGreaterThanOrEqual(12)
    const kinds = new Set(campaigns.flatMap((c) => rewardKinds(c.reward as Json)))
    for (const kind of [
      'percentOff',
      'amountOff',
      'fixedPrice',
      'buyGet',
      'bundle',
      'tieredPercentOff',
      'freeItem',
      'points.fixed',
      'points.perAmount',
      'points.multiplier',
      'issueCoupon',
      'all',
    ]) {
      expect(kinds.has(kind), kind).toBe(true)
    }
  })
  it('issues only coupons whose template is a code-required campaign with a pool', () => {
    const templates = new Map(campaigns.map((c) => [String(c.id), c]))
    const issued = campaigns.flatMap((c) => {
      const reward = c.reward as { issueCoupon?: { template: string } }
      return reward.issueCoupon ? [reward.issueCoupon.template] : []
    })
    expect(issued.length).toBeGreaterThanOrEqual(5)
    for (const id of issued) {
      const template = templates.get(id)
      expect(template, id).toBeDefined()
      expect(template?.code).toMatchObject({ required: true, pool: expect.any(String) })
    }
    const pools = campaigns.flatMap((c) => (c.code ? [(c.code as { pool: string }).pool] : []))
    expect(new Set(pools).size).toBe(pools.length)
  })
  it('has a conquest coupon per competitor pair, a happy hour and holdout groups', () => {
    for (const pair of catalog.competitorPairs) {
      expect(campaigns.some((c) => JSON.stringify(c.trigger ?? null).includes(pair.competitor))).toBe(true)
    }
    expect(campaigns.some((c) => JSON.stringify(c.validity).includes('"hours"'))).toBe(true)
    expect(campaigns.filter((c) => c.holdout !== undefined).length).toBeGreaterThanOrEqual(5)
  })
  it('offers the catalog’s gift SKU as the free item', () => {
    const gift = campaigns.find((c) => JSON.stringify(c.reward).includes('freeItem'))
    expect(JSON.stringify(gift?.reward)).toContain(catalog.giftSku)
  })
})

describe('demoProgram', () => {
  it('decodes with the engine’s strict program codec and has tiers, referral and rewards', () => {
    const decoded = decodeProgram(demoProgram())
    if (decoded._tag === 'Left') throw new Error(decoded.left.message)
    expect(decoded.right.tiers?.map((t) => t.id)).toEqual(['silver', 'gold'])
    expect(decoded.right.referral).toBeDefined()
    expect(decoded.right.rewards?.length).toBeGreaterThanOrEqual(2)
  })
  it('is refused by the codec when a tier loses its threshold (the test can fail)', () => {
    const broken = { ...demoProgram(), tiers: [{ id: 'silver', multiplier: 1.5 }] }
    expect(decodeProgram(broken)._tag).toBe('Left')
  })
})

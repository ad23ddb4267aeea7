import { describe, expect, it } from 'vitest'
import type { Basket, Sku } from '../basket/basket.codec.js'
import { minor } from '../money/Money.js'
import type { Campaign } from '../rules/campaign.codec.js'
import { enginePricer } from './pricer.js'

const basket: Basket = {
  id: 'T-1',
  storeId: 'S',
  terminalId: '1',
  channel: 'store',
  currency: 'EUR' as Basket['currency'],
  pricesIncludeTax: true,
  at: '2026-11-26T10:15:00+01:00' as Basket['at'],
  lines: [
    { id: '1', sku: 'A' as Sku, quantity: 2, unitPrice: minor(1000), amount: minor(2000), categories: ['grocery'] },
  ],
}

const campaigns: Campaign[] = [
  {
    id: 'ten-off',
    status: 'active',
    reward: { percentOff: { of: '*', percent: 10 } },
    stacking: { group: 'g', priority: 1 },
    limits: { total: 5 },
  },
  { id: 'five-off', status: 'active', reward: { percentOff: { of: '*', percent: 5 } }, stacking: { group: 'g' } },
  {
    id: 'coupon',
    status: 'active',
    code: { required: true, pool: 'NEXT' },
    reward: { amountOff: { of: 'basket', amount: 300 } },
  },
]

describe('enginePricer', () => {
  const price = enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' })

  it('evaluates with the rules engine, within the usage snapshot', () => {
    const all = price({ basket, codes: [], usage: {} })
    expect(all.discounts.map((d) => [d.campaignId, d.amount])).toEqual([['ten-off', 200]])
    // with ten-off stopped (its limit is reached), the group's other member applies: 5 % of 2000
    const without = price({ basket, codes: [], usage: { campaigns: { 'ten-off': { redemptions: 5 } } } })
    expect(without.discounts.map((d) => [d.campaignId, d.amount])).toEqual([['five-off', 100]])
  })

  it('hands an accepted code to the engine under its pool, even a signed coupon text', () => {
    const r = price({ basket, codes: [{ code: 'TSR1.K1.ABC.DEF', pool: 'NEXT' }], usage: {} })
    expect(r.discounts.map((d) => d.campaignId).sort()).toEqual(['coupon', 'ten-off'])
    const none = price({ basket, codes: [], usage: {} })
    expect(none.discounts.map((d) => d.campaignId)).toEqual(['ten-off'])
  })
})

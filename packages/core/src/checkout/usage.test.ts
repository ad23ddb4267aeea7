import { describe, expect, it } from 'vitest'
import type { Basket } from '../basket/basket.codec.js'
import { minor, points } from '../money/Money.js'
import type { Campaign } from '../rules/campaign.codec.js'
import type { Evaluation } from '../rules/evaluation.codec.js'
import { bucketOf, customerKeyOf, limitedCandidates, limitNotes, usageSnapshotOf } from './usage.js'

const evaluation = (discounts: readonly { campaignId: string; allocations: Record<string, number> }[]): Evaluation => {
  const lines = [
    { id: '1', amount: 1000 },
    { id: '2', amount: 500 },
  ]
  const byLine = (id: string) => discounts.reduce((s, d) => s + (d.allocations[id] ?? 0), 0)
  const discountTotal = discounts.reduce((s, d) => s + Object.values(d.allocations).reduce((a, b) => a + b, 0), 0)
  return {
    basketId: 'T-1',
    subtotal: minor(1500),
    discountTotal: minor(discountTotal),
    total: minor(1500 - discountTotal),
    lines: lines.map((l) => ({
      id: l.id,
      amount: minor(l.amount),
      discount: minor(byLine(l.id)),
      net: minor(l.amount - byLine(l.id)),
    })),
    discounts: discounts.map((d) => ({
      campaignId: d.campaignId,
      label: d.campaignId,
      amount: minor(Object.values(d.allocations).reduce((a, b) => a + b, 0)),
      allocations: Object.entries(d.allocations).map(([lineId, amount]) => ({ lineId, amount: minor(amount) })),
    })),
    points: { earned: points(0), breakdown: [] },
    gifts: [],
    coupons: [],
    nudges: [],
    explanations: [],
    holdouts: [],
  }
}

const campaign = (id: string, limits: Campaign['limits']): Campaign => ({
  id,
  status: 'active',
  reward: { percentOff: { of: '*', percent: 10 } },
  ...(limits ? { limits } : {}),
})

describe('bucketOf', () => {
  it('buckets by the store-local day, ISO week and month, across midnight in the store zone', () => {
    // 23:30 UTC on the 26th is 00:30 on the 27th in Paris
    expect(bucketOf('day', '2026-11-26T23:30:00Z', 'Europe/Paris')).toBe('2026-11-27')
    expect(bucketOf('day', '2026-11-26T23:30:00Z', 'America/New_York')).toBe('2026-11-26')
    expect(bucketOf('week', '2026-11-26T10:00:00+01:00', 'Europe/Paris')).toBe('2026-W48')
    expect(bucketOf('week', '2027-01-01T10:00:00+01:00', 'Europe/Paris')).toBe('2026-W53')
    expect(bucketOf('month', '2026-11-30T23:30:00Z', 'Europe/Paris')).toBe('2026-12')
    expect(bucketOf('campaign', '2026-11-30T23:30:00Z', 'Europe/Paris')).toBe('campaign')
  })
})

describe('customerKeyOf', () => {
  const basket = { card: 'C1' } as Basket
  it('prefers the member, then the card, and is undefined for an anonymous basket', () => {
    expect(customerKeyOf(basket, { memberId: 'm-1', card: 'C1' })).toBe('member:m-1')
    expect(customerKeyOf(basket)).toBe('card:C1')
    expect(customerKeyOf({} as Basket)).toBeUndefined()
  })
})

describe('limitedCandidates', () => {
  it('lists every explained campaign with limits, sorted, whether it applied or not', () => {
    const campaigns = new Map([
      ['b', campaign('b', { total: 1 })],
      ['a', campaign('a', { budget: { discount: 10 } })],
      ['c', campaign('c', undefined)],
    ])
    const e = {
      ...evaluation([]),
      explanations: [
        { campaignId: 'c', applied: true, reasons: [] },
        { campaignId: 'b', applied: false, reasons: [{ code: 'MIN_SPEND' as const }] },
        { campaignId: 'a', applied: true, reasons: [] },
      ],
    }
    expect(limitedCandidates(e, campaigns)).toEqual(['a', 'b'])
  })
})

describe('usageSnapshotOf', () => {
  it("gives each campaign its row and this customer's count in the current bucket of its per-customer limit", () => {
    const campaigns = new Map([
      ['daily', campaign('daily', { perCustomer: { count: 1, period: 'day' } })],
      ['total', campaign('total', { total: 3 })],
    ])
    const rows = {
      campaigns: [{ campaignId: 'total', redemptions: 2, discountSpent: 150, pointsSpent: 0 }],
      customers: [
        { campaignId: 'daily', customer: 'member:m-1', bucket: '2026-11-26', count: 1 },
        { campaignId: 'daily', customer: 'member:m-1', bucket: '2026-11-25', count: 4 },
      ],
    }
    const at = '2026-11-26T10:15:00+01:00'
    expect(usageSnapshotOf(rows, ['daily', 'total'], campaigns, 'member:m-1', at, 'Europe/Paris')).toEqual({
      campaigns: {
        daily: { redemptions: 0, discountSpent: 0, pointsSpent: 0, customerRedemptions: 1 },
        total: { redemptions: 2, discountSpent: 150, pointsSpent: 0 },
      },
    })
    // anonymous: no per-customer count at all
    expect(usageSnapshotOf(rows, ['daily'], campaigns, undefined, at, 'Europe/Paris').campaigns?.daily).toEqual({
      redemptions: 0,
      discountSpent: 0,
      pointsSpent: 0,
    })
  })
})

describe('limitNotes', () => {
  it('turns the limit and budget reasons of the explanations into receipt notes, and nothing else', () => {
    const e = {
      ...evaluation([]),
      explanations: [
        { campaignId: 'a', applied: false, reasons: [{ code: 'LIMIT_REACHED' as const, by: 'total' }] },
        { campaignId: 'b', applied: false, reasons: [{ code: 'MIN_SPEND' as const, required: 10, actual: 5 }] },
        {
          campaignId: 'c',
          applied: true,
          reasons: [{ code: 'BUDGET_PARTIAL' as const, by: 'discount', required: 50, actual: 20 }],
        },
      ],
    }
    expect(limitNotes(e)).toEqual([
      { campaignId: 'a', reason: { code: 'LIMIT_REACHED', by: 'total' } },
      { campaignId: 'c', reason: { code: 'BUDGET_PARTIAL', by: 'discount', required: 50, actual: 20 } },
    ])
  })
})

import { describe, expect, it } from 'vitest'
import type { Basket } from '../basket/basket.codec.js'
import { minor, points } from '../money/Money.js'
import type { Campaign } from '../rules/campaign.codec.js'
import type { Evaluation } from '../rules/evaluation.codec.js'
import { bucketOf, customerKeyOf, cutToBudgets, priceWithinUsage, stoppedByUsage } from './usage.js'

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

describe('stoppedByUsage', () => {
  const at = '2026-11-26T10:00:00+01:00'
  it('stops a campaign at its total, its per-customer count or an empty budget, and leaves others', () => {
    const campaigns = new Map([
      ['total', campaign('total', { total: 3 })],
      ['per', campaign('per', { perCustomer: { count: 2, period: 'day' } })],
      ['budget', campaign('budget', { budget: { discount: 100 } })],
      ['free', campaign('free', undefined)],
    ])
    const ev = evaluation(
      ['total', 'per', 'budget', 'free'].map((id) => ({ campaignId: id, allocations: { '1': 10 } })),
    )
    const usage = {
      campaigns: [
        { campaignId: 'total', redemptions: 3, discountSpent: 0, pointsSpent: 0 },
        { campaignId: 'budget', redemptions: 1, discountSpent: 100, pointsSpent: 0 },
      ],
      customers: [{ campaignId: 'per', customer: 'card:C1', bucket: '2026-11-26', count: 2 }],
    }
    const stopped = stoppedByUsage(ev, campaigns, usage, 'card:C1', at, 'Europe/Paris')
    expect(Object.fromEntries(stopped)).toEqual({
      total: { code: 'LIMIT_REACHED', by: 'total', required: 3, actual: 3 },
      per: { code: 'LIMIT_REACHED', by: 'perCustomer', required: 2, actual: 2 },
      budget: { code: 'BUDGET_EXHAUSTED', by: 'discount', required: 100, actual: 100 },
    })
    // another customer, and the next day, are not stopped by the per-customer count
    expect(stoppedByUsage(ev, campaigns, usage, 'card:C2', at, 'Europe/Paris').has('per')).toBe(false)
    expect(
      stoppedByUsage(ev, campaigns, usage, 'card:C1', '2026-11-27T10:00:00+01:00', 'Europe/Paris').has('per'),
    ).toBe(false)
  })
})

describe('cutToBudgets', () => {
  it('cuts a discount to the remaining budget and re-splits it with allocate; lines and totals follow', () => {
    const campaigns = new Map([['c', campaign('c', { budget: { discount: 1000 } })]])
    const ev = evaluation([{ campaignId: 'c', allocations: { '1': 100, '2': 50 } }])
    const usage = {
      campaigns: [{ campaignId: 'c', redemptions: 9, discountSpent: 899, pointsSpent: 0 }],
      customers: [],
    }
    const { evaluation: cut, notes } = cutToBudgets(ev, campaigns, usage)
    // 101 left of 1000: 150 → 101, split 100:50 → 67.33 + 33.67 → 67 + 34 (largest remainder)
    expect(cut.discounts[0]?.allocations).toEqual([
      { lineId: '1', amount: 67 },
      { lineId: '2', amount: 34 },
    ])
    expect(cut.discountTotal).toBe(101)
    expect(cut.total).toBe(1500 - 101)
    expect(cut.lines.map((l) => [l.discount, l.net])).toEqual([
      [67, 933],
      [34, 466],
    ])
    expect(notes).toEqual([
      { campaignId: 'c', reason: { code: 'BUDGET_PARTIAL', by: 'discount', required: 150, actual: 101 } },
    ])
  })

  it('leaves an evaluation within its budgets untouched', () => {
    const campaigns = new Map([['c', campaign('c', { budget: { discount: 1000 } })]])
    const ev = evaluation([{ campaignId: 'c', allocations: { '1': 100 } }])
    expect(cutToBudgets(ev, campaigns, { campaigns: [], customers: [] }).evaluation).toBe(ev)
  })
})

describe('priceWithinUsage', () => {
  it('re-evaluates without a stopped campaign, so another may take its place, and explains why', () => {
    const campaigns = new Map([
      ['big', campaign('big', { total: 1 })],
      ['small', campaign('small', undefined)],
    ])
    // an exclusive pair: the evaluator gives "big" when it may, else "small"
    const price = (exclude: ReadonlySet<string>) =>
      exclude.has('big')
        ? evaluation([{ campaignId: 'small', allocations: { '1': 50 } }])
        : evaluation([{ campaignId: 'big', allocations: { '1': 300 } }])
    const usage = {
      campaigns: [{ campaignId: 'big', redemptions: 1, discountSpent: 300, pointsSpent: 0 }],
      customers: [],
    }
    const r = priceWithinUsage(price, campaigns, usage, undefined, '2026-11-26T10:00:00Z', 'UTC')
    expect(r.evaluation.discounts.map((d) => d.campaignId)).toEqual(['small'])
    expect([...r.excluded]).toEqual(['big'])
    expect(r.evaluation.explanations).toContainEqual({
      campaignId: 'big',
      applied: false,
      reasons: [{ code: 'LIMIT_REACHED', by: 'total', required: 1, actual: 1 }],
    })
  })
})

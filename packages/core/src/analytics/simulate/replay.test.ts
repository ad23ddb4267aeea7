import { describe, expect, it } from 'vitest'
import type { Basket } from '../../basket/basket.codec.js'
import type { Customer } from '../../customer/customer.codec.js'
import type { Program } from '../../rules/campaign.codec.js'
import { basket, campaigns, line } from '../../rules/testkit.js'
import type { HistoryEntry } from './history.js'
import { createReplay, mergeSummaries, shardable, shardOf, simulate } from './replay.js'

const ZONE = 'Europe/Paris'

const sale = (id: string, at: string, extra: Partial<Basket> = {}): HistoryEntry => ({
  kind: 'sale',
  basket: basket([line('1', 'A', 2, 1000)], { id, at: at as Basket['at'], card: '2900000000001', ...extra }),
  customer: { card: '2900000000001', memberId: 'm-1', tier: 'gold', lifecycle: 'happy' },
})

describe('createReplay', () => {
  it('stops a per-customer limit once used in its period, and starts again in the next', () => {
    const draft = campaigns([
      {
        id: 'once-a-day',
        reward: { amountOff: { of: 'basket', amount: 100 } },
        limits: { perCustomer: { count: 1, period: 'day' } },
      },
    ])
    const replay = createReplay({ campaigns: draft, storeTimeZone: ZONE })
    const first = replay.push(sale('T-1', '2026-11-26T10:00:00+01:00'))
    const second = replay.push(sale('T-2', '2026-11-26T18:00:00+01:00'))
    const nextDay = replay.push(sale('T-3', '2026-11-27T09:00:00+01:00'))
    expect([first?.discount, second?.discount, nextDay?.discount]).toEqual([100, 0, 100])
    const reasons = second?.evaluation.explanations.find((e) => e.campaignId === 'once-a-day')?.reasons
    expect(reasons?.map((r) => r.code)).toContain('LIMIT_REACHED')
    const s = replay.summary()
    expect(s.discountCost).toBe(200)
    expect(s.campaigns[0]).toMatchObject({ id: 'once-a-day', cost: 200, redemptions: 2, fired: 2, candidates: 3 })
  })

  it('cuts a discount to what its budget has left, then stops it, and dates the exhaustion', () => {
    const draft = campaigns([
      { id: 'budgeted', reward: { amountOff: { of: 'basket', amount: 100 } }, limits: { budget: { discount: 150 } } },
    ])
    const s = simulate(
      { campaigns: draft, storeTimeZone: ZONE },
      [
        sale('T-1', '2026-11-26T10:00:00+01:00'),
        sale('T-2', '2026-11-26T11:00:00+01:00', { card: '2900000000002' }),
        sale('T-3', '2026-11-26T12:00:00+01:00', { card: '2900000000003' }),
      ].map((e) => (e.kind === 'sale' ? { ...e, customer: { card: e.basket.card as string } } : e)),
    )
    expect(s.discountCost).toBe(150)
    expect(s.campaigns[0]?.budgetExhaustedAt).toBe('2026-11-26T11:00:00+01:00')
  })

  it('gives back the use of a fully returned sale, not of a partly returned one', () => {
    const draft = campaigns([
      {
        id: 'once',
        reward: { amountOff: { of: 'basket', amount: 100 } },
        limits: { perCustomer: { count: 1, period: 'month' } },
      },
    ])
    const run = (full: boolean) =>
      simulate({ campaigns: draft, storeTimeZone: ZONE }, [
        sale('T-1', '2026-11-26T10:00:00+01:00'),
        { kind: 'return', id: 'R-1', of: 'T-1', at: '2026-11-26T11:00:00+01:00', full },
        sale('T-2', '2026-11-26T12:00:00+01:00'),
      ])
    expect(run(true).discountCost).toBe(200)
    expect(run(false).discountCost).toBe(100)
    expect(run(true).returns).toBe(1)
  })

  it('caps checkout coupons per customer, template and day, and issues none to an anonymous basket', () => {
    const draft = campaigns([
      { id: 'issue', reward: { issueCoupon: { template: 'next-5', validForDays: 30 } } },
      { id: 'next-5', code: { required: true, pool: 'NEXT' }, reward: { amountOff: { of: 'basket', amount: 500 } } },
    ])
    const anonymous: HistoryEntry = {
      kind: 'sale',
      basket: basket([line('1', 'A', 1, 1000)], { id: 'T-9', at: '2026-11-26T10:00:00+01:00' as Basket['at'] }),
    }
    const s = simulate({ campaigns: draft, storeTimeZone: ZONE }, [
      sale('T-1', '2026-11-26T10:00:00+01:00'),
      sale('T-2', '2026-11-26T11:00:00+01:00'),
      anonymous,
      sale('T-3', '2026-11-27T11:00:00+01:00'),
    ])
    expect(s.couponsIssued).toBe(2)
    expect(s.campaigns.find((c) => c.id === 'issue')).toMatchObject({ couponsIssued: 2, fired: 4 })
    expect(s.neverFired).toEqual(['next-5'])
  })

  it('reports reach by tier and stage, and a campaign always shadowed by another of its group', () => {
    const draft = campaigns([
      { id: 'big', reward: { percentOff: { of: '*', percent: 20 } }, stacking: { group: 'g' } },
      { id: 'small', reward: { percentOff: { of: '*', percent: 5 } }, stacking: { group: 'g' } },
    ])
    const s = simulate({ campaigns: draft, storeTimeZone: ZONE }, [
      sale('T-1', '2026-11-26T10:00:00+01:00'),
      sale('T-2', '2026-11-26T11:00:00+01:00'),
    ])
    expect(s.alwaysShadowed).toEqual(['small'])
    expect(s.customersReached).toBe(1)
    expect(s.reach).toEqual({ byTier: { gold: 1 }, byLifecycle: { happy: 1 } })
    expect(s.costByDay).toEqual([{ day: '2026-11-26', cost: 800 }])
  })

  it('carries the points a draft changes into the balance and re-tiers by spend', () => {
    const program = {
      id: 'club',
      earn: { points: 1, per: 100 },
      tiers: [{ id: 'gold', qualify: { spend: 10000, windowMonths: 12 }, multiplier: 2 }],
    } as const
    const draft = campaigns([
      {
        id: 'gold-only',
        eligibility: { customer: { tier: { in: ['gold'] } } },
        reward: { amountOff: { of: 'basket', amount: 100 } },
      },
      { id: 'big', reward: { amountOff: { of: 'basket', amount: 500 } } },
    ])
    // History: the customer was gold on 10,000 of spend; the draft's 500 off makes the first sale pay less.
    const customer = { card: '2900000000001', tier: 'gold', stats: { spend12m: 10000 }, pointsBalance: 50 } as Customer
    const at = (h: number) => `2026-11-26T${String(h).padStart(2, '0')}:00:00+01:00` as Basket['at']
    const entries: HistoryEntry[] = [1, 2].map((n) => ({
      kind: 'sale',
      basket: basket([line('1', 'A', 2, 1000)], { id: `T-${n}`, at: at(9 + n), card: customer.card }),
      customer,
      booked: { total: 2000, discount: 0, points: 40, coupons: 0 },
    }))
    const sales: (number | undefined)[] = []
    const replay = createReplay({ campaigns: draft, program, storeTimeZone: ZONE })
    for (const e of entries) sales.push(replay.push(e)?.discount)
    // First sale: 600 off (gold); the spend drops below 10,000, so the second sale is not gold.
    expect(sales).toEqual([600, 500])
  })

  it('does not mutate the history', () => {
    const draft = campaigns([{ id: 'x', reward: { percentOff: { of: '*', percent: 10 } }, limits: { total: 1 } }])
    const history = [sale('T-1', '2026-11-26T10:00:00+01:00'), sale('T-2', '2026-11-26T11:00:00+01:00')]
    const copy = structuredClone(history)
    simulate({ campaigns: draft, storeTimeZone: ZONE }, history)
    expect(history).toEqual(copy)
  })
})

describe('mergeSummaries over customer shards', () => {
  it('gives the single replay back when the campaigns share nothing between customers', () => {
    const draft = campaigns([
      { id: 'ten', reward: { percentOff: { of: '*', percent: 10 } } },
      {
        id: 'once-a-week',
        reward: { amountOff: { of: 'basket', amount: 150 } },
        limits: { perCustomer: { count: 1, period: 'week' } },
      },
      { id: 'coupon', reward: { issueCoupon: { template: 'next', validForDays: 7 } } },
      { id: 'next', code: { required: true, pool: 'NEXT' }, reward: { amountOff: { of: 'basket', amount: 300 } } },
      { id: 'points', reward: { points: { fixed: 25 } } },
    ])
    const program = {
      id: 'club',
      earn: { points: 1, per: 100 },
      rewards: [{ id: 'v', cost: 300, grants: { amountOff: { of: 'basket', amount: 500 } } }],
    } as unknown as Program
    const history: HistoryEntry[] = []
    for (let d = 0; d < 20; d++) {
      for (let c = 0; c < 9; c++) {
        const card = c < 7 ? `29000000000${c}` : undefined
        const at =
          `2026-11-${String(1 + d).padStart(2, '0')}T${String(9 + c).padStart(2, '0')}:00:00+01:00` as Basket['at']
        const b = basket([line('1', 'A', 1 + ((c + d) % 3), 700)], { id: `T-${d}-${c}`, at, ...(card ? { card } : {}) })
        history.push({
          kind: 'sale',
          basket: b,
          ...(card ? { customer: { card, tier: c % 2 ? 'gold' : 'silver' } } : {}),
        })
      }
    }
    const config = { campaigns: draft, program, storeTimeZone: ZONE }
    expect(shardable(draft)).toBe(true)
    const single = simulate(config, history)
    for (const shards of [2, 3]) {
      const parts = Array.from({ length: shards }, (_, k) =>
        simulate(
          config,
          history.filter((e) => shardOf(e, shards) === k),
        ),
      )
      expect(parts.every((p) => p.baskets > 0)).toBe(true)
      expect(mergeSummaries(parts, program)).toEqual(single)
    }
    expect(
      shardable(campaigns([{ reward: { percentOff: { of: '*', percent: 5 } }, limits: { budget: { discount: 1 } } }])),
    ).toBe(false)
  })
})

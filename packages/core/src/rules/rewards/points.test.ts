import { describe, expect, it } from 'vitest'
import type { Program } from '../campaign.codec.js'
import { basket, line, run } from '../testkit.js'

const program: Program = {
  id: 'club',
  earn: { points: 1, per: 100, exclude: { category: ['tobacco'] } },
  tiers: [{ id: 'gold', qualify: { spend: 150000, windowMonths: 12 }, multiplier: 1.5 }],
}
const card = { card: '2900001234566' }

describe('points', () => {
  it('program earn: floor over the transaction on net amounts of non-excluded lines, then per line', () => {
    // Lines 199, 199, 199 (597) + tobacco 1000 (excluded): floor(597 / 100) = 5, not 1 + 1 + 1 = 3.
    // allocate(5, [199, 199, 199]) = 2, 2, 1.
    const e = run(
      [],
      basket([
        line('1', 'a', 1, 199),
        line('2', 'b', 1, 199),
        line('3', 'c', 1, 199),
        line('4', 't', 1, 1000, { categories: ['tobacco'] }),
      ]),
      card,
      program,
    )
    expect(e.points.earned).toBe(5)
    expect(e.points.breakdown[0]?.allocations).toEqual([
      { lineId: '1', points: 2 },
      { lineId: '2', points: 2 },
      { lineId: '3', points: 1 },
    ])
  })

  it('tier and campaign multipliers apply before the floor', () => {
    // 1099 net, gold ×1.5 → 16.485 → 16 for the program; campaign ×2 → 32.97 → 32, so the campaign adds 16.
    const e = run(
      [{ reward: { points: { multiplier: 2 } } }],
      basket([line('1', 'a', 1, 1099)]),
      { ...card, tier: 'gold' },
      program,
    )
    expect(e.points.breakdown.map((b) => [b.source, b.points])).toEqual([
      ['club', 16],
      ['c1', 16],
    ])
    expect(e.points.earned).toBe(32)
  })

  it('earns on the net amount, after discounts', () => {
    // 1000 − 50 % = 500 → 5 points.
    const e = run(
      [{ reward: { percentOff: { of: '*', percent: 50 } } }],
      basket([line('1', 'a', 1, 1000)]),
      card,
      program,
    )
    expect(e.points.earned).toBe(5)
  })

  it('fixed and per-amount campaign points, allocated by net amount', () => {
    // fixed 100 over 300 and 100 → 75, 25. perAmount 2 per 100 of sku b: floor(100 × 2 / 100) = 2 on line 2.
    const e = run(
      [
        { reward: { points: { fixed: 100 } } },
        { reward: { points: { perAmount: { points: 2, per: 100, of: { sku: ['b'] } } } } },
      ],
      basket([line('1', 'a', 1, 300), line('2', 'b', 1, 100)]),
      card,
    )
    expect(e.points.breakdown).toEqual([
      {
        source: 'c1',
        points: 100,
        allocations: [
          { lineId: '1', points: 75 },
          { lineId: '2', points: 25 },
        ],
      },
      { source: 'c2', points: 2, allocations: [{ lineId: '2', points: 2 }] },
    ])
  })

  it('anonymous baskets earn no points', () => {
    const e = run([{ reward: { points: { fixed: 100 } } }], basket([line('1', 'a', 1, 300)]), undefined, program)
    expect(e.points.earned).toBe(0)
  })

  it('a points budget cuts what is left (BUDGET_PARTIAL)', () => {
    const e = run(
      [{ reward: { points: { fixed: 100 } }, limits: { budget: { points: 1000 } } }],
      basket([line('1', 'a', 1, 300)]),
      card,
      undefined,
      { campaigns: { c1: { pointsSpent: 960 } } },
    )
    expect(e.points.earned).toBe(40)
    expect(e.explanations[0]?.reasons.map((r) => r.code)).toEqual(['BUDGET_PARTIAL'])
  })
})

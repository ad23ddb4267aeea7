import { describe, expect, it } from 'vitest'
import { buildValueSection, renderValueSection } from './valueSection.js'

const member = (
  memberId: string,
  frequency: number,
  recency: number,
  pAlive: number,
  clv: number,
  valuableButSlipping = false,
) => ({
  memberId,
  frequency,
  recency,
  T: 50,
  pAlive,
  clv,
  rank: 0,
  valuableButSlipping,
})
const input = {
  until: '2026-11-25',
  bgnbd: { r: 0.9, alpha: 1.3, a: 0.16, b: 4.6 },
  gammaGamma: { p: 1.8, q: 4, gamma: 8800 },
  members: [
    member('a', 0, 0, 1, 500),
    member('b', 2, 40, 0.9, 30_000),
    member('c', 2, 41, 0.7, 20_000),
    member('d', 10, 5, 0.1, 12_000, true),
    member('e', 20, 9, 0.3, 60_000, true),
  ],
  reachedToday: ['d'],
}

describe('the value section', () => {
  const v = buildValueSection(input)

  it('buckets every member by CLV, and the buckets add up to the total', () => {
    expect(v.clvBuckets.reduce((s, b) => s + b.members, 0)).toBe(5)
    expect(v.clvBuckets.reduce((s, b) => s + b.clv, 0)).toBe(v.totalClv)
    expect(v.totalClv).toBe(122_500)
    expect(v.clvBuckets.find((b) => b.label === '100–250 €')?.members).toBe(2)
  })

  it('maps the mean P(alive) by frequency band and 8-week recency band', () => {
    // b and c: 2 repeat visits, recency 40 and 41 weeks → band "2–3", columns 40–48
    const row = v.heatmap.frequencies.indexOf('2–3')
    const col = v.heatmap.recencies.indexOf('40–48')
    expect(v.heatmap.cells[row]?.[col]).toEqual({ pAlive: 0.8, members: 2 })
    expect(v.heatmap.cells[0]?.[0]).toEqual({ pAlive: 1, members: 1 })
    expect(v.heatmap.cells.flat().reduce((s, c) => s + c.members, 0)).toBe(5)
  })

  it('lists the valuable members slipping away, most valuable first, with who was reached today', () => {
    expect(v.slipping.map((m) => [m.memberId, m.reached])).toEqual([
      ['e', false],
      ['d', true],
    ])
    expect([v.slippingCount, v.reachedCount]).toEqual([2, 1])
  })

  it('renders the three parts', () => {
    const html = renderValueSection(
      v,
      (c) => `${(c / 100).toFixed(2)} €`,
      (t) => t,
    )
    expect(html).toContain('<h2>Customer value</h2>')
    expect(html).toContain('P(alive) by frequency and recency')
    expect(html).toContain('Valuable but slipping away: 2 members, 1 reached by the VIP win-back today')
    expect(html).toContain('600.00 €')
  })
})

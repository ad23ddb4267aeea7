import { describe, expect, it } from 'vitest'
import type { Basket } from '../../basket/basket.codec.js'
import { inHoldout } from '../../rules/holdout.js'
import { basket, campaigns, line } from '../../rules/testkit.js'
import type { HistoryEntry } from './history.js'
import { scorecardOf } from './scorecard.js'

const ZONE = 'Europe/Paris'
const offer = campaigns([
  { id: 'offer', reward: { amountOff: { of: 'basket', amount: 100 } }, holdout: { share: 0.5 } },
  { id: 'plain', reward: { percentOff: { of: { sku: ['Z'] }, percent: 10 } } },
])

/**
 * 2 × `customers` members over 4 weeks: each buys once in week 1 (the exposure), then the treated
 * come back `treatedVisits` times and the held-out `controlVisits` times, 20 € each time.
 */
const history = (customers: number, treatedVisits: number, controlVisits: number): HistoryEntry[] => {
  const entries: HistoryEntry[] = []
  for (let i = 0; i < customers * 2; i++) {
    const card = `29${String(i).padStart(11, '0')}`
    const held = inHoldout('offer', card, 0.5)
    const visits = 1 + (held ? controlVisits : treatedVisits)
    for (let v = 0; v < visits; v++) {
      const day = 2 + v * 7 + (i % 5)
      entries.push({
        kind: 'sale',
        basket: basket([line('1', 'A', 2, 1000)], {
          id: `T-${i}-${v}`,
          card,
          at: `2026-11-${String(day).padStart(2, '0')}T10:00:00+01:00` as Basket['at'],
        }),
        customer: { card },
      })
    }
  }
  return entries.sort((a, b) =>
    a.kind === 'sale' && b.kind === 'sale' ? Date.parse(a.basket.at) - Date.parse(b.basket.at) : 0,
  )
}

describe('scorecardOf', () => {
  it('says a campaign pays back when the treated come back more than its cost', () => {
    const card = scorecardOf({ campaigns: offer, storeTimeZone: ZONE }, history(60, 3, 1)).campaigns
    expect(card.map((c) => c.id)).toEqual(['offer'])
    const c = card[0]
    expect(c?.treated).toBeGreaterThanOrEqual(30)
    expect(c?.control).toBeGreaterThanOrEqual(30)
    // Each treated customer spends 2 × 20 € more than a held-out one, for 1 € off each visit.
    expect(c?.incrementalRevenue).toBe((c?.treated ?? 0) * 4000)
    expect(c?.incrementalVisits).toBe((c?.treated ?? 0) * 2)
    expect(c?.cost).toBe((c?.treated ?? 0) * 4 * 100)
    expect(c?.costPerIncrementalEuro).toBe(10)
    expect(c?.verdict.code).toBe('PAYS_BACK')
  })

  it('says it loses money when the treated spend no more, and not enough data on a small sample', () => {
    const loses = scorecardOf({ campaigns: offer, storeTimeZone: ZONE }, history(60, 1, 1)).campaigns[0]
    expect(loses?.incrementalRevenue).toBe(0)
    expect(loses?.verdict.code).toBe('LOSES_MONEY')
    const small = scorecardOf({ campaigns: offer, storeTimeZone: ZONE }, history(10, 3, 1)).campaigns[0]
    expect(small?.verdict).toMatchObject({ code: 'NOT_ENOUGH_DATA', required: 30 })
    expect(small?.verdict.message).toMatch(/^not enough data yet/)
  })

  it('says not proven yet, with the weeks still needed, when the interval straddles the cost', () => {
    // 5 € off each visit; a quarter of the treated come back once more (20 €): a mean gain of about
    // 5 € per treated customer against a cost of about 6.25 €, with a wide interval.
    const generous = campaigns([
      { id: 'offer', reward: { amountOff: { of: 'basket', amount: 500 } }, holdout: { share: 0.5 } },
    ])
    const entries = history(80, 1, 1).flatMap((e, i) =>
      e.kind === 'sale' && i % 4 === 0 && !inHoldout('offer', e.basket.card as string, 0.5)
        ? [
            e,
            {
              ...e,
              basket: { ...e.basket, id: `${e.basket.id}-x`, at: e.basket.at.replace('T10', 'T18') as Basket['at'] },
            },
          ]
        : [e],
    )
    const c = scorecardOf({ campaigns: generous, storeTimeZone: ZONE }, entries, { minSample: 20 }).campaigns[0]
    expect(c?.verdict.code).toBe('NOT_PROVEN_YET')
    if (c?.verdict.code === 'NOT_PROVEN_YET') expect(c.verdict.weeksMore).toBeGreaterThan(0)
  })
})

import { describe, expect, it } from 'vitest'
import type { Customer } from '../../customer/customer.codec.js'
import { basket, line, run } from '../testkit.js'
import { daysToBirthday } from './customer.js'

const reward = { amountOff: { of: 'basket', amount: 100 } }
const b = basket([line('1', 'a', 1, 1000)], { card: '2900001234566' })
const applies = (condition: unknown, customer?: Customer) =>
  run([{ eligibility: { customer: condition }, reward }], b, customer).discountTotal === 100
const card = '2900001234566'

describe('customer conditions', () => {
  it('tier, segment, lifecycle', () => {
    expect(applies({ tier: { in: ['gold'] } }, { card, tier: 'gold' })).toBe(true)
    expect(applies({ tier: { in: ['gold'] } }, { card, tier: 'silver' })).toBe(false)
    expect(applies({ segment: { in: ['wine-lovers'] } }, { card, segments: ['pets', 'wine-lovers'] })).toBe(true)
    expect(applies({ lifecycle: { in: ['wavering', 'lapsed'] } }, { card, lifecycle: 'happy' })).toBe(false)
  })

  it('lifecycle is computed from stats by analytics when the customer document gives none', () => {
    // Basket 2026-11-26. Last purchase 2026-06-01: 178 days away, far more than max(3 × the usual
    // interval of ~30 days, 60) → lapsed (docs/analytics.md, rule "lapsed").
    const stats = {
      visits: 12,
      firstPurchaseAt: '2025-06-01T10:00:00+02:00' as never,
      lastPurchaseAt: '2026-06-01T10:00:00+02:00' as never,
      spend12m: 60_000,
    }
    expect(applies({ lifecycle: { in: ['lapsed'] } }, { card, stats })).toBe(true)
    expect(applies({ lifecycle: { in: ['happy', 'satisfied'] } }, { card, stats })).toBe(false)
    // A stage given in the document wins over the computed one.
    expect(applies({ lifecycle: { in: ['happy'] } }, { card, stats, lifecycle: 'happy' })).toBe(true)
  })

  it('attribute compares typed values: "10" is not 10', () => {
    expect(applies({ attribute: { name: 'pets', in: ['dog'] } }, { card, attributes: { pets: ['cat', 'dog'] } })).toBe(
      true,
    )
    expect(applies({ attribute: { name: 'kids', in: [10] } }, { card, attributes: { kids: '10' } })).toBe(false)
    expect(applies({ attribute: { name: 'kids', in: [10] } }, { card, attributes: { kids: 10 } })).toBe(true)
  })

  it('birthday within n days, across the new year', () => {
    // Basket 2026-11-26: birthday 28 Nov is 2 days away; 1 Dec is 5 days away.
    expect(applies({ birthday: { withinDays: 3 } }, { card, birthday: '1985-11-28' as Customer['birthday'] })).toBe(
      true,
    )
    expect(applies({ birthday: { withinDays: 3 } }, { card, birthday: '1985-12-01' as Customer['birthday'] })).toBe(
      false,
    )
    // 30 Dec → 2 Jan is 3 days across the year end; 2 Jan → 30 Dec the same backwards.
    expect(daysToBirthday('1990-01-02', { year: 2026, month: 12, day: 30 })).toBe(3)
    expect(daysToBirthday('1990-12-30', { year: 2027, month: 1, day: 2 })).toBe(3)
  })

  it('visits, firstPurchase, inactiveDays', () => {
    expect(applies({ visits: { atLeast: 10 } }, { card, stats: { visits: 10 } })).toBe(true)
    expect(applies({ visits: { atLeast: 10 } }, { card, stats: { visits: 9 } })).toBe(false)
    expect(applies({ firstPurchase: true }, { card })).toBe(true)
    expect(applies({ firstPurchase: true }, { card, stats: { visits: 3 } })).toBe(false)
    // last purchase 2026-09-26T10:15+01:00 (+02:00 in summer: 09:15 local = same instant as 08:15 UTC)…
    // basket 2026-11-26T09:15Z: 61 days and 1 hour → 61 whole days.
    const last = { card, stats: { lastPurchaseAt: '2026-09-26T10:15:00+02:00' as never } }
    expect(applies({ inactiveDays: { atLeast: 61 } }, last)).toBe(true)
    expect(applies({ inactiveDays: { atLeast: 62 } }, last)).toBe(false)
  })

  it('all / any / not combine customer conditions', () => {
    const gold = { card, tier: 'gold', segments: ['pets'] }
    expect(applies({ all: [{ tier: { in: ['gold'] } }, { segment: { in: ['pets'] } }] }, gold)).toBe(true)
    expect(applies({ any: [{ tier: { in: ['silver'] } }, { segment: { in: ['pets'] } }] }, gold)).toBe(true)
    expect(applies({ not: { tier: { in: ['gold'] } } }, gold)).toBe(false)
  })

  it('an anonymous basket fails a customer condition with CUSTOMER_CONDITION', () => {
    const e = run([{ eligibility: { customer: { tier: { in: ['gold'] } } }, reward }], b)
    expect(e.explanations[0]?.reasons).toEqual([{ code: 'CUSTOMER_CONDITION', message: 'no identified customer' }])
  })
})

describe('shared customer conditions', () => {
  it('are judged in each campaign zone: a birthday can be 1 day away in Paris and 2 in New York', () => {
    // 2026-11-26T23:30Z is 27 Nov 00:30 in Paris and 26 Nov 18:30 in New York; the birthday is 28 Nov.
    const condition = { birthday: { withinDays: 1 } }
    const e = run(
      [
        { eligibility: { customer: condition }, validity: { timeZone: 'Europe/Paris' }, reward },
        { eligibility: { customer: condition }, validity: { timeZone: 'America/New_York' }, reward },
      ],
      basket([line('1', 'a', 1, 1000)], { at: '2026-11-26T23:30:00Z' as never }),
      { card, birthday: '1985-11-28' as Customer['birthday'] },
    )
    expect(e.explanations.map((x) => x.applied)).toEqual([true, false])
  })
})

import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Customer } from '../customer/customer.codec.js'
import { DAY_MS as DAY } from '../time/duration.js'
import { assessCustomer, assessLifecycle, classifyLifecycle, lifecycleOf, type Purchase } from './lifecycle.js'

const AS_OF = '2026-11-26T12:00:00Z'
const daysAgo = (days: number, amount = 2500): Purchase => ({
  at: new Date(Date.parse(AS_OF) - days * DAY).toISOString(),
  amount,
})
/** Purchases every `every` days, the most recent `lastDaysAgo` days ago. */
const regular = (count: number, every: number, lastDaysAgo: number, amount = 2500): Purchase[] =>
  Array.from({ length: count }, (_, k) => daysAgo(lastDaysAgo + k * every, amount))

const assess = (purchases: Purchase[], successfulReferrals = 0) => {
  const result = assessLifecycle({ purchases, successfulReferrals }, AS_OF)
  if (isLeft(result)) throw new Error(result.left.message)
  return result.right
}

describe('classifyLifecycle', () => {
  it('calls a customer without any purchase new', () => {
    expect(assess([])).toMatchObject({ stage: 'new', rule: 'no-purchase' })
  })

  it('keeps a one-visit customer new while they are within 1.5 × the default 30-day interval', () => {
    // 20 days since the only visit; wavering starts past max(1.5 × 30, 14) = 45 days.
    expect(assess([daysAgo(20)])).toMatchObject({ stage: 'new', rule: 'new-visits' })
  })

  it('calls a one-visit customer wavering after 45 days and lapsed after 90', () => {
    // lapsed past max(3 × 30, 60) = 90 days
    expect(assess([daysAgo(50)])).toMatchObject({ stage: 'wavering', rule: 'wavering-absence' })
    expect(assess([daysAgo(90)]).stage).toBe('wavering')
    expect(assess([daysAgo(91)])).toMatchObject({ stage: 'lapsed', rule: 'lapsed-absence' })
  })

  it('calls a weekly shopper of 30 weeks happy', () => {
    // 31 visits every 7 days, last 3 days ago: tenure 213 days ≥ 180, 31 visits in 12 months ≥ 6,
    // usual interval (213 − 3) / 30 = 7 days, absence 3 ≤ max(1.5 × 7, 14) = 14.
    const result = assess(regular(31, 7, 3))
    expect(result).toMatchObject({ stage: 'happy', rule: 'happy-frequency' })
    expect(result.facts).toMatchObject({ visits: 31, visits12m: 31, tenureDays: 213, daysSinceLast: 3 })
    expect(result.facts.usualIntervalDays).toBe(7)
  })

  it('judges absence against the customer’s own rhythm: a weekly shopper away 20 days wavers', () => {
    // 20 > max(1.5 × 7, 14) = 14, and 20 ≤ max(3 × 7, 60) = 60
    expect(assess(regular(31, 7, 20)).stage).toBe('wavering')
    // the same 20 days for a monthly shopper is nothing: max(1.5 × 30, 14) = 45
    expect(assess(regular(8, 30, 20)).stage).not.toBe('wavering')
    // a weekly shopper away 61 days has lapsed: 61 > max(21, 60)
    expect(assess(regular(31, 7, 61)).stage).toBe('lapsed')
  })

  it('makes an active customer with a successful referral an ambassador, but not a wavering one', () => {
    expect(assess(regular(31, 7, 3), 1)).toMatchObject({ stage: 'ambassador', rule: 'ambassador-referrals' })
    expect(assess(regular(31, 7, 20), 1).stage).toBe('wavering')
    // a new customer who referred a friend is still new
    expect(assess([daysAgo(5)], 1).stage).toBe('new')
  })

  it('calls an established monthly shopper satisfied', () => {
    // 5 visits every 30 days, last 10 days ago: tenure 130 ≥ 90, 5 visits in 12 months < 6
    expect(assess(regular(5, 30, 10))).toMatchObject({ stage: 'satisfied', rule: 'satisfied' })
  })

  it('calls a customer new during the first 90 days however often they come', () => {
    // 10 visits in 63 days
    expect(assess(regular(10, 7, 0))).toMatchObject({ stage: 'new', rule: 'new-tenure' })
  })

  it('calls a regular customer whose spend halved wavering', () => {
    // monthly, last 5 days ago; last 182 days: 6 visits × 10.00 = 6000; the 182 before: 6 × 100.00 = 60000.
    // 6000 × 100 = 600000 < 60000 × 50 = 3000000: the spend fell by more than half.
    const purchases = [...regular(6, 30, 5, 1000), ...regular(6, 30, 185, 10000)]
    const result = assess(purchases)
    expect(result).toMatchObject({ stage: 'wavering', rule: 'wavering-spend-drop' })
    expect(result.facts).toMatchObject({ recentSpend: 6000, previousSpend: 60000 })
  })

  it('ignores purchases after the as-of instant', () => {
    expect(assess([daysAgo(-3), daysAgo(-10)])).toMatchObject({ stage: 'new', rule: 'no-purchase' })
  })

  it('refuses an amount that is not an integer, naming the purchase', () => {
    const result = classifyLifecycle({ purchases: [daysAgo(3), { at: AS_OF, amount: 12.5 }] }, AS_OF)
    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'InvalidAnalyticsInput', path: 'purchases.1.amount' } })
  })

  it('refuses a time without an offset and a bad as-of', () => {
    expect(classifyLifecycle({ purchases: [{ at: '2026-11-01T10:00:00', amount: 1 }] }, AS_OF)).toMatchObject({
      left: { path: 'purchases.0.at' },
    })
    expect(classifyLifecycle({ purchases: [] }, 'yesterday')).toMatchObject({ left: { path: 'asOf' } })
    expect(classifyLifecycle({ purchases: [], successfulReferrals: -1 }, AS_OF)).toMatchObject({
      left: { path: 'successfulReferrals' },
    })
  })

  it('returns the stage alone', () => {
    expect(classifyLifecycle({ purchases: regular(31, 7, 3) }, AS_OF)).toEqual({ _tag: 'Right', right: 'happy' })
  })
})

describe('lifecycleOf (from a Customer document)', () => {
  const customer = (stats: Customer['stats'], extra: Partial<Customer> = {}): Customer => ({
    card: '2900001234566',
    stats,
    ...extra,
  })

  it('keeps the lifecycle the document gives', () => {
    expect(lifecycleOf(customer({ visits: 1 }, { lifecycle: 'ambassador' }), AS_OF)).toBe('ambassador')
  })

  it('works the design document’s customer out from stats', () => {
    // first 2024-02-01T08:00Z, last 2026-09-30T16:12Z, as of 2026-11-26T12:00Z:
    // absence 56 days; usual interval 972.34 days / 22 gaps = 44.197 days, wavering past 66.3 → not wavering;
    // tenure 1029 days; visits in 12 months ≈ floor(23 × 365 / 1029) = 8 ≥ 6 → happy.
    const c = customer({
      visits: 23,
      firstPurchaseAt: '2024-02-01T09:00:00+01:00' as never,
      lastPurchaseAt: '2026-09-30T18:12:00+02:00' as never,
      spend12m: 184500,
    })
    const result = assessCustomer(c, AS_OF)
    expect(result.facts).toMatchObject({ daysSinceLast: 56, tenureDays: 1029, visits12m: 8 })
    expect(result.facts.usualIntervalDays).toBeCloseTo(44.197, 3)
    expect(result.stage).toBe('happy')
    expect(lifecycleOf(c, AS_OF)).toBe('happy')
    // the same customer 70 days after the last visit wavers (70 > 66.3)
    expect(lifecycleOf(c, '2026-12-09T17:00:00Z')).toBe('wavering')
    // and with a referral made, is an ambassador
    expect(lifecycleOf(c, AS_OF, { successfulReferrals: 2 })).toBe('ambassador')
  })

  it('calls a customer with no stats new', () => {
    expect(lifecycleOf({ memberId: 'm-1' }, AS_OF)).toBe('new')
  })

  it('calls a customer with visits but no spend in twelve months lapsed', () => {
    expect(assessCustomer(customer({ visits: 5, spend12m: 0 }), AS_OF)).toMatchObject({
      stage: 'lapsed',
      rule: 'lapsed-absence',
    })
  })

  it('calls a customer with visits and no dates by their visits', () => {
    expect(lifecycleOf(customer({ visits: 2 }), AS_OF)).toBe('new')
    expect(lifecycleOf(customer({ visits: 4, spend12m: 12000 }), AS_OF)).toBe('satisfied')
  })

  it('is total on any decoded customer: never throws', () => {
    expect(isRight(classifyLifecycle({ purchases: [] }, AS_OF))).toBe(true)
    expect(lifecycleOf(customer({ firstPurchaseAt: '2030-01-01T00:00:00Z' as never }), AS_OF)).toBe('new')
  })
})

import { describe, expect, it } from 'vitest'
import { decodeProgram } from '../rules/campaign.codec.js'
import { basket, line, run } from '../rules/testkit.js'
import { assessCustomer, assessLifecycle, DEFAULT_LIFECYCLE_RULES, type LifecycleRules } from './lifecycle.js'

const asOf = '2026-11-26T12:00:00Z'
const daysAgo = (d: number) => new Date(Date.parse(asOf) - d * 86_400_000).toISOString()
// A weekly shopper for 30 weeks, last seen 3 days ago: happy by day counts.
const weekly = Array.from({ length: 31 }, (_, k) => ({ at: daysAgo(3 + 7 * k), amount: 4200 }))
const byAlive: LifecycleRules = { ...DEFAULT_LIFECYCLE_RULES, lapsedBelowAlive: 0.3, waveringBelowAlive: 0.6 }

describe('the ladder on P(alive)', () => {
  it('judges lapsed and wavering on P(alive) instead of day counts when the rules set thresholds', () => {
    const stage = (pAlive: number | undefined, rules = byAlive) => {
      const r = assessLifecycle({ purchases: weekly, ...(pAlive === undefined ? {} : { pAlive }) }, asOf, rules)
      return r._tag === 'Right' ? [r.right.stage, r.right.rule] : r.left.message
    }
    expect(stage(0.2)).toEqual(['lapsed', 'lapsed-alive'])
    expect(stage(0.45)).toEqual(['wavering', 'wavering-alive'])
    expect(stage(0.9)).toEqual(['happy', 'happy-frequency'])
    // without thresholds, or without a P(alive), the day counts decide
    expect(stage(0.2, DEFAULT_LIFECYCLE_RULES)).toEqual(['happy', 'happy-frequency'])
    expect(stage(undefined)).toEqual(['happy', 'happy-frequency'])
  })

  it('"lapsed" means probably gone: a long absence with a high P(alive) is not lapsed', () => {
    const away = weekly.map((p) => ({ ...p, at: new Date(Date.parse(p.at) - 90 * 86_400_000).toISOString() }))
    const days = assessLifecycle({ purchases: away }, asOf, byAlive)
    const alive = assessLifecycle({ purchases: away, pAlive: 0.7 }, asOf, byAlive)
    expect(days._tag === 'Right' && days.right.rule).toBe('lapsed-absence')
    expect(alive._tag === 'Right' && alive.right.stage).toBe('happy')
  })

  it('reads P(alive) from the Customer document value snapshot', () => {
    const customer = {
      card: '2900001234566',
      stats: {
        visits: 30,
        firstPurchaseAt: daysAgo(400) as never,
        lastPurchaseAt: daysAgo(5) as never,
        spend12m: 90000,
      },
      value: { clv: 40000, pAlive: 0.1, shareAbove: 0.3 },
    }
    expect(assessCustomer(customer, asOf, { rules: byAlive }).rule).toBe('lapsed-alive')
    expect(assessCustomer(customer, asOf).stage).toBe('happy')
  })

  it('refuses a P(alive) outside [0, 1], naming it', () => {
    expect(assessLifecycle({ purchases: weekly, pAlive: 1.5 }, asOf)).toMatchObject({ left: { path: 'pAlive' } })
  })
})

describe('the program sets the P(alive) thresholds', () => {
  it('decodes program.lifecycle and refuses a lapsed threshold above the wavering one', () => {
    expect(decodeProgram({ id: 'club', lifecycle: { lapsedBelowAlive: 0.3, waveringBelowAlive: 0.6 } })._tag).toBe(
      'Right',
    )
    const bad = decodeProgram({ id: 'club', lifecycle: { lapsedBelowAlive: 0.7, waveringBelowAlive: 0.6 } })
    expect(bad._tag === 'Left' && bad.left.problems[0]?.path).toBe('lifecycle.lapsedBelowAlive')
    const typo = decodeProgram({ id: 'club', lifecycle: { lapsedBelowAllive: 0.3 } })
    expect(typo._tag === 'Left' && typo.left.message).toContain('lifecycle.lapsedBelowAllive')
  })

  it('the engine classifies a customer without a stage with the program thresholds', () => {
    const customer = {
      card: '2900001234566',
      stats: {
        visits: 30,
        firstPurchaseAt: daysAgo(400) as never,
        lastPurchaseAt: daysAgo(5) as never,
        spend12m: 90000,
      },
      value: { clv: 40000, pAlive: 0.1, shareAbove: 0.3 },
    }
    const campaigns = [
      {
        eligibility: { customer: { lifecycle: { in: ['lapsed'] } } },
        reward: { amountOff: { of: 'basket', amount: 100 } },
      },
    ]
    const b = basket([line('1', 'a', 1, 1000)], { card: '2900001234566', at: asOf as never })
    const program = { id: 'club', lifecycle: { lapsedBelowAlive: 0.3 } }
    expect(run(campaigns, b, customer, program as never).discountTotal).toBe(100)
    expect(run(campaigns, b, customer).discountTotal).toBe(0)
  })
})

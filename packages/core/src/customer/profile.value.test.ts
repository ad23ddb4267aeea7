import { describe, expect, it } from 'vitest'
import { DEFAULT_LIFECYCLE_RULES } from '../analytics/lifecycle.js'
import { profileOf } from './profile.js'

const at = '2026-11-26T12:00:00Z'
const daysAgo = (d: number) => new Date(Date.parse(at) - d * 86_400_000).toISOString()
const facts = (value?: { clv: number; pAlive: number; shareAbove: number }) => ({
  card: { number: '2900001234566', accountId: 'acc-1', memberId: 'm-1', status: 'active' as const, issuedAt: 0 },
  member: { memberId: 'm-1', programId: 'club', joinedAt: 0, ...(value === undefined ? {} : { value }) },
  purchases: Array.from({ length: 31 }, (_, k) => ({ id: `t-${k}`, at: daysAgo(3 + 7 * k), amount: 4200, points: 42 })),
  successfulReferrals: 0,
})

describe('profileOf with a value snapshot', () => {
  it("carries the member's value snapshot into the Customer document", () => {
    const customer = profileOf(facts({ clv: 52_000, pAlive: 0.2, shareAbove: 0.05 }), {}, at)
    expect(customer.value).toEqual({ clv: 52_000, pAlive: 0.2, shareAbove: 0.05 })
    expect(profileOf(facts(), {}, at).value).toBeUndefined()
  })

  it('judges the ladder on P(alive) when the lifecycle rules set thresholds', () => {
    const rules = { ...DEFAULT_LIFECYCLE_RULES, lapsedBelowAlive: 0.3 }
    expect(
      profileOf(facts({ clv: 52_000, pAlive: 0.2, shareAbove: 0.05 }), {}, at, { lifecycleRules: rules }).lifecycle,
    ).toBe('lapsed')
    expect(profileOf(facts({ clv: 52_000, pAlive: 0.2, shareAbove: 0.05 }), {}, at).lifecycle).toBe('happy')
  })
})

import { classifyLifecycle, isValidGs1, LIFECYCLE_STAGES, type LocalDate, paretoShare } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { demoProgram } from './campaigns.js'
import { generateMembers, parisTime, spend12m, type TierLadder, tierFor, toCustomer } from './members.js'

const asOf = '2026-11-26' as LocalDate
const members = generateMembers({ asOf })
const ladder = demoProgram() as unknown as TierLadder

describe('generateMembers', () => {
  it('makes 1,200 members with unique valid 2900… card numbers', () => {
    expect(members.length).toBe(1200)
    expect(new Set(members.map((m) => m.card)).size).toBe(1200)
    for (const m of members) {
      expect(m.card).toMatch(/^2900\d{9}$/)
      expect(isValidGs1(m.card)).toBe(true)
    }
  })
  it('keeps every visit inside the 12 months before asOf, in order, with integer spend', () => {
    const end = Date.parse(`${asOf}T00:00:00Z`)
    for (const m of members) {
      let previous = 0
      for (const v of m.visits) {
        const at = Date.parse(v.at)
        expect(at).toBeLessThan(end)
        expect(at).toBeGreaterThan(end - 367 * 86_400_000)
        expect(at).toBeGreaterThanOrEqual(previous)
        expect(Number.isInteger(v.spend) && v.spend > 0).toBe(true)
        previous = at
      }
    }
  })
  it('spreads members over every lifecycle stage as analytics classifies them', () => {
    const referrals = new Map<string, number>()
    for (const m of members) if (m.referredBy) referrals.set(m.referredBy, (referrals.get(m.referredBy) ?? 0) + 1)
    const counts = new Map<string, number>()
    for (const m of members) {
      const stage = classifyLifecycle(
        {
          purchases: m.visits.map((v) => ({ at: v.at, amount: v.spend })),
          successfulReferrals: referrals.get(m.memberId) ?? 0,
        },
        `${asOf}T00:00:00+01:00`,
      )
      if (stage._tag === 'Left') throw new Error(stage.left._tag)
      counts.set(stage.right, (counts.get(stage.right) ?? 0) + 1)
    }
    // Every stage holds at least 4 % of the members and none more than 40 %.
    for (const stage of LIFECYCLE_STAGES) {
      expect(counts.get(stage) ?? 0, stage).toBeGreaterThanOrEqual(48)
      expect(counts.get(stage) ?? 0, stage).toBeLessThanOrEqual(480)
    }
  })
  it('gives tiers that mean something: most members below silver, a minority gold', () => {
    const tiers = members.map((m) => tierFor(spend12m(m, asOf), ladder) ?? 'none')
    const gold = tiers.filter((t) => t === 'gold').length
    const silver = tiers.filter((t) => t === 'silver').length
    expect(gold).toBeGreaterThan(60)
    expect(gold).toBeLessThan(silver)
    expect(tiers.filter((t) => t === 'none').length).toBeGreaterThan(silver)
  })
  it('concentrates revenue: the top 20 % of members bring well over half of it', () => {
    const share = paretoShare(members.map((m) => spend12m(m, asOf)))
    if (share._tag === 'Left') throw new Error(share.left._tag)
    expect(share.right.share).toBeGreaterThan(0.55)
    expect(share.right.share).toBeLessThan(0.9)
  })
})

describe('toCustomer', () => {
  it('summarises history into wire-contract stats and the tier', () => {
    const member = members.find((m) => m.visits.length > 3)!
    const customer = toCustomer(member, asOf, ladder, 1240)
    expect(customer.card).toBe(member.card)
    expect(customer.stats?.visits).toBe(member.visits.length)
    expect(customer.stats?.firstPurchaseAt).toBe(member.visits[0]?.at)
    expect(customer.stats?.spend12m).toBe(member.visits.reduce((s, v) => s + v.spend, 0))
    expect(customer.tier).toBe(tierFor(customer.stats?.spend12m ?? 0, ladder))
    expect(customer.pointsBalance).toBe(1240)
  })
})

describe('tierFor', () => {
  it('picks the highest tier whose threshold is met, thresholds inclusive', () => {
    expect(tierFor(59_999, ladder)).toBeUndefined()
    expect(tierFor(60_000, ladder)).toBe('silver')
    expect(tierFor(240_000, ladder)).toBe('gold')
  })
})

describe('parisTime', () => {
  it('uses +01:00 in winter and +02:00 in summer (Europe/Paris)', () => {
    expect(parisTime('2026-11-26', 10 * 60 + 15)).toBe('2026-11-26T10:15:00+01:00')
    expect(parisTime('2026-07-01', 18 * 60)).toBe('2026-07-01T18:00:00+02:00')
  })
})

describe('generateMembers on bad options', () => {
  it('refuses a count below 1 and a malformed asOf', () => {
    expect(() => generateMembers({ asOf, count: 0 })).toThrow(/count must be a whole number ≥ 1, got 0/)
    expect(() => generateMembers({ asOf: '26/11/2026' as LocalDate })).toThrow(/asOf must be a YYYY-MM-DD date/)
  })
})

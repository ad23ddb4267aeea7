import { describe, expect, it } from 'vitest'
import type { Program } from '../rules/campaign.codec.js'
import { assessTier, DEFAULT_TIER_POLICY, type TierActivity, type TierProgram, tierMultiplier } from './tier.js'

const program: TierProgram = {
  tiers: [
    { id: 'silver', qualify: { spend: 50000, windowMonths: 12 }, multiplier: 1.5 },
    { id: 'gold', qualify: { spend: 150000, points: 3000, windowMonths: 12 }, multiplier: 2 },
  ],
}
const AS_OF = '2026-11-26T10:00:00+01:00'
const spent = (spend: number, at = '2026-11-20T10:00:00+01:00', points = 0): TierActivity => ({ at, spend, points })

describe('assessTier', () => {
  it('upgrades as soon as the spend over the window qualifies, held 12 months', () => {
    expect(assessTier([spent(30000), spent(30000, '2026-03-01T09:00:00+01:00')], undefined, program, AS_OF)).toEqual({
      _tag: 'Right',
      right: { tier: 'silver', change: 'upgrade', heldUntil: '2027-11-26T10:00:00+01:00', qualifiedFor: 'silver' },
    })
  })

  it('leaves a member below every threshold without a tier', () => {
    expect(assessTier([spent(49999)], undefined, program, AS_OF)).toMatchObject({
      right: { tier: undefined, change: 'keep', heldUntil: undefined, qualifiedFor: undefined },
    })
  })

  it('counts only the rolling window: (asOf − 12 months, asOf]', () => {
    // exactly 12 months before is outside; a minute later is inside
    const edge = [spent(20000), spent(30000, '2025-11-26T10:00:00+01:00')]
    expect(assessTier(edge, undefined, program, AS_OF)).toMatchObject({ right: { tier: undefined } })
    const inside = [spent(20000), spent(30000, '2025-11-26T10:01:00+01:00')]
    expect(assessTier(inside, undefined, program, AS_OF)).toMatchObject({ right: { tier: 'silver' } })
    // activity after asOf does not count yet
    expect(assessTier([spent(60000, '2026-11-27T10:00:00+01:00')], undefined, program, AS_OF)).toMatchObject({
      right: { tier: undefined },
    })
  })

  it('qualifies by points OR spend: 3000 points reach gold with little spend', () => {
    const held = { id: 'silver', heldUntil: '2027-05-01T00:00:00+02:00' }
    expect(assessTier([spent(60000, undefined, 3000)], held, program, AS_OF)).toMatchObject({
      right: { tier: 'gold', change: 'upgrade', heldUntil: '2027-11-26T10:00:00+01:00' },
    })
  })

  it('keeps a held tier until the end of its period, however little the member spends', () => {
    const held = { id: 'gold', heldUntil: '2027-03-01T00:00:00+01:00' }
    expect(assessTier([spent(100)], held, program, AS_OF)).toEqual({
      _tag: 'Right',
      right: { tier: 'gold', change: 'keep', heldUntil: '2027-03-01T00:00:00+01:00', qualifiedFor: undefined },
    })
  })

  it('downgrades after the period to the tier the activity still reaches, held a new period', () => {
    const held = { id: 'gold', heldUntil: '2026-11-01T00:00:00+01:00' }
    expect(assessTier([spent(60000)], held, program, AS_OF)).toMatchObject({
      right: { tier: 'silver', change: 'downgrade', heldUntil: '2027-11-26T10:00:00+01:00' },
    })
    expect(assessTier([spent(100)], held, program, AS_OF)).toMatchObject({
      right: { tier: undefined, change: 'downgrade', heldUntil: undefined },
    })
  })

  it('renews a tier the member still qualifies for at the end of the period', () => {
    const held = { id: 'silver', heldUntil: '2026-11-01T00:00:00+01:00' }
    expect(assessTier([spent(55000)], held, program, AS_OF)).toMatchObject({
      right: { tier: 'silver', change: 'keep', heldUntil: '2027-11-26T10:00:00+01:00' },
    })
  })

  it('waits out the grace days before a downgrade', () => {
    // held until 1 Nov 00:00 +01:00, 30 days of grace: until 1 Dec 00:00 +01:00
    const policy = { ...DEFAULT_TIER_POLICY, graceDays: 30 }
    const held = { id: 'silver', heldUntil: '2026-11-01T00:00:00+01:00' }
    expect(assessTier([spent(100)], held, program, AS_OF, policy)).toMatchObject({
      right: { tier: 'silver', change: 'keep', heldUntil: '2026-11-01T00:00:00+01:00' },
    })
    expect(assessTier([spent(100)], held, program, '2026-11-30T23:59:00+01:00', policy)).toMatchObject({
      right: { change: 'keep' },
    })
    expect(assessTier([spent(100)], held, program, '2026-12-01T00:00:00+01:00', policy)).toMatchObject({
      right: { tier: undefined, change: 'downgrade' },
    })
  })

  it('holds a tier through the next calendar year under the calendar-year policy', () => {
    const policy = { ...DEFAULT_TIER_POLICY, period: 'calendarYear' as const }
    expect(
      assessTier([spent(60000, '2026-03-10T10:00:00+01:00')], undefined, program, '2026-03-15T10:00:00+01:00', policy),
    ).toMatchObject({
      right: { tier: 'silver', heldUntil: '2028-01-01T00:00:00+01:00' },
    })
  })

  it('clamps the end of the period to the last day of a shorter month', () => {
    // 29 Feb 2028 + 12 months = 28 Feb 2029
    expect(
      assessTier([spent(60000, '2028-02-20T10:00:00Z')], undefined, program, '2028-02-29T12:00:00Z'),
    ).toMatchObject({
      right: { heldUntil: '2029-02-28T12:00:00Z' },
    })
  })

  it('refuses a tier the program does not define', () => {
    expect(assessTier([], { id: 'platinum', heldUntil: AS_OF }, program, AS_OF)).toMatchObject({
      left: { _tag: 'UnknownTier', tierId: 'platinum', known: ['silver', 'gold'] },
    })
  })

  it('refuses bad activity and times, naming the field', () => {
    expect(assessTier([spent(100), spent(-5)], undefined, program, AS_OF)).toMatchObject({
      left: { _tag: 'InvalidTierInput', path: 'history.1.spend' },
    })
    expect(assessTier([{ at: '2026-11-01', spend: 5 }], undefined, program, AS_OF)).toMatchObject({
      left: { path: 'history.0.at' },
    })
    expect(assessTier([], { id: 'gold', heldUntil: 'next year' }, program, AS_OF)).toMatchObject({
      left: { path: 'current.heldUntil' },
    })
    expect(assessTier([], undefined, program, '2026-11-26T10:00:00')).toMatchObject({ left: { path: 'asOf' } })
  })
})

describe('tierMultiplier', () => {
  it('gives the multiplier in integer hundredths', () => {
    expect(tierMultiplier(program, 'silver')).toBe(150)
    expect(tierMultiplier(program, 'gold')).toBe(200)
  })

  it('earns at the base rate, 100, without a tier or with a tier of another scheme', () => {
    expect(tierMultiplier(program, undefined)).toBe(100)
    expect(tierMultiplier(program, 'platinum')).toBe(100)
    expect(tierMultiplier({}, 'gold')).toBe(100)
  })

  it('reads a Program document as decoded by the rules codec', () => {
    const club: Program = {
      id: 'club',
      tiers: [{ id: 'gold', qualify: { spend: 150000, windowMonths: 12 }, multiplier: 1.25 }],
    }
    expect(tierMultiplier(club, 'gold')).toBe(125)
    expect(assessTier([spent(150000)], undefined, club, AS_OF)).toMatchObject({ right: { tier: 'gold' } })
  })
})

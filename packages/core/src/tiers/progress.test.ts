import { describe, expect, it } from 'vitest'
import type { CurrencyCode } from '../money/currency.js'
import { tierProgress } from './progress.js'
import type { TierActivity, TierProgram } from './tier.js'

const EUR = 'EUR' as CurrencyCode
const JPY = 'JPY' as CurrencyCode
const AS_OF = '2026-11-26T10:00:00+01:00'
const spent = (spend: number, points = 0): TierActivity => ({ at: '2026-10-01T10:00:00+02:00', spend, points })
const spendOnly: TierProgram = {
  tiers: [
    { id: 'silver', qualify: { spend: 50000, windowMonths: 12 }, multiplier: 1.5 },
    { id: 'gold', qualify: { spend: 150000, windowMonths: 12 }, multiplier: 2 },
  ],
}

describe('tierProgress', () => {
  it('says how much more spend reaches the next tier, formatted for the locale', () => {
    // 150000 − 138000 = 12000 minor units = 120,00 €
    const result = tierProgress(
      [spent(138000)],
      { id: 'silver', heldUntil: '2027-03-01T00:00:00+01:00' },
      spendOnly,
      AS_OF,
      {
        currency: EUR,
        locale: 'fr-FR',
      },
    )
    expect(result).toEqual({
      _tag: 'Right',
      right: {
        current: 'silver',
        next: 'gold',
        missing: { spend: 12000 },
        windowMonths: 12,
        message: 'Spend 120,00\u00a0€ more to reach gold',
      },
    })
  })

  it('offers both routes when the next tier qualifies by spend or points', () => {
    const program: TierProgram = {
      tiers: [{ id: 'gold', qualify: { spend: 150000, points: 3000, windowMonths: 6 }, multiplier: 2 }],
    }
    // 150000 − 100000 = 50000 → €500.00; 3000 − 1200 = 1800 points
    expect(tierProgress([spent(100000, 1200)], undefined, program, AS_OF, { currency: EUR })).toMatchObject({
      right: {
        current: undefined,
        next: 'gold',
        missing: { spend: 50000, points: 1800 },
        windowMonths: 6,
        message: 'Spend €500.00 more or earn 1800 more points to reach gold',
      },
    })
  })

  it('measures from the tier the member qualifies for when it is above the one held', () => {
    // qualifies for silver (60000 ≥ 50000) though holding nothing yet: gold needs 90000 more
    expect(tierProgress([spent(60000)], undefined, spendOnly, AS_OF, { currency: EUR })).toMatchObject({
      right: { current: 'silver', next: 'gold', missing: { spend: 90000 } },
    })
  })

  it('says when the member is at the top', () => {
    expect(
      tierProgress([], { id: 'gold', heldUntil: '2027-03-01T00:00:00+01:00' }, spendOnly, AS_OF, { currency: EUR }),
    ).toMatchObject({ right: { current: 'gold', next: undefined, missing: {}, message: 'gold is the highest tier' } })
  })

  it('formats in the currency’s own minor units', () => {
    const yen: TierProgram = { tiers: [{ id: 'silver', qualify: { spend: 5000, windowMonths: 12 }, multiplier: 1.5 }] }
    expect(tierProgress([spent(1000)], undefined, yen, AS_OF, { currency: JPY, locale: 'en-GB' })).toMatchObject({
      right: { missing: { spend: 4000 }, message: 'Spend JP¥4,000 more to reach silver' },
    })
  })

  it('refuses bad input like assessTier', () => {
    expect(tierProgress([spent(1.5)], undefined, spendOnly, AS_OF, { currency: EUR })).toMatchObject({
      left: { _tag: 'InvalidTierInput', path: 'history.0.spend' },
    })
    expect(tierProgress([], { id: 'bronze', heldUntil: AS_OF }, spendOnly, AS_OF, { currency: EUR })).toMatchObject({
      left: { _tag: 'UnknownTier' },
    })
  })
})

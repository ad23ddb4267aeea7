import { describe, expect, it } from 'vitest'
import { type HoldoutUplift, holdoutUplift, tCritical95, upliftByCampaign } from './holdout.js'

const outcomes = (...spends: number[]) => spends.map((spend) => ({ spend }))
const uplift = (treated: number[], control: number[]): HoldoutUplift => {
  const result = holdoutUplift({
    campaignId: 'jar-2-half',
    treated: outcomes(...treated),
    control: outcomes(...control),
  })
  if (result._tag === 'Left') throw new Error(result.left.message)
  return result.right
}

describe('tCritical95', () => {
  it('reads the table below 30 degrees of freedom, flooring a Welch df', () => {
    expect(tCritical95(1)).toBe(12.7062)
    expect(tCritical95(5.25)).toBe(2.5706)
    expect(tCritical95(29.9)).toBe(2.0452)
  })

  it('expands around the normal quantile from 30 on', () => {
    // exact values: t(30) = 2.04227, t(60) = 2.00030, t(120) = 1.97993, t(∞) = 1.95996
    expect(tCritical95(30)).toBeCloseTo(2.04227, 4)
    expect(tCritical95(60)).toBeCloseTo(2.0003, 4)
    expect(tCritical95(120)).toBeCloseTo(1.97993, 4)
    expect(tCritical95(Number.POSITIVE_INFINITY)).toBeCloseTo(1.95996, 5)
  })
})

describe('holdoutUplift', () => {
  it('measures a small campaign by hand: 1500 per customer, 7500 in all, not significant', () => {
    // treated 1000..5000: mean 3000, s² = (4e6 + 1e6 + 0 + 1e6 + 4e6) / 4 = 2.5e6; a = s²/5 = 500000
    // control 1000,1000,2000,2000: mean 1500, s² = 4 × 250000 / 3 = 333333.3; b = s²/4 = 83333.3
    // se = √583333.3 = 763.763; Welch ν = 583333.3² / (500000²/4 + 83333.3²/3) = 5.2499 → t(5) = 2.5706
    // diff 1500 ± 2.5706 × 763.763 = 1500 ± 1963.33 → [−463.33, 3463.33]
    // incremental = 15000 − 6000 × 5 / 4 = 7500
    const u = uplift([1000, 2000, 3000, 4000, 5000], [1000, 1000, 2000, 2000])
    expect(u).toMatchObject({
      treatedCount: 5,
      controlCount: 4,
      treatedSpend: 15000,
      controlSpend: 6000,
      treatedMeanSpend: 3000,
      controlMeanSpend: 1500,
      spendUpliftPerCustomer: 1500,
      incrementalSpend: 7500,
      criticalValue: 2.5706,
      significant: false,
    })
    expect(u.degreesOfFreedom).toBeCloseTo(5.2499, 3)
    expect(u.spendUpliftCi95.low).toBeCloseTo(-463.33, 1)
    expect(u.spendUpliftCi95.high).toBeCloseTo(3463.33, 1)
    expect(u.incrementalSpendCi95.low).toBeCloseTo(-463.33 * 5, 0)
  })

  it('finds a significant uplift and a conversion uplift on a larger sample', () => {
    // treated: 100 customers alternating 1000/3000 (mean 2000, all convert)
    // control: 100 customers alternating 0/2000 (mean 1000, half convert)
    // s² = 100 × 1e6 / 99 = 1010101 in both; se = √(2 × 10101.01) = 142.134; ν = 198, t = 1.97202
    // diff 1000 ± 280.29 → [719.71, 1280.29]; conversion 1 − 0.5 = 0.5 ± 1.96 × √(0.25/100) = ± 0.098
    const treated = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1000 : 3000))
    const control = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 0 : 2000))
    const u = uplift(treated, control)
    expect(u.degreesOfFreedom).toBeCloseTo(198, 6)
    expect(u.criticalValue).toBeCloseTo(1.97202, 4)
    expect(u.spendUpliftCi95.low).toBeCloseTo(719.71, 1)
    expect(u.spendUpliftCi95.high).toBeCloseTo(1280.29, 1)
    expect(u.significant).toBe(true)
    expect(u.incrementalSpend).toBe(100000)
    expect(u.treatedConversion).toBe(1)
    expect(u.controlConversion).toBe(0.5)
    expect(u.conversionUplift).toBe(0.5)
    expect(u.conversionUpliftCi95.low).toBeCloseTo(0.402, 3)
    expect(u.conversionUpliftCi95.high).toBeCloseTo(0.598, 3)
  })

  it('computes the incremental spend exactly from integer totals, rounding half away from zero', () => {
    // treated 3 customers total 1000, control 2 customers total 1001:
    // 1000 − 1001 × 3 / 2 = 1000 − 1501.5 = −501.5 → −502
    expect(uplift([0, 500, 500], [1000, 1]).incrementalSpend).toBe(-502)
    // 3 treated total 10, 3 control total 1: 10 − 1 = 9 exactly, no float residue
    expect(uplift([3, 3, 4], [0, 0, 1]).incrementalSpend).toBe(9)
  })

  it('uses the converted flag when given, not the spend', () => {
    const result = holdoutUplift({
      campaignId: 'c',
      treated: [
        { spend: 0, converted: true },
        { spend: 0, converted: true },
      ],
      control: [
        { spend: 500, converted: false },
        { spend: 500, converted: true },
      ],
    })
    expect(result).toMatchObject({ right: { treatedConversion: 1, controlConversion: 0.5, conversionUplift: 0.5 } })
  })

  it('gives a zero-width interval when neither group varies', () => {
    const u = uplift([500, 500], [200, 200, 200])
    expect(u.spendUpliftCi95).toEqual({ low: 300, high: 300 })
    expect(u.significant).toBe(true)
    expect(u.incrementalSpend).toBe(600)
  })

  it('refuses a group of fewer than two customers and a bad spend, naming it', () => {
    expect(holdoutUplift({ campaignId: 'c', treated: outcomes(1, 2), control: outcomes(3) })).toMatchObject({
      left: { _tag: 'InsufficientSample' },
    })
    expect(holdoutUplift({ campaignId: 'c', treated: outcomes(1, 2), control: outcomes(3, 4.5) })).toMatchObject({
      left: { _tag: 'InvalidAnalyticsInput', path: 'control.1.spend' },
    })
    expect(holdoutUplift({ campaignId: '', treated: outcomes(1, 2), control: outcomes(3, 4) })).toMatchObject({
      left: { path: 'campaignId' },
    })
  })
})

describe('upliftByCampaign', () => {
  it('measures each campaign on its own, keeping a too-small one as its own error', () => {
    const result = upliftByCampaign([
      { campaignId: 'a', group: 'treated', spend: 500 },
      { campaignId: 'b', group: 'treated', spend: 100 },
      { campaignId: 'a', group: 'treated', spend: 700 },
      { campaignId: 'a', group: 'control', spend: 100 },
      { campaignId: 'a', group: 'control', spend: 300 },
    ])
    expect(result._tag).toBe('Right')
    if (result._tag !== 'Right') return
    expect(result.right.map((c) => c.campaignId)).toEqual(['a', 'b'])
    // a: means 600 vs 200 → 400 per customer, × 2 treated = 800
    expect(result.right[0]?.uplift).toMatchObject({ right: { spendUpliftPerCustomer: 400, incrementalSpend: 800 } })
    expect(result.right[1]?.uplift).toMatchObject({ left: { _tag: 'InsufficientSample' } })
  })

  it('refuses an observation with an unknown group, naming it', () => {
    expect(upliftByCampaign([{ campaignId: 'a', group: 'holdout' as never, spend: 1 }])).toMatchObject({
      left: { path: 'observations.0.group' },
    })
  })
})

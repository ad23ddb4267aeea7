import { describe, expect, it } from 'vitest'
import { expectedTransactions, probabilityAlive } from './bgnbd.js'
import { expectedAverageSpend } from './gammaGamma.js'
import { customerLifetimeValue, predictMembers } from './predict.js'
import { inTopShare, rankByValue } from './snapshot.js'
import type { MemberSummary } from './summary.js'

const bgnbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
const gammaGamma = { p: 6.25, q: 3.74, gamma: 1544 }
const member = (
  memberId: string,
  frequency: number,
  recency: number,
  T: number,
  monetaryValue: number,
): MemberSummary => ({
  memberId,
  frequency,
  recency,
  T,
  monetaryValue,
  firstPurchase: '1997-01-01',
  lastPurchase: '1997-01-01',
})

describe('customerLifetimeValue', () => {
  it('is the monthly discounted sum of spend × expected transactions in each month', () => {
    const m = member('a', 4, 30, 38, 2500)
    const month = 365.25 / 12 / 7
    const e = (t: number) => expectedTransactions(bgnbd, m, t) as number
    // 10 weeks: two whole months and a part of the third
    const byHand = 2500 * (e(month) / 1.01 + (e(2 * month) - e(month)) / 1.01 ** 2 + (e(10) - e(2 * month)) / 1.01 ** 3)
    expect(customerLifetimeValue(bgnbd, 2500, m, { horizon: 10, unit: 'weeks' })).toBeCloseTo(byHand, 9)
    // without discount it is spend × expected transactions over the horizon
    expect(customerLifetimeValue(bgnbd, 2500, m, { horizon: 52, unit: 'weeks', discountMonthly: 0 })).toBeCloseTo(
      2500 * e(52),
      8,
    )
  })
})

describe('predictMembers', () => {
  const members = [member('keen', 6, 37, 38, 3000), member('gone', 6, 5, 38, 3000), member('once', 0, 0, 38, 0)]

  it('gives P(alive), expected transactions, and integer spend and CLV per member; a member without repeat gets the prior spend', () => {
    const out = predictMembers({ bgnbd, gammaGamma }, members, { horizon: 52, unit: 'weeks' })
    if (out._tag === 'Left') throw new Error(out.left.message)
    const [keen, gone, once] = out.right
    expect(keen?.pAlive).toBeCloseTo(probabilityAlive(bgnbd, members[0] as MemberSummary), 12)
    expect(keen?.pAlive).toBeGreaterThan(0.85)
    expect(gone?.pAlive).toBeLessThan(0.1)
    expect(once?.pAlive).toBe(1)
    expect(once?.expectedAverageSpend).toBe(
      Math.round(expectedAverageSpend(gammaGamma, { frequency: 0, monetaryValue: 0 })),
    )
    for (const v of out.right) {
      expect(Number.isSafeInteger(v.expectedAverageSpend)).toBe(true)
      expect(Number.isSafeInteger(v.clv)).toBe(true)
    }
    expect(keen?.clv as number).toBeGreaterThan(gone?.clv as number)
  })

  it('leaves spend and CLV null without a spend model', () => {
    const out = predictMembers({ bgnbd }, members, { horizon: 52, unit: 'weeks' })
    expect(out._tag === 'Right' && out.right.map((v) => [v.expectedAverageSpend, v.clv])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ])
  })

  it('refuses a horizon that is not > 0 and a discount rate outside [0, 1), naming the field', () => {
    expect(predictMembers({ bgnbd }, members, { horizon: 0, unit: 'weeks' })).toMatchObject({
      left: { path: 'horizon' },
    })
    expect(predictMembers({ bgnbd }, members, { horizon: 5, unit: 'weeks', discountMonthly: 1.5 })).toMatchObject({
      left: { path: 'discountMonthly' },
    })
  })
})

describe('rankByValue', () => {
  it('ranks by CLV and marks the members who carry the top share of value', () => {
    const ranks = rankByValue(
      [
        { clv: 100, id: 'c' },
        { clv: 700, id: 'a' },
        { clv: 200, id: 'b' },
      ].map((v) => ({
        memberId: v.id,
        frequency: 0,
        recency: 0,
        T: 0,
        pAlive: 1,
        expectedTransactions: 0,
        expectedAverageSpend: 0,
        clv: v.clv,
      })),
    )
    expect(ranks.map((r) => [r.memberId, r.rank, r.shareAbove])).toEqual([
      ['a', 1, 0],
      ['b', 2, 0.7],
      ['c', 3, 0.9],
    ])
    expect(ranks.filter((r) => inTopShare(r, 0.2)).map((r) => r.memberId)).toEqual(['a'])
    expect(ranks.filter((r) => inTopShare(r, 0.8)).map((r) => r.memberId)).toEqual(['a', 'b'])
  })
})

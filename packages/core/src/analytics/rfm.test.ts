import { describe, expect, it } from 'vitest'
import { type RfmInput, rfmScores } from './rfm.js'

const AS_OF = '2026-11-26T12:00:00Z'
const daysAgo = (days: number) => new Date(Date.parse(AS_OF) - days * 86_400_000).toISOString()
const customer = (customerId: string, days: number, frequency: number, monetary: number): RfmInput => ({
  customerId,
  lastPurchaseAt: daysAgo(days),
  frequency,
  monetary,
})

const scores = (customers: RfmInput[]) => {
  const result = rfmScores(customers, AS_OF)
  if (result._tag === 'Left') throw new Error(result.left.message)
  return result.right
}

describe('rfmScores', () => {
  it('gives five distinct customers one quintile each', () => {
    const result = scores([
      customer('d', 40, 3, 20000),
      customer('a', 1, 10, 50000),
      customer('e', 100, 1, 10000),
      customer('c', 20, 5, 30000),
      customer('b', 10, 8, 40000),
    ])
    expect(result.map((s) => [s.customerId, s.code])).toEqual([
      ['d', '222'],
      ['a', '555'],
      ['e', '111'],
      ['c', '333'],
      ['b', '444'],
    ])
    expect(result[0]?.recencyDays).toBe(40)
  })

  it('scores ten customers two per quintile: ⌈5 × c / 10⌉', () => {
    // monetary 100..1000: c = 1..10 → 1,1,2,2,3,3,4,4,5,5
    const result = scores(Array.from({ length: 10 }, (_, i) => customer(`c${i}`, 5, 1, (i + 1) * 100)))
    expect(result.map((s) => s.monetary)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
  })

  it('gives tied customers the same score, and everyone 5 when all are equal', () => {
    // frequencies 2,2,2,1: c = 4,4,4,1 of 4 → ⌈5⌉ = 5 ×3, ⌈1.25⌉ = 2
    const result = scores([
      customer('a', 3, 2, 10),
      customer('b', 3, 2, 10),
      customer('c', 3, 2, 10),
      customer('d', 3, 1, 10),
    ])
    expect(result.map((s) => s.frequency)).toEqual([5, 5, 5, 2])
    expect(result.map((s) => s.monetary)).toEqual([5, 5, 5, 5])
  })

  it('counts whole days for recency, a purchase within the day being as recent as can be', () => {
    const result = scores([customer('a', 0.5, 1, 1), customer('b', 0, 1, 1), customer('c', 2, 1, 1)])
    expect(result.map((s) => s.recencyDays)).toEqual([0, 0, 2])
    expect(result.map((s) => s.recency)).toEqual([5, 5, 2])
  })

  it('refuses a negative spend and a duplicate customer, naming them', () => {
    expect(rfmScores([customer('a', 1, 1, -5)], AS_OF)).toMatchObject({
      left: { _tag: 'InvalidAnalyticsInput', path: 'customers.0.monetary' },
    })
    expect(rfmScores([customer('a', 1, 1, 5), customer('a', 1, 1, 5)], AS_OF)).toMatchObject({
      left: { path: 'customers.1.customerId' },
    })
    expect(rfmScores([{ ...customer('a', 1, 1, 5), lastPurchaseAt: 'last week' }], AS_OF)).toMatchObject({
      left: { path: 'customers.0.lastPurchaseAt' },
    })
  })

  it('scores an empty population as empty', () => {
    expect(scores([])).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { summariseHistory } from './summary.js'

describe('summariseHistory', () => {
  it('counts same-day purchases as one transaction and lets a return reduce its day', () => {
    const s = summariseHistory(
      [
        { memberId: 'm', at: '2026-01-05T09:00:00+01:00', amount: 1000 },
        { memberId: 'm', at: '2026-01-12T09:00:00+01:00', amount: 3000 },
        { memberId: 'm', at: '2026-01-12T18:30:00+01:00', amount: 2000 },
        { memberId: 'm', at: '2026-01-12T19:00:00+01:00', amount: -1000 },
        { memberId: 'm', at: '2026-01-19', amount: 0 }, // a free sale is a transaction
        { memberId: 'm', at: '2026-01-20', amount: -400 }, // a day of returns only is not
      ],
      { until: '2026-01-26', unit: 'days' },
    )
    expect(s).toMatchObject({
      _tag: 'Right',
      right: {
        members: [{ memberId: 'm', frequency: 2, recency: 14, T: 21, monetaryValue: 2000, lastPurchase: '2026-01-19' }],
        daysWithoutSale: 1,
      },
    })
  })

  it("counts the until day's purchases and leaves later ones to the holdout", () => {
    const s = summariseHistory(
      [
        { memberId: 'a', at: '1997-01-01', amount: 100 },
        { memberId: 'a', at: '1997-09-30T23:30:00-05:00', amount: 100 },
        { memberId: 'a', at: '1997-10-01', amount: 100 },
        { memberId: 'b', at: '1997-10-02', amount: 100 },
      ],
      { until: '1997-09-30' },
    )
    expect(s._tag === 'Right' && s.right.members).toEqual([
      expect.objectContaining({ memberId: 'a', frequency: 1, recency: 272 / 7, T: 272 / 7 }),
    ])
    expect(s._tag === 'Right' && s.right.linesAfterUntil).toBe(2)
  })

  it("judges the day in the store's zone when one is given", () => {
    const lines = [
      { memberId: 'a', at: '2026-03-01T12:00:00Z', amount: 100 },
      { memberId: 'a', at: '2026-03-01T23:30:00Z', amount: 100 }, // 2 March 00:30 in Paris
    ]
    const utc = summariseHistory(lines, { until: '2026-03-10', unit: 'days' })
    const paris = summariseHistory(lines, { until: '2026-03-10', unit: 'days', timeZone: 'Europe/Paris' })
    expect(utc._tag === 'Right' && utc.right.members[0]?.frequency).toBe(0)
    expect(paris._tag === 'Right' && paris.right.members[0]?.frequency).toBe(1)
  })

  it('refuses a bad until, an unknown zone and an empty calibration population, naming why', () => {
    expect(summariseHistory([], { until: '1997-02-30' })).toMatchObject({
      left: { _tag: 'InvalidAnalyticsInput', path: 'until' },
    })
    expect(summariseHistory([], { until: '1997-02-01', timeZone: 'Mars/Olympus' })).toMatchObject({
      left: { _tag: 'InvalidAnalyticsInput', path: 'timeZone' },
    })
    expect(summariseHistory([{ memberId: 'a', at: '1998-01-01', amount: 1 }], { until: '1997-02-01' })).toMatchObject({
      left: {
        _tag: 'InsufficientSample',
        message: expect.stringContaining('no member has a sale on or before 1997-02-01'),
      },
    })
  })
})

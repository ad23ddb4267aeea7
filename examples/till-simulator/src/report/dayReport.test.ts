import { LIFECYCLE_STAGES } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { buildDayReport, type DayReportInput, MIN_HOLDOUT_GROUP, type ReportTransaction } from './dayReport.js'

const tx = (over: Partial<ReportTransaction> & { id: string }): ReportTransaction => ({
  kind: 'sale',
  at: '2026-11-26T10:15:00+01:00',
  terminalId: '01',
  gross: 1000,
  discount: 0,
  discounts: [],
  pointsEarned: 10,
  pointsRedeemed: 0,
  couponsIssued: [],
  couponsRedeemed: [],
  codesRefused: [],
  concerned: [],
  holdouts: [],
  ...over,
})

const input: DayReportInput = {
  storeName: 'Marché Tessera',
  storeId: '0042',
  day: '2026-11-26',
  currency: 'EUR',
  transactions: [
    tx({
      id: 'T1',
      memberId: 'm-1',
      gross: 2000,
      discount: 300,
      discounts: [
        { campaignId: 'yogurt', label: 'Yogurts', amount: 249 },
        { campaignId: 'gold', label: 'Gold', amount: 51 },
      ],
      pointsEarned: 17,
      concerned: ['yogurt', 'gold', 'wine'],
      couponsIssued: [{ campaignId: 'cross', template: 'sauce-30' }],
    }),
    tx({ id: 'T2', at: '2026-11-26T18:40:00+01:00', gross: 1500, concerned: ['yogurt'] }),
    tx({
      id: 'T3',
      at: '2026-11-26T18:55:00+01:00',
      memberId: 'm-2',
      gross: 800,
      discount: 200,
      discounts: [{ campaignId: 'sauce-30', label: 'Coupon', amount: 200 }],
      couponsRedeemed: [{ template: 'sauce-30', code: 'SAUCE-7KQ2-X9PD' }],
      codesRefused: [{ code: 'SAUCE-7KQ3-X9PD', reason: 'BAD_CHECK_CHARACTER' }],
      pointsRedeemed: 500,
      concerned: ['sauce-30'],
    }),
    tx({ id: 'R1', kind: 'return', at: '2026-11-26T19:10:00+01:00', gross: 500, discount: 100, pointsEarned: 4 }),
  ],
  members: [
    { memberId: 'm-1', tierBefore: 'silver', tierAfter: 'gold', lifecycle: 'happy', spend12m: 250_000 },
    { memberId: 'm-2', lifecycle: 'new', spend12m: 800 },
    { memberId: 'm-3', tierBefore: 'gold', tierAfter: 'silver', lifecycle: 'wavering', spend12m: 70_000 },
    { memberId: 'm-4', lifecycle: 'lapsed', spend12m: 1200 },
    { memberId: 'm-5', lifecycle: 'happy', spend12m: 9000 },
  ],
  pointsOutstanding: 123_457,
  pointValueHundredthsOfCent: 50,
  tierOrder: ['silver', 'gold'],
  campaignNames: { yogurt: 'Yogurts 3 for 2' },
}

const built = (i: DayReportInput) => {
  const r = buildDayReport(i)
  if (r._tag === 'Left') throw new Error(r.left.message)
  return r.right
}

describe('buildDayReport', () => {
  const report = built(input)

  it('sums the day exactly: gross, discounts, refunds and net', () => {
    // gross 2000 + 1500 + 800 = 4300; discounts 300 + 200 = 500; refund 500 − 100 = 400;
    // net 4300 − 500 − 400 = 3400; average basket (4300 − 500) / 3 = 1266.67 → 1267.
    expect(report.totals).toMatchObject({ sales: 3, returns: 1, gross: 4300, discount: 500, refunds: 400, net: 3400 })
    expect(report.totals.averageBasket).toBe(1267)
    expect(report.totals.identifiedShare).toBeCloseTo(2 / 3)
  })
  it('counts sales and net per hour of the wall clock', () => {
    expect(report.hourly.find((h) => h.hour === 10)).toEqual({ hour: 10, sales: 1, net: 1700 })
    expect(report.hourly.find((h) => h.hour === 18)).toEqual({ hour: 18, sales: 2, net: 2100 })
  })
  it('gives each campaign its discount, the sales it touched and its redemption rate', () => {
    const yogurt = report.campaigns.find((c) => c.campaignId === 'yogurt')
    // Applied once (T1) out of two baskets it concerned (T1, T2).
    expect(yogurt).toMatchObject({ name: 'Yogurts 3 for 2', discount: 249, sales: 1700, applied: 1, concerned: 2 })
    expect(yogurt?.redemptionRate).toBe(0.5)
    expect(report.campaigns.find((c) => c.campaignId === 'wine')).toMatchObject({ applied: 0, concerned: 1 })
    // Coupon-issuing campaigns count as applied where they issued.
    expect(report.campaigns.find((c) => c.campaignId === 'cross')).toMatchObject({ applied: 1, discount: 0 })
  })
  it('counts coupons issued and redeemed by template, and lists refused codes with their reason', () => {
    expect(report.coupons).toEqual([{ template: 'sauce-30', name: 'sauce-30', issued: 1, redeemed: 1 }])
    expect(report.codesRefused).toEqual([
      { code: 'SAUCE-7KQ3-X9PD', reason: 'BAD_CHECK_CHARACTER', transactionId: 'T3' },
    ])
  })
  it('nets returned points and values the outstanding liability', () => {
    // issued 17 + 10 + 10 − 4 = 33; liability 123 457 × 0.5 cent = 61 728.5 → 61 729 (half-up).
    expect(report.points).toEqual({ issued: 33, reversed: 4, redeemed: 500, outstanding: 123_457, liability: 61_729 })
  })
  it('lists tier movements up and down', () => {
    expect(report.tierMovements).toEqual(
      expect.arrayContaining([
        { from: 'silver', to: 'gold', members: 1, direction: 'up' },
        { from: 'gold', to: 'silver', members: 1, direction: 'down' },
      ]),
    )
    expect(report.tierMovements).toHaveLength(2)
  })
  it('counts every lifecycle stage, zero included', () => {
    expect(report.lifecycle.map((l) => l.stage)).toEqual([...LIFECYCLE_STAGES])
    expect(report.lifecycle.find((l) => l.stage === 'happy')?.members).toBe(2)
    expect(report.lifecycle.find((l) => l.stage === 'ambassador')?.members).toBe(0)
  })
  it('computes the Pareto share and a curve from 0 to 1', () => {
    // Top ⌈5/5⌉ = 1 member: 250 000 of 331 000.
    expect(report.pareto.topCustomers).toBe(1)
    expect(report.pareto.share).toBeCloseTo(250_000 / 331_000)
    expect(report.pareto.curve[0]).toBe(0)
    expect(report.pareto.curve[20]).toBe(1)
  })
  it('says why a holdout cannot be measured when the groups are too small', () => {
    const small = built({
      ...input,
      transactions: [
        tx({ id: 'A', memberId: 'm-1', holdouts: ['gold'] }),
        tx({ id: 'B', memberId: 'm-2', discounts: [{ campaignId: 'gold', label: 'g', amount: 1 }] }),
      ],
    })
    expect(small.uplift).toHaveLength(1)
    expect(small.uplift[0]).toMatchObject({ campaignId: 'gold', treated: 1, control: 1 })
    expect(small.uplift[0]?.perCustomer).toBeUndefined()
    expect(small.uplift[0]?.note).toMatch(/not enough data/)
  })
  it('measures holdout uplift with a confidence interval when the groups are large enough', () => {
    // 40 treated members spending 3000–3390, 40 control members spending 2000–2390: uplift 1000.
    const transactions = Array.from({ length: 80 }, (_, i) =>
      i < 40
        ? tx({
            id: `T${i}`,
            memberId: `t-${i}`,
            gross: 3000 + (i % 40) * 10,
            discounts: [{ campaignId: 'gold', label: 'g', amount: 0 }],
          })
        : tx({ id: `C${i}`, memberId: `c-${i}`, gross: 2000 + (i % 40) * 10, holdouts: ['gold'] }),
    )
    const u = built({ ...input, transactions }).uplift[0]
    expect(u).toMatchObject({ campaignId: 'gold', treated: 40, control: 40, significant: true })
    expect(u?.perCustomer).toBeCloseTo(1000)
    expect(u?.ciLow).toBeLessThan(1000)
    expect(u?.ciHigh).toBeGreaterThan(1000)
  })
})

describe('buildDayReport on bad input', () => {
  it('names the field and the reason', () => {
    const bad = (over: Partial<ReportTransaction>) =>
      buildDayReport({ ...input, transactions: [tx({ id: 'X' }), tx({ id: 'Y', ...over })] })
    expect(bad({ gross: 10.5 })).toMatchObject({ _tag: 'Left', left: { path: 'transactions.1.gross' } })
    expect(bad({ gross: 100, discount: 150 })).toMatchObject({
      _tag: 'Left',
      left: { path: 'transactions.1.discount', reason: '150 is more than the gross 100' },
    })
    expect(bad({ at: 'yesterday' })).toMatchObject({ _tag: 'Left', left: { path: 'transactions.1.at' } })
    const member = buildDayReport({ ...input, members: [{ memberId: 'm', lifecycle: 'new', spend12m: -1 }] })
    expect(member).toMatchObject({ _tag: 'Left', left: { path: 'members.0.spend12m' } })
  })

  describe('the verdict a manager acts on', () => {
    /** `treated` members spending `treatedSpend` with `discount` off each, `control` members spending `controlSpend`. */
    const holdoutDay = (
      treated: number,
      control: number,
      treatedSpend: number,
      controlSpend: number,
      discount: number,
    ) =>
      built({
        ...input,
        transactions: [
          ...Array.from({ length: treated }, (_, i) =>
            tx({
              id: `T${i}`,
              memberId: `t-${i}`,
              gross: treatedSpend + (i % 10) * 10 + discount,
              discount,
              discounts: [{ campaignId: 'gold', label: 'Gold: 5 € off from 50 €', amount: discount }],
              concerned: ['gold'],
            }),
          ),
          ...Array.from({ length: control }, (_, i) =>
            tx({ id: `C${i}`, memberId: `c-${i}`, gross: controlSpend + (i % 10) * 10, holdouts: ['gold'] }),
          ),
        ],
      }).uplift.find((u) => u.campaignId === 'gold')

    it('a significant loss of spend is "harms", never a success', () => {
      const u = holdoutDay(40, 40, 2000, 5000, 500)
      expect(u).toMatchObject({ significant: true, verdict: 'harms', cost: 40 * 500 })
      expect(u?.perCustomer).toBeLessThan(0)
    })

    it('a gain smaller than the discount given "loses money"; larger "pays back"; the return per € is shown', () => {
      const loses = holdoutDay(40, 40, 2100, 2000, 500)
      expect(loses).toMatchObject({ significant: true, verdict: 'loses money', cost: 20_000 })
      expect(loses?.returnOnDiscount).toBeCloseTo(0.2)
      const pays = holdoutDay(40, 40, 4000, 2000, 500)
      expect(pays).toMatchObject({ significant: true, verdict: 'pays back' })
      expect(pays?.returnOnDiscount).toBeCloseTo(4)
    })

    it(`a control group under ${MIN_HOLDOUT_GROUP} customers gives "not enough data yet", whatever its interval says`, () => {
      const u = holdoutDay(120, 9, 2000, 5000, 500)
      expect(u?.verdict).toBe('not enough data yet')
      expect(u?.note).toMatch(/9 customers in the smaller group, 30 needed/)
    })
  })
})

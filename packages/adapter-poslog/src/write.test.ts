import type { Basket } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { writePosLog, writeReturnPosLog } from './write.js'

const basket = {
  id: '0042-03-20261126-187',
  storeId: '0042',
  terminalId: '03',
  channel: 'store',
  currency: 'EUR',
  pricesIncludeTax: true,
  at: '2026-11-26T10:15:00+01:00',
  lines: [
    { id: '1', sku: 'JAM', quantity: 2, unitPrice: 349, amount: 698, categories: ['grocery'] },
    { id: '2', sku: 'BREAD', quantity: 1, unitPrice: 302, amount: 302, categories: ['bakery'] },
  ],
} as unknown as Basket

const problemsOf = (r: ReturnType<typeof writePosLog>) => {
  if (r._tag === 'Right') throw new Error('expected a refusal')
  expect(r.left._tag).toBe('DecodeError')
  return r.left.problems
}

describe('writePosLog', () => {
  it('writes each discount share as a RetailPriceModifier on its line, so the line nets correctly', () => {
    const r = writePosLog({
      basket,
      sequenceNumber: '187',
      discounts: [
        {
          campaignId: 'xmas',
          label: 'Xmas 3 €',
          amount: 300,
          allocations: [
            { lineId: '1', amount: 209 },
            { lineId: '2', amount: 91 },
          ],
        },
      ],
    })
    if (r._tag === 'Left') throw new Error(r.left.message)
    expect(r.right).toContain(
      '<POSLog xmlns="http://www.nrf-arts.org/IXRetail/namespace/" xmlns:tessera="urn:tessera:poslog:1" MajorVersion="6"',
    )
    expect(r.right).toMatch(
      /<ExtendedAmount>6\.98<\/ExtendedAmount>\s*<ExtendedDiscountAmount>4\.89<\/ExtendedDiscountAmount>/,
    )
    expect(r.right).toMatch(/<Amount Action="Subtract">2\.09<\/Amount>\s*<PromotionID>xmas<\/PromotionID>/)
    expect(r.right).toContain('<Total TotalType="TransactionNetAmount">7.00</Total>')
  })

  it('splits a discount without allocations (an older receipt) by line amount through core allocate', () => {
    const r = writePosLog({ basket, sequenceNumber: '187', discounts: [{ campaignId: 'x', label: '', amount: 100 }] })
    if (r._tag === 'Left') throw new Error(r.left.message)
    // allocate(100, [698, 302]) = [70, 30]
    expect(r.right).toMatch(/<Amount Action="Subtract">0\.70<\/Amount>/)
    expect(r.right).toMatch(/<Amount Action="Subtract">0\.30<\/Amount>/)
  })

  it('refuses a bad basket with the core codec’s field paths, writing nothing', () => {
    const bad = { ...basket, lines: [{ ...basket.lines[0], quantity: -1 }] } as unknown as Basket
    const problems = problemsOf(writePosLog({ basket: bad, sequenceNumber: '1' }))
    expect(problems[0]?.path).toBe('lines.0.quantity')
  })

  it('names every inconsistent discount, sequence number, control character and amount', () => {
    const problems = problemsOf(
      writePosLog({
        basket,
        sequenceNumber: ' ',
        discounts: [
          { campaignId: 'a', label: 'ok', amount: 10, allocations: [{ lineId: '9', amount: 10 }] },
          { campaignId: 'b', label: 'x', amount: 10, allocations: [{ lineId: '1', amount: 7 }] },
          { campaignId: 'c', label: 'bell\u0007', amount: 2.5, allocations: [] },
          { campaignId: 'd', label: '', amount: 400, allocations: [{ lineId: '2', amount: 400 }] },
        ],
        tenders: [{ type: 'cash', amount: -1 }],
        points: { earned: 1.5 },
      }),
    )
    expect(problems.map((p) => p.path)).toEqual([
      'sequenceNumber',
      'discounts.0.allocations.0.lineId',
      'discounts.0.allocations',
      'discounts.1.allocations',
      'discounts.2.amount',
      'discounts',
      'discounts.2.label',
      'points.earned',
      'tenders.0.amount',
    ])
    expect(problems.find((p) => p.path === 'discounts')?.reason).toBe('take 400 off line 2, which costs 302')
  })

  it('writes a return with a TransactionLink to the original sale line, refund tenders and a negative total', () => {
    const r = writeReturnPosLog({
      returnId: 'R-0042-01-20261126-000003',
      storeId: '0042',
      workstationId: '01',
      sequenceNumber: '000003',
      at: '2026-11-26T17:05:00+01:00',
      currency: 'EUR',
      original: {
        transactionId: 'T-0042-02-20261126-000041',
        storeId: '0042',
        workstationId: '02',
        sequenceNumber: '000041',
        businessDayDate: '2026-11-26',
      },
      lines: [{ originalLineId: '2', sku: 'BREAD', quantity: 1, amount: 302 }],
      refunds: [{ type: 'Cash', amount: 302 }],
      points: { clawedBack: 3, balance: 1240 },
    })
    if (r._tag === 'Left') throw new Error(r.left.message)
    expect(r.right).toMatch(
      /<TransactionLink ReasonCode="Return">\s*<BusinessUnit>\s*<UnitID>0042<\/UnitID>\s*<\/BusinessUnit>\s*<WorkstationID>02<\/WorkstationID>\s*<SequenceNumber>000041<\/SequenceNumber>\s*<BusinessDayDate>2026-11-26<\/BusinessDayDate>\s*<LineItemSequenceNumber>2<\/LineItemSequenceNumber>\s*<tessera:TransactionID>T-0042-02-20261126-000041<\/tessera:TransactionID>/,
    )
    expect(r.right).toContain('<Tender TenderType="Cash" TypeCode="Refund">')
    expect(r.right).toContain('<Total TotalType="TransactionGrandAmount">-3.02</Total>')
    expect(r.right).toContain('<Points Type="PointsEarned">-3</Points>')
  })

  it('refuses a bad return naming every field, writing nothing', () => {
    const problems = problemsOf(
      writeReturnPosLog({
        returnId: '',
        storeId: '0042',
        workstationId: '01',
        sequenceNumber: '3',
        at: '2026-11-26 17:05',
        currency: 'EURO',
        original: {
          transactionId: 'T-1',
          storeId: '0042',
          workstationId: '02',
          sequenceNumber: '',
          businessDayDate: '26/11',
        },
        lines: [
          { originalLineId: '1', sku: 'JAM', quantity: 0.5, amount: 100 },
          { lineId: '1', originalLineId: '', sku: 'X', quantity: 1, amount: -1, unit: 'kg' },
        ],
        refunds: [{ type: 'Cash', amount: 1.5 }],
      }),
    )
    expect(problems.map((p) => p.path)).toEqual([
      'returnId',
      'at',
      'currency',
      'original.sequenceNumber',
      'original.businessDayDate',
      'lines.0.quantity',
      'lines.1.lineId',
      'lines.1.originalLineId',
      'lines.1.amount',
      'refunds.0.amount',
    ])
  })
})

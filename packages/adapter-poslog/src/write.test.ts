import type { Basket } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { writePosLog } from './write.js'

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
})

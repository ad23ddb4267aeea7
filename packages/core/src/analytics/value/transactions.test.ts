import { describe, expect, it } from 'vitest'
import { decodeValueHistoryJsonl } from './transactions.js'

const basket = (id: string, at: string, amounts: readonly number[]) => ({
  id,
  storeId: '0001',
  terminalId: '01',
  channel: 'store',
  currency: 'EUR',
  pricesIncludeTax: true,
  at,
  lines: amounts.map((amount, i) => ({
    id: `${i + 1}`,
    sku: 'A',
    quantity: 1,
    unitPrice: amount,
    amount,
    categories: ['x'],
  })),
})
const booked = (total: number) => ({ total, discount: 0, points: 0, coupons: 0 })

describe('decodeValueHistoryJsonl', () => {
  it('reads sales for their member, returns against their sale, and plain lines, mixed', () => {
    const text = [
      {
        basket: basket('T-1', '2026-01-05T10:00:00+01:00', [1500, 500]),
        customer: { memberId: 'm-1' },
        booked: booked(1800),
      },
      { basket: basket('T-2', '2026-01-06T10:00:00+01:00', [1500, 500]), customer: { memberId: 'm-2' } },
      { basket: basket('T-3', '2026-01-07T10:00:00+01:00', [900]) },
      { return: { id: 'R-1', of: 'T-1', at: '2026-01-08T10:00:00+01:00', full: true } },
      { return: { id: 'R-2', of: 'T-2', at: '2026-01-09T10:00:00+01:00', full: false, refund: 500 } },
      { return: { id: 'R-3', of: 'T-2', at: '2026-01-09T11:00:00+01:00', full: false } },
      { return: { id: 'R-4', of: 'T-3', at: '2026-01-09T12:00:00+01:00', full: true } },
      { return: { id: 'R-5', of: 'T-unknown', at: '2026-01-09T12:00:00+01:00', full: true } },
      '',
      { memberId: 'm-3', at: '2026-01-10', amount: 700 },
    ]
      .map((l) => (typeof l === 'string' ? l : JSON.stringify(l)))
      .join('\n')
    expect(decodeValueHistoryJsonl(text)).toEqual({
      _tag: 'Right',
      right: [
        // What the sale booked; without `booked`, the lines before discount.
        { memberId: 'm-1', at: '2026-01-05T10:00:00+01:00', amount: 1800 },
        { memberId: 'm-2', at: '2026-01-06T10:00:00+01:00', amount: 2000 },
        // A full return takes back the sale; a partial one its refund, or nothing without one.
        { memberId: 'm-1', at: '2026-01-08T10:00:00+01:00', amount: -1800 },
        { memberId: 'm-2', at: '2026-01-09T10:00:00+01:00', amount: -500 },
        { memberId: 'm-3', at: '2026-01-10', amount: 700 },
      ],
    })
  })

  it('names the line and the field of a transaction line that does not decode', () => {
    const text = [
      JSON.stringify({ basket: basket('T-1', '2026-01-05T10:00:00+01:00', [100]), customer: { memberId: 'm-1' } }),
      JSON.stringify({ return: { id: 'R-1', of: 'T-1', at: '2026-01-08', full: true } }),
    ].join('\n')
    const decoded = decodeValueHistoryJsonl(text)
    expect(decoded._tag === 'Left' && [decoded.left.document, decoded.left.problems[0]?.path]).toEqual([
      'history line 2',
      'return.at',
    ])
    const refund = decodeValueHistoryJsonl(
      JSON.stringify({ return: { id: 'R', of: 'T', at: '2026-01-08T10:00:00+01:00', full: false, refund: -5 } }),
    )
    expect(refund._tag === 'Left' && refund.left.problems[0]?.path).toBe('return.refund')
  })
})

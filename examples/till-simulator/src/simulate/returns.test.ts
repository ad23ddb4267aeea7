import type { Basket, Evaluation } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { returnShare } from './returns.js'

// A sale: 3 yogurts at 2,49 (7,47, 2,49 off) and 0,532 kg of cheese (12,18); 14 points earned.
const basket = {
  id: 'T-1',
  lines: [
    { id: '1', sku: 'y', quantity: 3, unitPrice: 249, amount: 747, categories: ['dairy'] },
    { id: '2', sku: 'c', quantity: 0.532, unit: 'kg', unitPrice: 2290, amount: 1218, categories: ['fresh'] },
  ],
} as unknown as Basket
const evaluation = {
  lines: [
    { id: '1', amount: 747, discount: 249, net: 498 },
    { id: '2', amount: 1218, discount: 0, net: 1218 },
  ],
  points: { earned: 14, breakdown: [] },
} as unknown as Evaluation

describe('returnShare', () => {
  it('hands back the discount share of the returned units, never re-pricing', () => {
    // 1 of 3 yogurts: gross allocate(747, [1000, 2000]) = 249, discount allocate(249, [1000, 2000]) = 83.
    const share = returnShare(basket, evaluation, [{ lineId: '1', quantity: 1 }])
    if (typeof share === 'string') throw new Error(share)
    expect(share.gross).toBe(249)
    expect(share.discount).toBe(83)
    expect(share.refund).toBe(166)
  })
  it('claws back the points the returned units earned', () => {
    // Points by line: allocate(14, [498, 1218]) = [4, 10]; the whole cheese line takes back 10.
    const share = returnShare(basket, evaluation, [{ lineId: '2', quantity: 0.532 }])
    if (typeof share === 'string') throw new Error(share)
    expect(share.points).toBe(10)
    expect(share.refund).toBe(1218)
  })
  it('returns everything when every unit comes back: the shares sum to the sale', () => {
    const share = returnShare(basket, evaluation, [
      { lineId: '1', quantity: 3 },
      { lineId: '2', quantity: 0.532 },
    ])
    if (typeof share === 'string') throw new Error(share)
    expect(share).toMatchObject({ gross: 1965, discount: 249, refund: 1716, points: 14 })
  })
  it('refuses more units than were sold, counting earlier returns, and unknown lines', () => {
    expect(returnShare(basket, evaluation, [{ lineId: '1', quantity: 4 }])).toMatch(/at most 3/)
    expect(returnShare(basket, evaluation, [{ lineId: '1', quantity: 2 }], new Map([['1', 2]]))).toMatch(/at most 1/)
    expect(returnShare(basket, evaluation, [{ lineId: '9', quantity: 1 }])).toMatch(/line 9 is not on receipt T-1/)
    expect(returnShare(basket, evaluation, [{ lineId: '1', quantity: 0 }])).toMatch(/at most/)
  })
})

import { compile, decodeCampaigns } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { calculateOrder } from './calculate.js'
import { priceSquareOrder } from './price.js'

const campaigns = decodeCampaigns([{ id: 'ten', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }])
const compiled = compile(campaigns._tag === 'Right' ? campaigns.right : [])
const order = {
  id: 'O',
  location_id: 'L',
  created_at: '2026-11-26T10:15:00Z',
  line_items: [{ name: 'A', quantity: '3', base_price_money: { amount: 333, currency: 'USD' } }],
}

describe('priceSquareOrder', () => {
  it('gives the basket, the evaluation and the order Square totals the same', () => {
    const r = priceSquareOrder(order, compiled)
    if (r._tag === 'Left') throw new Error(r.left.message)
    expect(r.right.evaluation.total).toBe(999 - 100)
    const square = calculateOrder(r.right.order)
    expect(square._tag === 'Right' && square.right.total_money.amount).toBe(899)
  })
  it('refuses a bad order at its field', () => {
    const r = priceSquareOrder({ ...order, line_items: [{ name: 'A', quantity: 'three' }] }, compiled)
    expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual(['line_items.0.quantity'])
  })
})

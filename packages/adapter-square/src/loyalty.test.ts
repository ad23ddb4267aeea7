import type { DecodeError } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { accumulatePointsRequest, calculatePointsRequest } from './loyalty.js'
import { squareFixture } from './testkit.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}
const paths = (e: Either<DecodeError, unknown>) => (e._tag === 'Left' ? e.left.problems.map((p) => p.path) : [])

// The fields of a close's receipt the requests read (the rest of a Receipt is ignored).
const receipt = {
  transactionId: 'T-0042-03-000187',
  at: '2026-11-26T10:15:00+01:00',
  currency: 'EUR',
  total: 1214,
  points: { earned: 12 },
  lines: [],
}
const where = { loyaltyProgramId: 'd619f755-2d17-41f3-990d-c04ecedd64dd', locationId: 'P034NEENMD09F' }

describe('loyalty requests from a close', () => {
  it("AccumulateLoyaltyPoints: Tessera's earned points, keyed by the transaction, at the fixture's location", () => {
    const body = ok(accumulatePointsRequest(receipt, where))
    expect(body).toEqual({
      accumulate_points: { loyalty_program_id: where.loyaltyProgramId, points: 12 },
      idempotency_key: 'T-0042-03-000187',
      location_id: 'P034NEENMD09F',
    })
    // Same top-level shape as Square's public example (which accumulates by order_id instead).
    expect(Object.keys(body).sort()).toEqual(
      Object.keys(squareFixture('AccumulateLoyaltyPointsRequest.example.json')).sort(),
    )
    // A retried close gives the same body, so Square's idempotency credits once.
    expect(ok(accumulatePointsRequest(receipt, where))).toEqual(body)
  })

  it('CalculateLoyaltyPoints: the amount paid after discounts, and the account when known', () => {
    expect(ok(calculatePointsRequest(receipt, { loyaltyAccountId: '79b807d2-d786-46a9-933b-918028d7a8c5' }))).toEqual({
      transaction_amount_money: { amount: 1214, currency: 'EUR' },
      loyalty_account_id: '79b807d2-d786-46a9-933b-918028d7a8c5',
    })
    expect(ok(calculatePointsRequest(receipt))).toEqual({ transaction_amount_money: { amount: 1214, currency: 'EUR' } })
  })
})

describe('loyalty requests: bad input names the field', () => {
  it.each([
    ['not an object', 'x', ['']],
    ['no points', { ...receipt, points: undefined }, ['points']],
    ['fractional points', { ...receipt, points: { earned: 1.5 } }, ['points.earned']],
    ['nothing earned', { ...receipt, points: { earned: 0 } }, ['points.earned']],
    ['an unknown currency', { ...receipt, currency: 'EURO' }, ['currency']],
    ['an idempotency key too long for Square', { ...receipt, transactionId: 'T'.repeat(129) }, ['transactionId']],
  ])('accumulate: %s', (_, input, expected) => {
    expect(paths(accumulatePointsRequest(input, where))).toEqual(expected)
  })
  it('accumulate: empty program or location', () => {
    expect(paths(accumulatePointsRequest(receipt, { ...where, loyaltyProgramId: '' }))).toEqual(['loyaltyProgramId'])
    expect(paths(accumulatePointsRequest(receipt, { ...where, locationId: '' }))).toEqual(['locationId'])
  })
  it('calculate: a missing total, an empty account', () => {
    expect(paths(calculatePointsRequest({ ...receipt, total: undefined }))).toEqual(['total'])
    expect(paths(calculatePointsRequest(receipt, { loyaltyAccountId: '' }))).toEqual(['loyaltyAccountId'])
  })
})

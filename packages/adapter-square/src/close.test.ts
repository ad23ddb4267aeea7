import { createCheckout, decodeCampaigns, enginePricer, type Program } from '@tessera/core'
import { CARD, fixedClock, memoryCheckoutStore, memoryLoyaltyStore, ok, TEST_KEYRING } from '@tessera/testing'
import { describe, expect, it } from 'vitest'
import { accumulatePointsRequest, calculatePointsRequest } from './loyalty.js'
import { orderToBasket } from './toBasket.js'

const program: Program = { id: 'club', earn: { points: 1, per: 100 } }
const usd = (amount: number) => ({ amount, currency: 'USD' })
const order = {
  id: 'SQ-ORDER-42',
  location_id: 'P034NEENMD09F',
  created_at: '2026-11-26T10:15:00Z',
  customer_id: CARD,
  line_items: [
    { uid: 'a', name: 'Item 1', quantity: '1', base_price_money: usd(500) },
    { uid: 'b', name: 'Item 2', quantity: '2', base_price_money: usd(300) },
  ],
}

describe('a Square order closed through the checkout, then its points sent to Square Loyalty', () => {
  it("accumulates the receipt's earned points once, keyed by the transaction", async () => {
    const campaigns = decodeCampaigns([
      { id: 'half', status: 'active', reward: { percentOff: { of: '*', percent: 50 } } },
    ])
    if (campaigns._tag === 'Left') throw new Error(campaigns.left.message)
    const loyalty = memoryLoyaltyStore()
    const store = memoryCheckoutStore(loyalty)
    ok(await loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 }))
    ok(await loyalty.issueCard({ number: CARD, accountId: 'acc-1', at: 0 }))
    const checkout = createCheckout({
      store,
      price: enginePricer(campaigns.right, { storeTimeZone: 'America/New_York' }, program),
      campaigns: campaigns.right,
      program,
      keyring: TEST_KEYRING,
      keyId: 'K1',
      clock: fixedClock('2026-11-26T10:15:00Z'),
      storeTimeZone: 'America/New_York',
    })
    const basket = orderToBasket(order)
    if (basket._tag === 'Left') throw new Error(basket.left.message)
    const receipt = ok(await checkout.close({ basket: basket.right, tenders: [] }))
    // 1100 gross, 550 off, 550 paid: floor(550 / 100) = 5 points.
    expect(receipt).toMatchObject({ transactionId: 'SQ-ORDER-42', total: 550, points: { earned: 5 } })
    const body = ok(
      accumulatePointsRequest(receipt, { loyaltyProgramId: 'club-on-square', locationId: order.location_id }),
    )
    expect(body).toEqual({
      accumulate_points: { loyalty_program_id: 'club-on-square', points: 5 },
      idempotency_key: 'SQ-ORDER-42',
      location_id: 'P034NEENMD09F',
    })
    // A retried close returns the same receipt, hence the same idempotency key: Square credits once.
    const again = ok(await checkout.close({ basket: basket.right, tenders: [] }))
    expect(
      ok(accumulatePointsRequest(again, { loyaltyProgramId: 'club-on-square', locationId: order.location_id })),
    ).toEqual(body)
    expect(ok(calculatePointsRequest(receipt))).toEqual({ transaction_amount_money: usd(550) })
  })
})

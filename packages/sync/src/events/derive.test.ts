import { type Campaign, createLoyaltyHost, type Program } from '@tessera/core'
import {
  AT,
  basketOf,
  fixedClock,
  line,
  memoryCheckoutStore,
  memoryLoyaltyStore,
  ok,
  sequentialIds,
  TEST_KEYRING,
} from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Booking, deriveEvents, stageOf } from './derive.js'
import { toCloudEvent } from './event.js'

const DAY = 86_400_000
const program: Program = {
  id: 'club',
  earn: { points: 1, per: 100 },
  tiers: [{ id: 'silver', qualify: { spend: 5_000, windowMonths: 12 }, multiplier: 1 }],
  rewards: [{ id: 'voucher-5', cost: 50, grants: { amountOff: { of: 'basket', amount: 500 } } }],
}
const crossSell: Campaign = {
  id: 'cross-sell',
  status: 'active',
  reward: { issueCoupon: { template: 'five-off', validForDays: 30 } },
}
const fiveOff: Campaign = {
  id: 'five-off',
  status: 'active',
  code: { required: true, pool: 'FIVE' },
  reward: { amountOff: { of: 'basket', amount: 500 } },
}

const world = () => {
  const loyalty = memoryLoyaltyStore()
  const checkout = memoryCheckoutStore(loyalty)
  const host = createLoyaltyHost({
    stores: { loyalty, checkout },
    program,
    campaigns: [crossSell, fiveOff],
    keyring: TEST_KEYRING,
    keyId: 'K1',
    clock: fixedClock(AT),
    storeTimeZone: 'Europe/Paris',
    ids: sequentialIds('hq'),
    couponPolicy: { perCustomer: { count: 10, period: 'day' }, anonymous: 'none' },
  })
  return { host, checkout, loyalty }
}

describe('the domain events of a booking', () => {
  it('derives enrolment, points, coupons, tier and lifecycle changes from what the host booked', async () => {
    const { host, checkout, loyalty } = world()
    ok(await loyalty.saveMember({ memberId: 'm-118', programId: 'club', joinedAt: Date.parse(AT) - 30 * DAY }))
    const enrolment = ok(await host.enrol({ key: 'signup-1', memberId: 'm-118', at: Date.parse(AT) - 30 * DAY }))
    const card = enrolment.card.number
    expect(deriveEvents({ kind: 'enrol', enrolment })).toEqual([
      {
        id: 'enrol:enrol:signup-1/member.enrolled',
        kind: 'member.enrolled',
        time: new Date(Date.parse(AT) - 30 * DAY).toISOString(),
        subject: 'member/m-118',
        data: { card, accountId: 'enrol:signup-1', memberId: 'm-118' },
      },
    ])

    // A sale of 60 €: 60 points, a coupon for next time, and the member reaches silver.
    const before = stageOf(ok(await host.identify(card, AT)).customer)
    const receipt = ok(await host.close({ basket: basketOf('T-1', [line('1', 'A', 2, 3000)], { card }), tenders: [] }))
    const after = stageOf(ok(await host.identify(card, AT)).customer)
    expect(after.tier).toBe('silver')
    const record = await checkout.findClose('T-1')
    const sale = deriveEvents({
      kind: 'close',
      receipt,
      redeemedCodes: record?.bookings.codes ?? [],
      stages: { before, after },
    })
    const coupon = receipt.coupons[0]
    expect(sale.map((e) => e.id)).toEqual([
      'close:T-1/points.earned',
      'close:T-1/coupon.issued/0',
      'close:T-1/tier.changed',
      ...(before.lifecycle !== after.lifecycle ? ['close:T-1/lifecycle.changed'] : []),
    ])
    expect(sale[0]).toMatchObject({
      kind: 'points.earned',
      time: AT,
      subject: 'member/m-118',
      data: { card, memberId: 'm-118', transactionId: 'T-1', points: 60, balance: 60 },
    })
    expect(sale[1]).toMatchObject({
      kind: 'coupon.issued',
      data: { campaignId: 'cross-sell', template: 'five-off', pool: 'FIVE', code: coupon?.code },
    })
    expect(sale[2]).toMatchObject({ kind: 'tier.changed', data: { to: 'silver' } })
    expect(sale[2]?.data).not.toHaveProperty('from')

    // The coupon redeemed on the next visit.
    const next = ok(
      await host.close({
        basket: basketOf('T-2', [line('1', 'A', 1, 2000)], { card, codes: [coupon?.code as string] }),
        tenders: [],
      }),
    )
    const redeemed = deriveEvents({
      kind: 'close',
      receipt: next,
      redeemedCodes: (await checkout.findClose('T-2'))?.bookings.codes ?? [],
    })
    expect(redeemed.filter((e) => e.kind === 'coupon.redeemed')).toEqual([
      expect.objectContaining({
        id: `close:T-2/coupon.redeemed/${coupon?.code}`,
        data: expect.objectContaining({ transactionId: 'T-2', code: coupon?.code }),
      }),
    ])

    // A reward bought with points.
    const grant = ok(await host.redeemReward({ card, rewardId: 'voucher-5', key: 'redeem-1', at: Date.parse(AT) }))
    expect(deriveEvents({ kind: 'redeem', grant })).toEqual([
      expect.objectContaining({
        id: 'redeem:redeem-1/points.redeemed',
        kind: 'points.redeemed',
        data: expect.objectContaining({ rewardId: 'voucher-5', points: 50, balance: grant.balance.available }),
      }),
    ])
    // The second sale returned in full: its points clawed back, the coupon it issued revoked.
    const request = { returnId: 'R-1', transactionId: 'T-2', at: AT, lines: [{ lineId: '1', quantity: 1 }] }
    const returned = ok(await host.return(request))
    const reversal = deriveEvents({ kind: 'return', request, receipt: returned, card, memberId: 'm-118' })
    expect(reversal[0]).toMatchObject({
      id: 'return:R-1/points.reversed',
      kind: 'points.reversed',
      data: { transactionId: 'T-2', returnId: 'R-1', points: 15 },
    })
    expect(returned.revokedCoupons.length).toBeGreaterThan(0)
    expect(reversal.filter((e) => e.kind === 'coupon.revoked').map((e) => e.data.code)).toEqual(returned.revokedCoupons)

    // Every envelope is a CloudEvent of its kind.
    expect(toCloudEvent(sale[0] as (typeof sale)[0])).toMatchObject({
      specversion: '1.0',
      type: 'tessera.points.earned',
      datacontenttype: 'application/json',
    })
  })

  it('derives expired points from an expire posting, and nothing from a posting that expired nothing', async () => {
    const { loyalty, host } = world()
    const enrolment = ok(await host.enrol({ key: 'signup-2', at: Date.parse(AT) - 400 * DAY }))
    const accountId = enrolment.account.accountId
    ok(
      await loyalty.post({
        kind: 'earn',
        key: 'old-earn',
        at: Date.parse(AT) - 400 * DAY,
        account: { accountId },
        points: 120,
        expiresAt: Date.parse(AT) - DAY,
      }),
    )
    const posting = ok(
      await loyalty.post({ kind: 'expire', key: 'expire-1', at: Date.parse(AT), account: { accountId } }),
    )
    expect(deriveEvents({ kind: 'expire', posting })).toEqual([
      {
        id: 'expire:expire-1/points.expired',
        kind: 'points.expired',
        time: new Date(Date.parse(AT)).toISOString(),
        subject: `account/${accountId}`,
        data: { accountId, points: 120, balance: 0 },
      },
    ])
    const nothing = ok(
      await loyalty.post({ kind: 'expire', key: 'expire-2', at: Date.parse(AT), account: { accountId } }),
    )
    expect(deriveEvents({ kind: 'expire', posting: nothing })).toEqual([])
  })

  it('is deterministic with unique ids, whatever the coupons and codes of a receipt', () => {
    fc.assert(
      fc.property(
        fc.nat(500),
        fc.uniqueArray(fc.stringMatching(/^[A-Z0-9-]{4,12}$/), { maxLength: 5 }),
        fc.nat(4),
        (points, codes, coupons) => {
          const booking: Booking = {
            kind: 'close',
            redeemedCodes: codes,
            receipt: {
              transactionId: 'T-9',
              at: AT,
              currency: 'EUR',
              card: '2900001234566',
              lines: [],
              discounts: [],
              subtotal: 0,
              discountTotal: 0,
              total: 0,
              savings: 0,
              tenders: [],
              points: { earned: points },
              coupons: Array.from({ length: coupons }, (_, i) => ({
                campaignId: 'c',
                template: 't',
                pool: 'P',
                label: 'l',
                code: `TSR1.K1.${i}`,
                validFrom: AT,
                validUntil: AT,
                barcode: { code128: '', qrcode: '' },
              })),
              notes: [],
            },
          }
          const events = deriveEvents(booking)
          expect(deriveEvents(booking)).toEqual(events)
          expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
          expect(events.length).toBe((points > 0 ? 1 : 0) + codes.length + coupons)
        },
      ),
    )
  })
})

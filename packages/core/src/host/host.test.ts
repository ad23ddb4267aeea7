import {
  AT,
  basketOf,
  CARD,
  fixedClock,
  line,
  memoryCheckoutStore,
  memoryLoyaltyStore,
  ok,
  TEST_KEYRING,
} from '@tessera/testing'
import type { Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { Basket } from '../basket/basket.codec.js'
import type { Ids } from '../ports/Ids.js'
import type { Campaign, Program } from '../rules/campaign.codec.js'
import { createLoyaltyHost, type HostConfig } from './host.js'

const DAY = 86_400_000
const failed = <A>(e: Either<{ readonly _tag: string }, A>) => {
  if (e._tag === 'Right') throw new Error(`expected an error, got ${JSON.stringify(e.right)}`)
  return e.left
}
const program: Program = {
  id: 'club',
  earn: { points: 1, per: 100 },
  tiers: [{ id: 'silver', qualify: { spend: 10_000, windowMonths: 12 }, multiplier: 1.5 }],
  rewards: [{ id: 'voucher-5', cost: 50, grants: { amountOff: { of: 'basket', amount: 500 } } }],
}
const members: Campaign = {
  id: 'members-10',
  status: 'active',
  eligibility: { cardRequired: true },
  reward: { percentOff: { of: '*', percent: 10 } },
}
const counter = (): Ids => {
  let n = 0
  return { next: () => `id-${++n}` }
}

const world = () => {
  const loyalty = memoryLoyaltyStore()
  const checkout = memoryCheckoutStore(loyalty)
  const config: HostConfig = {
    stores: { loyalty, checkout },
    program,
    campaigns: [members],
    keyring: TEST_KEYRING,
    keyId: 'K1',
    clock: fixedClock(AT),
    storeTimeZone: 'Europe/Paris',
    ids: counter(),
  }
  return { loyalty, checkout, config, host: createLoyaltyHost(config) }
}
const at = Date.parse(AT) - 30 * DAY
const tenders = (amount: number) => [{ type: 'card', amount }]

describe('the loyalty host', () => {
  it('enrols once per key, numbering the card from the range, and identifies it as a member', async () => {
    const { host } = world()
    const first = ok(await host.enrol({ key: 'web-signup-1', at }))
    const again = ok(await host.enrol({ key: 'web-signup-1', at }))
    expect(again).toEqual(first)
    expect(first.card.number).toMatch(/^29\d{11}$/)
    const other = ok(await host.enrol({ key: 'web-signup-2', at }))
    expect(other.card.number).not.toBe(first.card.number)

    const view = ok(await host.identify(first.card.number, AT))
    expect(view.status).toBe('active')
    expect(view.customer?.card).toBe(first.card.number)
    expect(view.balance).toMatchObject({ available: 0, pending: 0, reserved: 0 })
    expect(view.tier?.next).toBe('silver')
    expect(view.warnings).toEqual([])
  })

  it('a card it does not know, or a blocked one, brings no customer and a warning the cashier can read', async () => {
    const { host, loyalty } = world()
    const unknown = ok(await host.identify('NOT-A-CARD-AT-ALL', AT))
    expect(unknown).toMatchObject({ status: 'unknown', warnings: [{ code: 'UNKNOWN_CARD' }] })
    expect(unknown.customer).toBeUndefined()

    const { card } = ok(await host.enrol({ key: 'k', at, card: CARD }))
    ok(await loyalty.setCardStatus(card.number, 'blocked'))
    const blocked = ok(await host.identify(CARD, AT))
    expect(blocked).toMatchObject({ status: 'blocked', warnings: [{ code: 'CARD_BLOCKED' }] })
    expect(blocked.customer).toBeUndefined()
  })

  it('prices statelessly with extra codes, closes, and a second host over the same stores resumes a session', async () => {
    const { host, config } = world()
    ok(await host.enrol({ key: 'k', at, card: CARD }))
    const basket: Basket = basketOf('T-1', [line('1', 'A', 2, 1000)], { card: CARD })
    const priced = ok(await host.price({ basket, codes: ['nope'] }))
    expect(priced.evaluation.discountTotal).toBe(200)
    expect(priced.codes).toMatchObject([{ code: 'NOPE', accepted: false, reason: 'UNKNOWN' }])

    const receipt = ok(await host.close({ basket, tenders: tenders(1800) }))
    expect(receipt).toMatchObject({ total: 1800, discountTotal: 200 })
    expect(receipt.points.earned).toBe(18)
    const view = ok(await host.identify(CARD, AT))
    expect(view.balance?.available).toBe(18)
    expect(view.customer?.pointsBalance).toBe(18)

    const session = ok(
      await host.open({
        transactionId: 'T-2',
        storeId: '0042',
        terminalId: '03',
        currency: 'EUR' as Basket['currency'],
        at: AT as Basket['at'],
      }),
    )
    ok(session.addLine(line('1', 'B', 1, 500)))
    await session.save()
    const later = createLoyaltyHost(config)
    const resumed = ok(await later.resume('T-2'))
    expect(resumed.basket().lines.map((l) => l.sku)).toEqual(['B'])
  })

  it('redeems a reward against the balance once per key, and refuses what the balance cannot pay', async () => {
    const { host, loyalty } = world()
    const { account } = ok(await host.enrol({ key: 'k', at, card: CARD }))
    ok(
      await loyalty.post({
        kind: 'adjust',
        key: 'gift',
        at,
        account: { accountId: account.accountId },
        points: 60,
        reason: 'welcome gift',
      }),
    )
    const grant = ok(await host.redeemReward({ card: CARD, rewardId: 'voucher-5', key: 'r-1', at }))
    expect(grant.kind).toBe('voucher')
    ok(await host.redeemReward({ card: CARD, rewardId: 'voucher-5', key: 'r-1', at }))
    expect(ok(await host.identify(CARD, AT)).balance?.available).toBe(10)
    const short = failed(await host.redeemReward({ card: CARD, rewardId: 'voucher-5', key: 'r-2', at }))
    expect(short._tag).toBe('InsufficientPoints')
  })

  it('replaces a lost card, moving its points, once per key', async () => {
    const { host, loyalty } = world()
    const { account } = ok(await host.enrol({ key: 'k', at, card: CARD }))
    ok(
      await loyalty.post({
        kind: 'adjust',
        key: 'gift',
        at,
        account: { accountId: account.accountId },
        points: 40,
        reason: 'welcome gift',
      }),
    )
    const replaced = ok(await host.replaceCard({ lost: CARD, key: 'lost-1', at: at + DAY }))
    const again = ok(await host.replaceCard({ lost: CARD, key: 'lost-1', at: at + DAY }))
    expect(again.card.number).toBe(replaced.card.number)
    expect(ok(await host.identify(replaced.card.number, AT)).balance?.available).toBe(40)
    const old = ok(await host.identify(CARD, AT))
    expect(old.warnings[0]).toMatchObject({ code: 'CARD_REPLACED', replacedBy: replaced.card.number.slice(-4) })
  })

  it("validates a code without a sale: unknown, a pool typo, another card's, then accepted, holding nothing", async () => {
    const { host, checkout } = world()
    ok(
      await checkout.putPool({
        id: 'XMAS26',
        kind: { type: 'singleUse' },
        campaignId: 'members-10',
        pattern: 'XMAS-####',
      }),
    )
    ok(await checkout.addCodes('XMAS26', ['XMAS-7KQ2']))
    expect(ok(await host.validateCode({ code: 'NOPE-1' }))).toMatchObject({ accepted: false, reason: 'UNKNOWN' })
    expect(ok(await host.validateCode({ code: ' xmas-7kq2 ', at: AT }))).toEqual({
      code: 'XMAS-7KQ2',
      accepted: true,
      pool: 'XMAS26',
    })
    expect((await checkout.code('XMAS-7KQ2'))?.reservations).toEqual([])
    expect(failed(await host.validateCode({ code: '' }))).toMatchObject({
      _tag: 'DecodeError',
      problems: [{ path: 'code' }],
    })
    expect(failed(await host.validateCode({ code: 'X', at: 'tomorrow' }))).toMatchObject({
      _tag: 'DecodeError',
      problems: [{ path: 'at' }],
    })
  })

  it('answers bad input with a typed error naming the field, never an exception', async () => {
    const { host } = world()
    expect(failed(await host.identify(''))).toMatchObject({ _tag: 'DecodeError', problems: [{ path: 'card' }] })
    expect(failed(await host.identify(CARD, 'yesterday'))).toMatchObject({
      _tag: 'DecodeError',
      problems: [{ path: 'at' }],
    })
    expect(failed(await host.enrol({ key: '', at }))).toMatchObject({
      _tag: 'DecodeError',
      problems: [{ path: 'key' }],
    })
    expect(failed(await host.enrol({ key: 'k', at: 'yesterday' as unknown as number }))).toMatchObject({
      _tag: 'DecodeError',
      problems: [{ path: 'at' }],
    })
    const bad = failed(await host.price({ basket: { id: 'T-9' } as unknown as Basket, codes: ['X'] }))
    expect(bad._tag).toBe('DecodeError')
    const worse = failed(
      await host.price({
        basket: { ...basketOf('T-9', [line('1', 'A', 1, 100)]), codes: 'X' } as unknown as Basket,
        codes: ['Y'],
      }),
    )
    expect(worse).toMatchObject({ _tag: 'DecodeError' })
  })
})

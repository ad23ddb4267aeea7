import type { LoyaltyStore } from '@tessera/core'
import { memoryLoyaltyStore } from '@tessera/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Program } from '../rules/campaign.codec.js'
import { referralCode } from './code.js'
import { type RewardReferralRequest, rewardReferral } from './reward.js'

const SECRET = 'club-referral-secret'
const T0 = Date.parse('2026-10-01T10:00:00+02:00')
const program: Program = { id: 'club', referral: { referrerPoints: 500, refereePoints: 200, qualifyingSpend: 2000 } }
const REFERRER = { memberId: 'm-ref', card: '2900000000011' }
const REFEREE = { memberId: 'm-new', card: '2900000000028' }

const must = <A>(result: { _tag: 'Left'; left: { message?: string } } | { _tag: 'Right'; right: A }): A => {
  if (result._tag === 'Left') throw new Error(result.left.message)
  return result.right
}

let store: LoyaltyStore
/** Enrols a member with their own account and card. */
const enrol = async (memberId: string, card: string, accountId = `a-${memberId}`, householdId?: string) => {
  must(await store.saveMember({ memberId, programId: 'club', joinedAt: T0 }))
  must(
    await store.openAccount({
      accountId,
      programId: 'club',
      memberId,
      at: T0,
      ...(householdId === undefined ? {} : { householdId }),
    }),
  )
  must(await store.issueCard({ number: card, accountId, memberId, at: T0 }))
}
const balance = async (accountId: string, at = '2026-12-31T00:00:00Z') =>
  must(await store.balance(accountId, Date.parse(at)))
const request = (
  spend: number,
  at: string,
  referee = REFEREE,
  code = referralCode(REFERRER.memberId, SECRET),
): RewardReferralRequest => ({
  referrer: REFERRER,
  referee,
  code,
  purchase: { spend, at },
})

beforeEach(async () => {
  store = memoryLoyaltyStore()
  await enrol(REFERRER.memberId, REFERRER.card)
  await enrol(REFEREE.memberId, REFEREE.card)
})

describe('rewardReferral', () => {
  it('rewards both sides on the referee’s first qualifying purchase, under referral keys', async () => {
    const reward = must(
      await rewardReferral(store, program, request(2000, '2026-11-26T10:15:00+01:00'), { secret: SECRET }),
    )
    expect(reward.referee?.key).toBe('referral:m-new:referee')
    expect(reward.referrer?.key).toBe('referral:m-new:referrer')
    expect(reward.referrerCapped).toBeUndefined()
    expect((await balance('a-m-ref')).available).toBe(500)
    expect((await balance('a-m-new')).available).toBe(200)
  })

  it('rewards once when the same request is retried', async () => {
    const r = request(2500, '2026-11-26T10:15:00+01:00')
    const first = must(await rewardReferral(store, program, r, { secret: SECRET }))
    const retry = must(await rewardReferral(store, program, r, { secret: SECRET }))
    expect(retry).toEqual(first)
    expect((await balance('a-m-ref')).available).toBe(500)
    expect(must(await store.entries('a-m-new'))).toHaveLength(1)
  })

  it('refuses a second reward for the same referee on a later purchase', async () => {
    must(await rewardReferral(store, program, request(2500, '2026-11-26T10:15:00+01:00'), { secret: SECRET }))
    const again = await rewardReferral(store, program, request(9000, '2026-11-28T10:15:00+01:00'), { secret: SECRET })
    expect(again).toMatchObject({
      left: {
        _tag: 'RefereeAlreadyRewarded',
        refereeMemberId: 'm-new',
        rewardedAt: Date.parse('2026-11-26T10:15:00+01:00'),
      },
    })
    expect((await balance('a-m-ref')).available).toBe(500)
  })

  it('waits for a purchase that reaches the qualifying spend', async () => {
    expect(
      await rewardReferral(store, program, request(1999, '2026-11-20T10:00:00+01:00'), { secret: SECRET }),
    ).toMatchObject({
      left: { _tag: 'NotQualifyingPurchase', required: 2000, actual: 1999 },
    })
    expect(must(await store.entries('a-m-new'))).toHaveLength(0)
    must(await rewardReferral(store, program, request(2000, '2026-11-21T10:00:00+01:00'), { secret: SECRET }))
    expect((await balance('a-m-new')).available).toBe(200)
  })

  it('refuses a code that is not the referrer’s, and a mistyped one', async () => {
    const other = request(2000, '2026-11-26T10:15:00+01:00', REFEREE, referralCode('m-someone-else', SECRET))
    expect(await rewardReferral(store, program, other, { secret: SECRET })).toMatchObject({
      left: { _tag: 'ReferralCodeMismatch', referrerMemberId: 'm-ref' },
    })
    const typo = request(2000, '2026-11-26T10:15:00+01:00', REFEREE, 'ABCDE-FGHJK')
    expect(await rewardReferral(store, program, typo, { secret: SECRET })).toMatchObject({
      left: { _tag: 'InvalidReferralCode' },
    })
  })

  it('refuses self-referral: same member, same card, same account, same household', async () => {
    const at = '2026-11-26T10:15:00+01:00'
    expect(await rewardReferral(store, program, request(2000, at, REFERRER), { secret: SECRET })).toMatchObject({
      left: { _tag: 'SelfReferral', reason: 'SAME_MEMBER' },
    })
    expect(
      await rewardReferral(store, program, request(2000, at, { memberId: 'm-new', card: REFERRER.card }), {
        secret: SECRET,
      }),
    ).toMatchObject({ left: { _tag: 'SelfReferral', reason: 'SAME_CARD' } })
    // a partner with their own card on the referrer's account
    must(await store.saveMember({ memberId: 'm-partner', programId: 'club', joinedAt: T0 }))
    must(await store.issueCard({ number: '2900000000035', accountId: 'a-m-ref', memberId: 'm-partner', at: T0 }))
    const partner = { memberId: 'm-partner', card: '2900000000035' }
    expect(await rewardReferral(store, program, request(2000, at, partner), { secret: SECRET })).toMatchObject({
      left: { _tag: 'SelfReferral', reason: 'SAME_ACCOUNT' },
    })
    // a household member with a separate account
    must(await store.saveMember({ memberId: 'm-kid', programId: 'club', joinedAt: T0 }))
    must(await store.saveHousehold({ householdId: 'h-1', accountId: 'a-m-ref', memberIds: ['m-ref', 'm-kid'] }))
    must(
      await store.openAccount({ accountId: 'a-kid', programId: 'club', memberId: 'm-kid', householdId: 'h-1', at: T0 }),
    )
    must(await store.issueCard({ number: '2900000000042', accountId: 'a-kid', memberId: 'm-kid', at: T0 }))
    const kid = { memberId: 'm-kid', card: '2900000000042' }
    expect(await rewardReferral(store, program, request(2000, at, kid), { secret: SECRET })).toMatchObject({
      left: { _tag: 'SelfReferral', reason: 'SAME_HOUSEHOLD' },
    })
    expect((await balance('a-m-ref')).available).toBe(0)
  })

  it('refuses a card that is not the member’s, and a blocked card, posting nothing', async () => {
    const stolen = { memberId: 'm-new', card: '2900000000099' }
    must(await store.issueCard({ number: '2900000000099', accountId: 'a-m-ref', at: T0 }))
    expect(
      await rewardReferral(store, program, request(2000, '2026-11-26T10:15:00+01:00', stolen), { secret: SECRET }),
    ).toMatchObject({
      left: { _tag: 'CardNotOfMember', card: '2900000000099' },
    })
    must(await store.setCardStatus(REFERRER.card, 'blocked'))
    expect(
      await rewardReferral(store, program, request(2000, '2026-11-26T10:15:00+01:00'), { secret: SECRET }),
    ).toMatchObject({
      left: { _tag: 'CardBlocked' },
    })
    expect(must(await store.entries('a-m-new'))).toHaveLength(0)
  })

  it('caps the referrer per calendar month, still rewarding the referee', async () => {
    const friends = ['m-f1', 'm-f2', 'm-f3', 'm-f4'].map((memberId, i) => ({ memberId, card: `29000000001${i}0` }))
    for (const f of friends) await enrol(f.memberId, f.card)
    const options = { secret: SECRET, monthlyCap: 2 }
    const nov = (day: number) => `2026-11-${String(day).padStart(2, '0')}T10:00:00+01:00`
    must(await rewardReferral(store, program, request(2000, nov(3), friends[0]), options))
    must(await rewardReferral(store, program, request(2000, nov(10), friends[1]), options))
    const third = must(await rewardReferral(store, program, request(2000, nov(30), friends[2]), options))
    expect(third.referrer).toBeUndefined()
    expect(third.referrerCapped).toMatchObject({ _tag: 'ReferralCapReached', cap: 2, month: '2026-11' })
    expect((await balance('a-m-f3')).available).toBe(200)
    // 2 × 500: the third referral did not pay the referrer
    expect((await balance('a-m-ref')).available).toBe(1000)
    // 00:30 on 1 December in Paris is 30 November in UTC, but December for the cap: paid again
    const december = must(
      await rewardReferral(store, program, request(2000, '2026-12-01T00:30:00+01:00', friends[3]), options),
    )
    expect(december.referrer?.key).toBe('referral:m-f4:referrer')
    expect((await balance('a-m-ref')).available).toBe(1500)
  })

  it('keeps referral points pending and expiring like earned points', async () => {
    const withTerms: Program = { ...program, pendingDays: 14, expiry: { afterMonths: 24 } }
    must(await rewardReferral(store, withTerms, request(2000, '2026-11-26T10:00:00+01:00'), { secret: SECRET }))
    expect(await balance('a-m-new', '2026-11-27T00:00:00Z')).toMatchObject({ available: 0, pending: 200 })
    expect(await balance('a-m-new', '2026-12-10T09:00:00Z')).toMatchObject({ available: 200, pending: 0 })
    expect((await balance('a-m-new', '2028-11-26T09:00:00Z')).available).toBe(0)
  })

  it('refuses a program without a referral scheme and bad fields, naming them', async () => {
    expect(
      await rewardReferral(store, { id: 'club' } as Program, request(2000, '2026-11-26T10:00:00+01:00'), {
        secret: SECRET,
      }),
    ).toMatchObject({
      left: { _tag: 'NoReferralScheme' },
    })
    expect(
      await rewardReferral(store, program, request(20.5, '2026-11-26T10:00:00+01:00'), { secret: SECRET }),
    ).toMatchObject({
      left: { _tag: 'InvalidReferralRequest', path: 'purchase.spend' },
    })
    expect(await rewardReferral(store, program, request(2000, '2026-11-26 10:00'), { secret: SECRET })).toMatchObject({
      left: { path: 'purchase.at' },
    })
    expect(
      await rewardReferral(store, program, request(2000, '2026-11-26T10:00:00+01:00', { memberId: '', card: 'x' }), {
        secret: SECRET,
      }),
    ).toMatchObject({ left: { path: 'referee.memberId' } })
  })
})

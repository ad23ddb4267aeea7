import type { LoyaltyStore } from '@tessera/core'
import { memoryLoyaltyStore } from '@tessera/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Program } from '../rules/campaign.codec.js'
import { catalogueFor, redeemReward } from './redeem.js'

const CARD = '2900001234566'
const T0 = Date.parse('2026-11-01T10:00:00+01:00')
const AT = Date.parse('2026-11-26T10:15:00+01:00')

const program: Program = {
  id: 'club',
  rewards: [
    { id: 'voucher-5', cost: 500, grants: { amountOff: { of: 'basket', amount: 500 } } },
    { id: 'tote-bag', cost: 500, grants: { freeItem: { sku: 'BAG-01' } } },
    { id: 'coffee-machine', cost: 5000, grants: { freeItem: { sku: 'COF-9', quantity: 1 } } },
  ],
}

const must = <A>(result: { _tag: 'Left'; left: { message?: string } } | { _tag: 'Right'; right: A }): A => {
  if (result._tag === 'Left') throw new Error(result.left.message)
  return result.right
}

let store: LoyaltyStore
const available = async () => must(await store.balance('a-1', AT)).available
const redeemEntries = async () => must(await store.entries('a-1')).filter((e) => e.kind === 'redeem')

beforeEach(async () => {
  store = memoryLoyaltyStore()
  must(await store.saveMember({ memberId: 'm-1', programId: 'club', joinedAt: T0 }))
  must(await store.openAccount({ accountId: 'a-1', programId: 'club', memberId: 'm-1', at: T0 }))
  must(await store.issueCard({ number: CARD, accountId: 'a-1', memberId: 'm-1', at: T0 }))
  must(await store.post({ kind: 'earn', key: 'seed', at: T0, account: { card: CARD }, points: 800 }))
})

describe('redeemReward', () => {
  it('debits the cost once and grants a personal voucher', async () => {
    // 800 − 500 = 300 points left
    const grant = must(await redeemReward(store, program, { card: CARD, rewardId: 'voucher-5', key: 'r-1', at: AT }))
    expect(grant).toMatchObject({
      kind: 'voucher',
      grantId: 'r-1',
      rewardId: 'voucher-5',
      card: CARD,
      accountId: 'a-1',
      points: 500,
      reward: { amountOff: { of: 'basket', amount: 500 } },
      personalTo: CARD,
      balance: { available: 300 },
    })
    expect(await available()).toBe(300)
  })

  it('grants a gift for a free-item reward', async () => {
    const grant = must(await redeemReward(store, program, { card: CARD, rewardId: 'tote-bag', key: 'r-2', at: AT }))
    expect(grant).toMatchObject({ kind: 'gift', sku: 'BAG-01', quantity: 1, points: 500 })
  })

  it('returns the identical grant on a retry and debits nothing more', async () => {
    const request = { card: CARD, rewardId: 'voucher-5', key: 'r-1', at: AT }
    const first = must(await redeemReward(store, program, request))
    const retry = must(await redeemReward(store, program, request))
    expect(retry).toEqual(first)
    expect(await available()).toBe(300)
    expect(await redeemEntries()).toHaveLength(1)
  })

  it('refuses a key reused for another reward of the same cost, granting nothing', async () => {
    must(await redeemReward(store, program, { card: CARD, rewardId: 'voucher-5', key: 'r-1', at: AT }))
    const other = await redeemReward(store, program, { card: CARD, rewardId: 'tote-bag', key: 'r-1', at: AT })
    expect(other).toMatchObject({ _tag: 'Left', left: { _tag: 'ConflictingReplay', code: 'CONFLICTING_REPLAY' } })
    expect(await available()).toBe(300)
  })

  it('refuses with the ledger’s InsufficientPoints and grants nothing when points are short', async () => {
    const result = await redeemReward(store, program, { card: CARD, rewardId: 'coffee-machine', key: 'r-3', at: AT })
    expect(result).toMatchObject({ left: { _tag: 'InsufficientPoints', available: 800, required: 5000 } })
    expect(await available()).toBe(800)
    expect(await redeemEntries()).toHaveLength(0)
  })

  it('lets only one of two concurrent redemptions through when points cover one', async () => {
    const [a, b] = await Promise.all([
      redeemReward(store, program, { card: CARD, rewardId: 'voucher-5', key: 'c-1', at: AT }),
      redeemReward(store, program, { card: CARD, rewardId: 'tote-bag', key: 'c-2', at: AT }),
    ])
    expect([a._tag, b._tag].sort()).toEqual(['Left', 'Right'])
    expect(await available()).toBe(300)
  })

  it('refuses an unknown reward, naming the known ones, and posts nothing', async () => {
    const result = await redeemReward(store, program, { card: CARD, rewardId: 'yacht', key: 'r-4', at: AT })
    expect(result).toMatchObject({
      left: { _tag: 'UnknownReward', rewardId: 'yacht', known: ['voucher-5', 'tote-bag', 'coffee-machine'] },
    })
    expect(await redeemEntries()).toHaveLength(0)
  })

  it('refuses bad fields by name', async () => {
    expect(await redeemReward(store, program, { card: ' ', rewardId: 'voucher-5', key: 'r', at: AT })).toMatchObject({
      left: { _tag: 'InvalidRewardRequest', path: 'card' },
    })
    expect(await redeemReward(store, program, { card: CARD, rewardId: 'voucher-5', key: '', at: AT })).toMatchObject({
      left: { _tag: 'InvalidPosting' },
    })
    expect(await redeemReward(store, program, { card: '999', rewardId: 'voucher-5', key: 'r', at: AT })).toMatchObject({
      left: { _tag: 'UnknownCard' },
    })
  })

  it('refuses a blocked card', async () => {
    must(await store.setCardStatus(CARD, 'blocked'))
    expect(await redeemReward(store, program, { card: CARD, rewardId: 'voucher-5', key: 'r-5', at: AT })).toMatchObject(
      {
        left: { _tag: 'CardBlocked' },
      },
    )
  })
})

describe('catalogueFor', () => {
  it('lists rewards cheapest first with the points missing', () => {
    expect(catalogueFor(program, 800).map((l) => [l.reward.id, l.affordable, l.missingPoints])).toEqual([
      ['tote-bag', true, 0],
      ['voucher-5', true, 0],
      ['coffee-machine', false, 4200],
    ])
    expect(catalogueFor({}, 800)).toEqual([])
  })
})

import { memoryLoyaltyStore } from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Program } from '../rules/campaign.codec.js'
import { redeemReward } from './redeem.js'

const CARD = '2900001234566'
const AT = Date.parse('2026-11-26T10:15:00+01:00')
const program: Program = {
  id: 'club',
  rewards: [
    { id: 'small', cost: 150, grants: { freeItem: { sku: 'PEN' } } },
    { id: 'medium', cost: 400, grants: { amountOff: { of: 'basket', amount: 400 } } },
    { id: 'large', cost: 900, grants: { percentOff: { of: '*', percent: 10 } } },
  ],
}

/** A request: which reward, under which of a few keys (so that keys repeat: retries and reuses). */
const requestArb = fc.record({
  rewardId: fc.constantFrom('small', 'medium', 'large'),
  key: fc.integer({ min: 0, max: 5 }),
})

describe('redeemReward (properties)', () => {
  it('debits exactly the cost of each distinct granted key, never more than the balance', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2000 }),
        fc.array(requestArb, { maxLength: 12 }),
        async (seed, requests) => {
          const store = memoryLoyaltyStore()
          await store.saveMember({ memberId: 'm', programId: 'club', joinedAt: AT })
          await store.openAccount({ accountId: 'a', programId: 'club', memberId: 'm', at: AT })
          await store.issueCard({ number: CARD, accountId: 'a', memberId: 'm', at: AT })
          if (seed > 0) await store.post({ kind: 'earn', key: 'seed', at: AT, account: { card: CARD }, points: seed })
          const granted = new Map<string, number>()
          for (const r of requests) {
            const key = `k-${r.key}`
            const result = await redeemReward(store, program, { card: CARD, rewardId: r.rewardId, key, at: AT })
            if (result._tag === 'Right') {
              const before = granted.get(key)
              // a key grants once: a repeat returns the first grant, for the same reward
              if (before !== undefined) expect(result.right.points).toBe(before)
              granted.set(key, result.right.points)
              expect(result.right.rewardId).toBe(r.rewardId)
            }
          }
          const balance = await store.balance('a', AT)
          if (balance._tag === 'Left') throw new Error(balance.left.message)
          const spent = [...granted.values()].reduce((a, b) => a + b, 0)
          expect(balance.right.available).toBe(seed - spent)
          expect(balance.right.available).toBeGreaterThanOrEqual(0)
        },
      ),
      { numRuns: 60 },
    )
  })
})

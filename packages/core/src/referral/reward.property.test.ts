import { memoryLoyaltyStore } from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Program } from '../rules/campaign.codec.js'
import { referralCode } from './code.js'
import { rewardReferral } from './reward.js'

const SECRET = 's'
const T0 = Date.parse('2026-10-01T00:00:00Z')
const program: Program = { id: 'club', referral: { referrerPoints: 500, refereePoints: 200, qualifyingSpend: 2000 } }
const purchaseArb = fc.record({
  spend: fc.integer({ min: 0, max: 6000 }),
  day: fc.integer({ min: 1, max: 28 }),
})

describe('rewardReferral (properties)', () => {
  it('pays each side once, on the first qualifying purchase, whatever the purchases and retries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(purchaseArb, { maxLength: 8 }), fc.boolean(), async (purchases, retry) => {
        const store = memoryLoyaltyStore()
        for (const [memberId, card] of [
          ['m-ref', '2900000000011'],
          ['m-new', '2900000000028'],
        ] as const) {
          await store.saveMember({ memberId, programId: 'club', joinedAt: T0 })
          await store.openAccount({ accountId: `a-${memberId}`, programId: 'club', memberId, at: T0 })
          await store.issueCard({ number: card, accountId: `a-${memberId}`, memberId, at: T0 })
        }
        // the purchases happen in time order
        const sorted = [...purchases].sort((a, b) => a.day - b.day)
        const firstQualifying = sorted.find((p) => p.spend >= 2000)
        for (const p of sorted) {
          const request = {
            referrer: { memberId: 'm-ref', card: '2900000000011' },
            referee: { memberId: 'm-new', card: '2900000000028' },
            code: referralCode('m-ref', SECRET),
            purchase: { spend: p.spend, at: `2026-11-${String(p.day).padStart(2, '0')}T10:00:00Z` },
          }
          for (let i = 0; i < (retry ? 2 : 1); i++) {
            const result = await rewardReferral(store, program, request, { secret: SECRET })
            // only the first qualifying purchase (or a replay of it, same instant) is rewarded
            if (result._tag === 'Right') expect(p.day).toBe(firstQualifying?.day)
            else expect(['NotQualifyingPurchase', 'RefereeAlreadyRewarded']).toContain(result.left._tag)
          }
        }
        const referrer = await store.balance('a-m-ref', Date.parse('2026-12-31T00:00:00Z'))
        const referee = await store.balance('a-m-new', Date.parse('2026-12-31T00:00:00Z'))
        if (referrer._tag === 'Left' || referee._tag === 'Left') throw new Error('no balance')
        expect(referrer.right.available).toBe(firstQualifying === undefined ? 0 : 500)
        expect(referee.right.available).toBe(firstQualifying === undefined ? 0 : 200)
      }),
      { numRuns: 60 },
    )
  })
})

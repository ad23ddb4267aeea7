import { type Campaign, createCheckout, enginePricer, type Program, type ReturnLine } from '@tessera/core'
import { customerUsageKeys, limitedCandidates, usageSnapshotOf } from '@tessera/core/checkout'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AT, basketOf, CARD, line, ok, TEST_KEYRING } from '../checkout-conformance/checkoutStoreConformance.js'
import { fixedClock } from '../clock.js'
import { memoryLoyaltyStore } from '../memory/memoryStore.js'
import { memoryCheckoutStore } from './memoryCheckoutStore.js'

const SKUS = ['A', 'B', 'C', 'D']
const program: Program = { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 14 }

const limitsArb = fc.record(
  {
    total: fc.integer({ min: 1, max: 5 }),
    perCustomer: fc.record({
      count: fc.integer({ min: 1, max: 3 }),
      period: fc.constantFrom('day' as const, 'campaign' as const),
    }),
    budget: fc.record(
      { discount: fc.integer({ min: 1, max: 3000 }), points: fc.integer({ min: 1, max: 300 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
)
const campaignArb = (id: string): fc.Arbitrary<Campaign> =>
  fc
    .record({
      reward: fc.oneof(
        fc.record({
          percentOff: fc.record({
            of: fc.oneof(
              fc.constant('*' as const),
              fc.subarray(SKUS, { minLength: 1 }).map((sku) => ({ sku })),
            ),
            percent: fc.integer({ min: 1, max: 100 }),
          }),
        }),
        fc.record({
          amountOff: fc.record({ of: fc.constant('basket' as const), amount: fc.integer({ min: 1, max: 5000 }) }),
        }),
        fc.record({ points: fc.record({ fixed: fc.integer({ min: 1, max: 200 }) }) }),
        fc.record({
          issueCoupon: fc.record({
            template: fc.constantFrom('t1', 't2'),
            validForDays: fc.integer({ min: 1, max: 60 }),
          }),
        }),
      ),
      limits: limitsArb,
      priority: fc.integer({ min: 0, max: 3 }),
      coded: fc.boolean(),
    })
    .map(({ reward, limits, priority, coded }) => ({
      id,
      status: 'active' as const,
      reward: reward as Campaign['reward'],
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
      stacking: { priority },
      ...(coded ? { code: { required: true, pool: 'P' } } : {}),
    }))

const linesArb = fc
  .array(
    fc.record({
      sku: fc.constantFrom(...SKUS),
      quantity: fc.integer({ min: 1, max: 5 }),
      unitPrice: fc.integer({ min: 1, max: 5000 }),
    }),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((ls) => ls.map((l, i) => line(String(i + 1), l.sku, l.quantity, l.unitPrice)))

/** A memory shop with one card, a code pool P-1…P-4 and the campaigns. */
const shopWith = async (campaigns: readonly Campaign[]) => {
  const loyalty = memoryLoyaltyStore()
  const store = memoryCheckoutStore(loyalty)
  ok(await loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 }))
  ok(await loyalty.issueCard({ number: CARD, accountId: 'acc-1', at: 0 }))
  ok(await store.putPool({ id: 'P', kind: { type: 'singleUse' } }))
  ok(await store.addCodes('P', ['P-1', 'P-2', 'P-3', 'P-4']))
  const price = enginePricer(campaigns, { storeTimeZone: 'Europe/Paris' }, program)
  const checkout = createCheckout({
    store,
    price,
    campaigns,
    program,
    keyring: TEST_KEYRING,
    keyId: 'K1',
    clock: fixedClock(AT),
    storeTimeZone: 'Europe/Paris',
  })
  return { loyalty, store, checkout, price }
}

describe('close then full return (property)', () => {
  it('puts every balance, usage count, budget, code and coupon count back as it was', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(campaignArb('c1'), campaignArb('c2'), campaignArb('c3')),
        fc.array(linesArb, { minLength: 0, maxLength: 2 }),
        linesArb,
        fc.boolean(),
        fc.boolean(),
        async (campaigns, before, lines, withCode, split) => {
          const { loyalty, store, checkout } = await shopWith(campaigns)
          // earlier sales make the counters non-zero
          for (const [i, ls] of before.entries()) {
            ok(
              await checkout.close({
                basket: basketOf(`B-${i}`, ls, { card: CARD, codes: [`P-${i + 2}`] }),
                tenders: [],
              }),
            )
          }
          const state = async () => ({
            balance: ok(await loyalty.balance('acc-1', Date.parse(AT))),
            usage: await store.usage(['c1', 'c2', 'c3'], []),
            perCustomer: await store.usage(
              [],
              ['c1', 'c2', 'c3'].flatMap((campaignId) =>
                ['2026-11-26', 'campaign'].map((bucket) => ({ campaignId, customer: `card:${CARD}`, bucket })),
              ),
            ),
            code: await store.code('P-1'),
            coupons: await store.couponUsage(
              ['t1', 't2'].map((template) => ({ template, customer: `card:${CARD}`, bucket: '2026-11-26' })),
            ),
          })
          const s0 = await state()
          const sale = ok(
            await checkout.close({
              basket: basketOf('T', lines, { card: CARD, ...(withCode ? { codes: ['P-1'] } : {}) }),
              tenders: [],
            }),
          )
          const all: ReturnLine[] = lines.map((l) => ({ lineId: l.id, quantity: l.quantity }))
          const parts = split
            ? [
                all.map((l) => ({ ...l, quantity: Math.ceil(l.quantity / 2) })),
                all.map((l) => ({ ...l, quantity: Math.floor(l.quantity / 2) })).filter((l) => l.quantity > 0),
              ]
            : [all]
          let refund = 0
          let clawed = 0
          for (const [i, part] of parts.filter((p) => p.length > 0).entries()) {
            const r = ok(await checkout.return({ returnId: `R-${i}`, transactionId: 'T', at: AT, lines: part }))
            refund += r.refund
            clawed += r.pointsClawedBack
          }
          expect(refund).toBe(sale.total)
          expect(clawed).toBe(sale.points.earned)
          const s1 = await state()
          expect({ ...s1, balance: { ...s1.balance, asOf: 0 } }).toEqual({ ...s0, balance: { ...s0.balance, asOf: 0 } })
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('a price reads every limited campaign up front and evaluates once (property)', () => {
  it('gives the evaluation of the two-step way: find the limited campaigns that concern the basket, read them, price again', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(campaignArb('c1'), campaignArb('c2'), campaignArb('c3')),
        fc.array(linesArb, { minLength: 0, maxLength: 3 }),
        linesArb,
        async (campaigns, before, lines) => {
          const { store, checkout, price } = await shopWith(campaigns)
          // Earlier sales spend the limits and budgets, some to the end.
          for (const [i, ls] of before.entries()) {
            ok(
              await checkout.close({
                basket: basketOf(`B-${i}`, ls, { card: CARD, codes: [`P-${i + 2}`] }),
                tenders: [],
              }),
            )
          }
          const basket = basketOf('T', lines, { card: CARD, codes: ['P-1'] })
          const priced = ok(await checkout.price({ basket }))
          // The two-step way, by hand, with the customer the checkout judged.
          const byId = new Map(campaigns.map((c) => [c.id, c]))
          const customer = priced.customer
          const input = { basket, ...(customer !== undefined ? { customer } : {}), codes: [{ code: 'P-1', pool: 'P' }] }
          const first = price({ ...input, usage: {} })
          const limited = limitedCandidates(first, byId)
          const key = `card:${CARD}`
          const rows = await store.usage(limited, customerUsageKeys(limited, byId, key, AT, 'Europe/Paris'))
          const twoStep =
            limited.length === 0
              ? first
              : price({ ...input, usage: usageSnapshotOf(rows, limited, byId, key, AT, 'Europe/Paris') })
          expect(priced.evaluation).toEqual(twoStep)
        },
      ),
      { numRuns: 200 },
    )
  })
})

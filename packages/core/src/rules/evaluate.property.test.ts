import { basketArb } from '@tessera/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Customer } from '../customer/customer.codec.js'
import type { Campaign, Condition, Program, Reward, Selector } from './campaign.codec.js'
import { CampaignCodec } from './campaign.codec.js'
import { compile } from './compile.js'
import { evaluate } from './evaluate.js'
import { EvaluationCodec } from './evaluation.codec.js'

const SKUS = Array.from({ length: 30 }, (_, i) => `SKU-${String(i).padStart(4, '0')}`)

const selectorArb: fc.Arbitrary<Selector> = fc.oneof(
  fc.constant('*' as const),
  fc.subarray(SKUS, { minLength: 1, maxLength: 4 }).map((sku) => ({ sku })),
  fc
    .subarray(['grocery', 'grocery/spreads', 'fresh', 'drinks', 'tobacco'], { minLength: 1 })
    .map((category) => ({ category })),
  fc.subarray(['Nutella', 'Barilla', 'Danone'], { minLength: 1 }).map((brand) => ({ brand })),
  fc.subarray(['organic', 'promo'], { minLength: 1 }).map((tag) => ({ tag })),
)

const percentArb = fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100)

const rewardArb: fc.Arbitrary<Reward> = fc.oneof(
  fc.record({ of: selectorArb, percent: percentArb }).map((percentOff) => ({ percentOff })),
  fc
    .record({
      of: selectorArb,
      percent: percentArb,
      maxUnits: fc.integer({ min: 1, max: 5 }),
      cap: fc.integer({ min: 0, max: 5000 }),
    })
    .map((percentOff) => ({ percentOff })),
  fc
    .record({ of: fc.oneof(selectorArb, fc.constant('basket' as const)), amount: fc.integer({ min: 0, max: 20_000 }) })
    .map((amountOff) => ({ amountOff })),
  fc
    .record({ of: selectorArb, quantity: fc.integer({ min: 1, max: 4 }), price: fc.integer({ min: 0, max: 3000 }) })
    .map((fixedPrice) => ({ fixedPrice })),
  fc
    .record({
      buy: fc.record({ of: selectorArb, quantity: fc.integer({ min: 1, max: 3 }) }),
      get: fc.record({ of: selectorArb, quantity: fc.integer({ min: 1, max: 2 }), percent: percentArb }),
    })
    .map((buyGet) => ({ buyGet })),
  fc
    .record({
      items: fc.array(fc.record({ of: selectorArb, quantity: fc.integer({ min: 1, max: 2 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
      price: fc.integer({ min: 0, max: 2000 }),
    })
    .map((bundle) => ({ bundle })),
  fc
    .record({ of: selectorArb, low: fc.integer({ min: 0, max: 5000 }), p1: percentArb, p2: percentArb })
    .map(({ of, low, p1, p2 }) => ({
      tieredPercentOff: {
        of,
        tiers: [
          { atLeast: low, percent: p1 },
          { atLeast: low + 1000, percent: p2 },
        ],
      },
    })),
  fc.constant({ points: { fixed: 25 } }),
  fc.constant({ points: { multiplier: 2 } }),
)

const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ of: selectorArb, atLeast: fc.integer({ min: 1, max: 4 }) }).map((quantity) => ({ quantity })),
  fc
    .record({ atLeast: fc.integer({ min: 0, max: 20_000 }), basis: fc.constantFrom('gross' as const, 'net' as const) })
    .map((spend) => ({ spend })),
  fc.record({ of: selectorArb, atLeast: fc.integer({ min: 1, max: 3 }) }).map((distinct) => ({ distinct })),
  selectorArb.map((contains) => ({ contains })),
)

/** A valid active campaign over the SKUs, categories, brands and tags of `basketArb`. */
const campaignArb = (id: string): fc.Arbitrary<Campaign> =>
  fc
    .record({
      reward: rewardArb,
      trigger: fc.option(conditionArb, { nil: undefined }),
      priority: fc.integer({ min: -2, max: 2 }),
      exclusive: fc.boolean(),
      group: fc.option(fc.constantFrom('g1', 'g2'), { nil: undefined }),
      perBasket: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    })
    .map(({ reward, trigger, priority, exclusive, group, perBasket }) => {
      const c = {
        id,
        status: 'active',
        reward,
        ...(trigger === undefined ? {} : { trigger }),
        // An exclusive campaign has no group (the codec refuses both).
        stacking:
          exclusive && priority > 1
            ? { priority, exclusive: true }
            : { priority, exclusive: false, ...(group === undefined ? {} : { group }) },
        ...(perBasket === undefined ? {} : { limits: { perBasket } }),
      }
      const decoded = CampaignCodec.decode(c)
      if (decoded._tag === 'Left') throw new Error(`campaignArb made an invalid campaign: ${JSON.stringify(c)}`)
      return decoded.right
    })

const campaignsArb = fc
  .integer({ min: 0, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => campaignArb(`camp-${i}`))))

const customerArb: fc.Arbitrary<Customer | undefined> = fc.option(
  fc.record({ card: fc.constant('2900001234566'), tier: fc.constantFrom('gold', 'silver') }),
  { nil: undefined },
)

const program: Program = {
  id: 'club',
  earn: { points: 1, per: 100, exclude: { category: ['tobacco'] } },
  tiers: [{ id: 'gold', qualify: { spend: 1, windowMonths: 12 }, multiplier: 1.5 }],
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

const input = fc.record({ basket: basketArb({ maxLines: 10 }), campaigns: campaignsArb, customer: customerArb })

describe('evaluate (properties)', () => {
  it('the generators exercise the engine: most runs with campaigns give discounts, points or units consumed', () => {
    let withDiscount = 0
    let runs = 0
    fc.assert(
      fc.property(input, ({ basket, campaigns, customer }) => {
        if (campaigns.length === 0) return
        runs++
        if (evaluate(compile(campaigns), basket, customer, program).discountTotal > 0) withDiscount++
      }),
      { numRuns: 300 },
    )
    // A property that never sees a discount would prove nothing about allocations.
    expect(withDiscount / runs).toBeGreaterThan(0.3)
  })

  it('allocations sum to each discount, line discounts sum to discountTotal, all integers, a valid Evaluation', () => {
    fc.assert(
      fc.property(input, ({ basket, campaigns, customer }) => {
        const e = evaluate(compile(campaigns), basket, customer, program)
        const perLine = new Map<string, number>()
        for (const d of e.discounts) {
          expect(d.amount).toBeGreaterThan(0)
          expect(d.allocations.reduce((s, a) => s + a.amount, 0)).toBe(d.amount)
          for (const a of d.allocations) perLine.set(a.lineId, (perLine.get(a.lineId) ?? 0) + a.amount)
        }
        for (const l of e.lines) {
          expect(Number.isSafeInteger(l.discount) && Number.isSafeInteger(l.net)).toBe(true)
          expect(l.discount).toBe(perLine.get(l.id) ?? 0)
          expect(l.amount - l.discount).toBe(l.net)
        }
        expect(e.lines.reduce((s, l) => s + l.discount, 0)).toBe(e.discountTotal)
        expect(EvaluationCodec.decode(JSON.parse(JSON.stringify(e)))._tag).toBe('Right')
        expect(e.subtotal - e.discountTotal).toBe(e.total)
        for (const b of e.points.breakdown) {
          expect((b.allocations ?? []).reduce((s, a) => s + a.points, 0)).toBe(b.points)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('no line goes below zero and non-discountable lines are never touched', () => {
    fc.assert(
      fc.property(input, ({ basket, campaigns, customer }) => {
        const e = evaluate(compile(campaigns), basket, customer, program)
        for (const [i, l] of e.lines.entries()) {
          expect(l.net).toBeGreaterThanOrEqual(0)
          if (basket.lines[i]?.discountable === false) expect(l.discount).toBe(0)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('is deterministic and mutates none of its inputs (deep-frozen)', () => {
    fc.assert(
      fc.property(input, ({ basket, campaigns, customer }) => {
        const before = JSON.stringify({ basket, campaigns, customer })
        const compiled = compile(deepFreeze(campaigns))
        const a = evaluate(compiled, deepFreeze(basket), deepFreeze(customer), deepFreeze(program))
        const b = evaluate(compiled, basket, customer, program)
        expect(b).toEqual(a)
        expect(JSON.stringify({ basket, campaigns, customer })).toBe(before)
      }),
      { numRuns: 150 },
    )
  })

  it('shuffling the campaign list changes nothing', () => {
    fc.assert(
      fc.property(
        input.chain((i) =>
          fc.shuffledSubarray(i.campaigns, { minLength: i.campaigns.length }).map((s) => ({ ...i, shuffled: s })),
        ),
        ({ basket, campaigns, customer, shuffled }) => {
          expect(evaluate(compile(shuffled), basket, customer, program)).toEqual(
            evaluate(compile(campaigns), basket, customer, program),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('adding a campaign that concerns no basket line changes nothing', () => {
    const elsewhere: Campaign = {
      id: 'elsewhere',
      status: 'active',
      trigger: { quantity: { of: { sku: ['NOT-IN-ANY-BASKET'] }, atLeast: 1 } },
      reward: { percentOff: { of: { sku: ['NOT-IN-ANY-BASKET'] }, percent: 50 } },
      stacking: { priority: 5, exclusive: true },
    }
    fc.assert(
      fc.property(input, ({ basket, campaigns, customer }) => {
        expect(evaluate(compile([...campaigns, elsewhere]), basket, customer, program)).toEqual(
          evaluate(compile(campaigns), basket, customer, program),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('the capped nudges are exactly the first maxNudges of the uncapped list, which is in nudge order', () => {
    const kindRank = (m: { amount?: number }) => (m.amount === undefined ? 0 : 3)
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 6 }), ({ basket, campaigns, customer }, max) => {
        const all = evaluate(compile(campaigns, { maxNudges: Number.POSITIVE_INFINITY }), basket, customer, program)
        const capped = evaluate(compile(campaigns, { maxNudges: max }), basket, customer, program)
        expect(capped.nudges).toEqual(all.nudges.slice(0, max))
        // The rest of the evaluation does not depend on the cap.
        expect({ ...capped, nudges: [] }).toEqual({ ...all, nudges: [] })
        // Uncapped: items before money, and the amounts from the smallest up. (Item counts are
        // ordered by kind first, quantity before distinct, which the output does not show.)
        for (let i = 1; i < all.nudges.length; i++) {
          const a = all.nudges[i - 1]!.missing
          const b = all.nudges[i]!.missing
          expect(kindRank(a)).toBeLessThanOrEqual(kindRank(b))
          if (a.amount !== undefined && b.amount !== undefined) expect(a.amount).toBeLessThanOrEqual(b.amount)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('evaluations that share a compiled list leave nothing behind for each other', () => {
    // The engine lends evaluations reusable buffers: evaluating other baskets in between, a basket
    // inside another evaluation (a getter on the basket), or one that throws must not change any answer.
    fc.assert(
      fc.property(input, input, ({ basket, campaigns, customer }, other) => {
        const compiled = compile(campaigns)
        const first = evaluate(compiled, basket, customer, program)
        evaluate(compiled, other.basket, other.customer, program)
        expect(evaluate(compiled, basket, customer, program)).toEqual(first)
        let inner: unknown
        const nested = Object.defineProperty({ ...basket }, 'codes', {
          enumerable: true,
          get: () => {
            inner ??= evaluate(compiled, other.basket, other.customer, program)
            return basket.codes
          },
        })
        expect(evaluate(compiled, nested, customer, program)).toEqual(first)
        expect(inner).toEqual(evaluate(compiled, other.basket, other.customer, program))
        // An evaluation that throws half-way through finding its candidates (a line whose
        // categories cannot be read) leaves nothing behind either.
        const broken = Object.defineProperty({ ...other.basket.lines[0]! }, 'categories', {
          get: () => {
            throw new Error('unreadable')
          },
        })
        const half = { ...other.basket, lines: [...other.basket.lines, broken] }
        expect(() => evaluate(compiled, half, other.customer, program)).toThrow('unreadable')
        expect(evaluate(compiled, basket, customer, program)).toEqual(first)
      }),
      { numRuns: 150 },
    )
  })
})

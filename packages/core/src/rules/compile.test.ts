import { describe, expect, it } from 'vitest'
import type { Campaign } from './campaign.codec.js'
import { compile, DEFAULT_MAX_NUDGES } from './compile.js'
import type { Engine } from './engine.js'
import { evaluate } from './evaluate.js'
import { basket, campaigns, line, run } from './testkit.js'

const off = { amountOff: { of: 'basket', amount: 1 } }

describe('compile: the index', () => {
  it('indexes by SKU, category (with parents), brand and tag; basket-wide campaigns go in "always"', () => {
    const compiled = compile(
      campaigns([
        { trigger: { quantity: { of: { sku: ['x'] }, atLeast: 2 } }, reward: off },
        { trigger: { spend: { of: { category: ['grocery'] }, atLeast: 2000 } }, reward: off },
        { reward: { percentOff: { of: { brand: ['Nutella'] }, percent: 5 } } },
        { reward: { percentOff: { of: { tag: ['organic'] }, percent: 5 } } },
        { trigger: { spend: { atLeast: 5000 } }, reward: { percentOff: { of: '*', percent: 5 } } },
      ]),
    )
    const engine = compiled.engine as Engine
    expect([...engine.bySku.keys()]).toEqual(['x'])
    expect([...engine.byCategory.keys()]).toEqual(['grocery'])
    expect([...engine.byBrand.keys()]).toEqual(['Nutella'])
    expect([...engine.byTag.keys()]).toEqual(['organic'])
    expect(engine.always.map((i) => engine.entries[i]?.id)).toEqual(['c5'])
  })

  it('a basket only touches the campaigns that can concern it', () => {
    // A grocery/spreads line brings the `grocery` campaign (parent) but not the SKU, brand or tag ones.
    const e = run(
      [
        { trigger: { quantity: { of: { sku: ['x'] }, atLeast: 2 } }, reward: off },
        { trigger: { spend: { of: { category: ['grocery'] }, atLeast: 2000 } }, reward: off },
        { reward: { percentOff: { of: { brand: ['Nutella'] }, percent: 5 } } },
        { reward: { percentOff: { of: { tag: ['organic'] }, percent: 5 } } },
      ],
      basket([line('1', 'y', 1, 100, { categories: ['grocery/spreads'] })]),
    )
    expect(e.explanations.map((x) => x.campaignId)).toEqual(['c2'])
  })

  it('does not mutate its input and does not depend on its order', () => {
    const list = campaigns([
      { reward: off, stacking: { priority: 1 } },
      { reward: off },
      { reward: off, stacking: { priority: 3 } },
    ])
    const copy = JSON.parse(JSON.stringify(list)) as Campaign[]
    const compiled = compile(list)
    expect(list).toEqual(copy)
    expect(compiled.campaigns.map((c) => c.id)).toEqual(['c3', 'c1', 'c2'])
    expect(compile([...list].reverse()).campaigns.map((c) => c.id)).toEqual(['c3', 'c1', 'c2'])
  })
})

describe('compile: lint problems', () => {
  const codes = (docs: unknown[], options = {}) =>
    compile(campaigns(docs), options).problems.map((p) => [p.campaignId, p.code])

  it('reports campaigns that are not active, ended (given now), or duplicated', () => {
    const list = campaigns([
      { status: 'draft', reward: off },
      { validity: { until: '2026-01-01T00:00:00Z' }, reward: off },
    ])
    expect(
      compile([...list, list[1] as Campaign], { now: '2026-06-01T00:00:00Z' }).problems.map((p) => [
        p.campaignId,
        p.code,
      ]),
    ).toEqual([
      ['c1', 'NOT_ACTIVE'],
      ['c2', 'DUPLICATE_ID'],
      ['c2', 'ENDED'],
    ])
  })

  it('reports unsatisfiable selectors and rewards that give nothing', () => {
    expect(
      codes([
        { reward: { percentOff: { of: { all: [{ sku: ['a'] }, { sku: ['b'] }] }, percent: 10 } } },
        { trigger: { quantity: { of: { not: '*' }, atLeast: 1 } }, reward: off },
        { reward: { amountOff: { of: 'basket', amount: 0 } } },
      ]),
    ).toEqual([
      ['c1', 'UNSATISFIABLE_REWARD_SELECTOR'],
      ['c2', 'UNSATISFIABLE_TRIGGER_SELECTOR'],
      ['c3', 'ZERO_REWARD'],
    ])
  })

  it('reports a percentage that an unconditional exclusive percentage on everything always beats', () => {
    // c2 is the only other discount: alone it gives at most 15 % of part of the basket, never more
    // than 20 % of all of it, so it can never be chosen.
    expect(
      codes([
        { reward: { percentOff: { of: '*', percent: 20 } }, stacking: { exclusive: true } },
        { reward: { percentOff: { of: { sku: ['a'] }, percent: 15 } } },
      ]),
    ).toEqual([['c2', 'SHADOWED_BY_EXCLUSIVE']])
  })

  it('is certain when every other stackable discount is in the same group (one per group applies)', () => {
    expect(
      codes([
        { reward: { percentOff: { of: '*', percent: 20 } }, stacking: { exclusive: true } },
        { reward: { percentOff: { of: { sku: ['a'] }, percent: 15 } }, stacking: { group: 'g' } },
        { reward: { percentOff: { of: { sku: ['a'] }, percent: 25 } }, stacking: { group: 'g' } },
      ]),
    ).toEqual([['c2', 'SHADOWED_BY_EXCLUSIVE']])
  })

  it('only hints (MAY_BE_SHADOWED_BY_EXCLUSIVE) when the campaign can stack with others into a better deal', () => {
    const docs = [
      { id: 'blanket-15', reward: { percentOff: { of: '*', percent: 15 } }, stacking: { exclusive: true } },
      { id: 'coffee-20', reward: { percentOff: { of: { sku: ['coffee'] }, percent: 20 } } },
      { id: 'wine-10', reward: { percentOff: { of: { sku: ['wine'] }, percent: 10 } } },
    ]
    // wine-10 alone never beats 15 % of everything, so the lint hints; but stacked with coffee-20
    // it does: coffee 1000 and wine 1000 give 200 + 100 = 300 against 15 % of 2000 = 300 (a tie,
    // the exclusive wins), and with coffee 2000: 400 + 100 = 500 against 450, so both apply.
    expect(codes(docs)).toEqual([['wine-10', 'MAY_BE_SHADOWED_BY_EXCLUSIVE']])
    const e = evaluate(compile(campaigns(docs)), basket([line('1', 'coffee', 1, 2000), line('2', 'wine', 1, 1000)]))
    expect(e.discounts.map((d) => [d.campaignId, d.amount])).toEqual([
      ['coffee-20', 400],
      ['wine-10', 100],
    ])
  })

  it('reports an unknown store time zone and falls back to basket offsets', () => {
    expect(codes([{ reward: off }], { storeTimeZone: 'Mars/Olympus' })).toEqual([['*', 'UNKNOWN_TIME_ZONE']])
  })

  it('refuses a maxNudges that is not a whole number ≥ 0 nor Infinity, and keeps the default of 5', () => {
    for (const maxNudges of [-1, 2.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
      const compiled = compile(campaigns([{ reward: off }]), { maxNudges })
      expect(compiled.problems).toEqual([
        {
          campaignId: '*',
          code: 'INVALID_MAX_NUDGES',
          message: `maxNudges ${maxNudges} is not a whole number ≥ 0 nor Infinity`,
        },
      ])
      expect((compiled.engine as Engine).maxNudges).toBe(DEFAULT_MAX_NUDGES)
    }
    for (const maxNudges of [0, 3, Number.POSITIVE_INFINITY]) {
      const compiled = compile(campaigns([{ reward: off }]), { maxNudges })
      expect(compiled.problems).toEqual([])
      expect((compiled.engine as Engine).maxNudges).toBe(maxNudges)
    }
  })
})

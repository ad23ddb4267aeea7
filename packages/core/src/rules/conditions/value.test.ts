import { describe, expect, it } from 'vitest'
import { decodeCustomer } from '../../documents.js'
import { decodeCampaigns } from '../campaign.codec.js'
import { basket, line, run } from '../testkit.js'

const reward = { amountOff: { of: 'basket', amount: 100 } }
const b = basket([line('1', 'a', 1, 1000)], { card: '2900001234566' })
const card = '2900001234566'
const valued = (shareAbove: number, pAlive: number) => ({ card, value: { clv: 52_000, pAlive, shareAbove } })
const evaluate = (condition: unknown, customer?: Parameters<typeof run>[2]) =>
  run([{ eligibility: { customer: condition }, reward }], b, customer)

describe('value conditions', () => {
  it('{ value: { topShare } } passes for the members who carry the top share of predicted value', () => {
    expect(evaluate({ value: { topShare: 0.2 } }, valued(0, 0.9)).discountTotal).toBe(100)
    expect(evaluate({ value: { topShare: 0.2 } }, valued(0.19, 0.9)).discountTotal).toBe(100)
    const out = evaluate({ value: { topShare: 0.2 } }, valued(0.2, 0.9))
    expect(out.discountTotal).toBe(0)
    expect(out.explanations[0]?.reasons).toEqual([
      expect.objectContaining({ code: 'CUSTOMER_CONDITION', by: 'value', required: 0.2, actual: 0.2 }),
    ])
  })

  it('{ alive: { below } } reaches the members probably slipping away, and combines with value (valuable but slipping)', () => {
    expect(evaluate({ alive: { below: 0.5 } }, valued(0.5, 0.3)).discountTotal).toBe(100)
    expect(evaluate({ alive: { below: 0.5 } }, valued(0.5, 0.5)).discountTotal).toBe(0)
    expect(evaluate({ alive: { atLeast: 0.8 } }, valued(0.5, 0.8)).discountTotal).toBe(100)
    const winBack = { all: [{ value: { topShare: 0.2 } }, { alive: { below: 0.5 } }] }
    expect(evaluate(winBack, valued(0.05, 0.3)).discountTotal).toBe(100)
    expect(evaluate(winBack, valued(0.05, 0.7)).discountTotal).toBe(0)
    expect(evaluate(winBack, valued(0.6, 0.3)).discountTotal).toBe(0)
  })

  it('explains a P(alive) out of range with the interval required', () => {
    expect(evaluate({ alive: { below: 0.5 } }, valued(0.5, 0.7)).explanations[0]?.reasons).toEqual([
      expect.objectContaining({ by: 'alive', required: '[0, 0.5)', actual: 0.7 }),
    ])
    expect(evaluate({ alive: { atLeast: 0.8 } }, valued(0.5, 0.2)).explanations[0]?.reasons).toEqual([
      expect.objectContaining({ by: 'alive', required: '[0.8, 1]', actual: 0.2 }),
    ])
  })

  it('a customer without a value snapshot fails both, saying so', () => {
    for (const condition of [{ value: { topShare: 0.2 } }, { alive: { below: 0.5 } }]) {
      const out = evaluate(condition, { card })
      expect(out.discountTotal).toBe(0)
      expect(out.explanations[0]?.reasons).toEqual([
        expect.objectContaining({ code: 'CUSTOMER_CONDITION', message: 'no value snapshot on file' }),
      ])
    }
  })
})

describe('value condition codecs', () => {
  const campaign = (customer: unknown) => [{ id: 'c', status: 'active', eligibility: { customer }, reward }]

  it('decode the DSL forms', () => {
    expect(decodeCampaigns(campaign({ value: { topShare: 0.2 } }))._tag).toBe('Right')
    expect(decodeCampaigns(campaign({ alive: { below: 0.5, atLeast: 0.1 } }))._tag).toBe('Right')
  })

  it('refuse a share outside (0, 1], an empty alive, a probability past 1 and a typo, naming the path', () => {
    const message = (customer: unknown) => {
      const d = decodeCampaigns(campaign(customer))
      return d._tag === 'Left' ? d.left.message : 'decoded'
    }
    expect(message({ value: { topShare: 0 } })).toContain(
      '0.eligibility.customer.value.topShare: must be a share within (0, 1]',
    )
    expect(message({ value: { topShare: 20 } })).toContain('value.topShare')
    expect(message({ alive: {} })).toContain('0.eligibility.customer.alive.below: give "below", "atLeast" or both')
    expect(message({ alive: { below: 1.5 } })).toContain('alive.below: must be a number within [0, 1]')
    expect(message({ alive: { bellow: 0.5 } })).toContain('alive.bellow')
  })

  it('the customer document carries the snapshot, refused field by field', () => {
    expect(
      decodeCustomer({ card, value: { clv: 52000, pAlive: 0.4, shareAbove: 0.1, rank: 3, asOf: '2026-11-30' } })._tag,
    ).toBe('Right')
    const bad = decodeCustomer({ card, value: { clv: 520.5, pAlive: 1.2, shareAbove: 0.1 } })
    expect(bad._tag === 'Left' && bad.left.problems.map((p) => p.path)).toEqual(['value.clv', 'value.pAlive'])
  })
})

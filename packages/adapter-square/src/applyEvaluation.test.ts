import { compile, type DecodeError, decodeCampaigns, type Evaluation, evaluate, minor } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { applyEvaluation } from './applyEvaluation.js'
import { calculateOrder } from './calculate.js'
import { orderToBasket } from './toBasket.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}
const paths = (e: Either<DecodeError, unknown>) => (e._tag === 'Left' ? e.left.problems.map((p) => p.path) : [])
const eur = (amount: number) => ({ amount, currency: 'EUR' })

const ORDER = {
  id: 'ORD-7',
  location_id: 'LOC-1',
  created_at: '2026-11-26T10:15:00+01:00',
  state: 'OPEN',
  ticket_name: 'table 4',
  pricing_options: { auto_apply_discounts: true, auto_apply_taxes: true },
  line_items: [
    { uid: 'jar', catalog_object_id: 'NUTELLA', quantity: '2', base_price_money: eur(349), note: 'kept' },
    {
      uid: 'cheese',
      name: 'Comté',
      quantity: '0.532',
      quantity_unit: { measurement_unit: { weight_unit: 'METRIC_KILOGRAM' } },
      base_price_money: eur(1299),
    },
  ],
  taxes: [{ uid: 'vat', name: 'TVA', type: 'ADDITIVE', percentage: '5.5', scope: 'ORDER' }],
}

const evaluationOf = (order: unknown, campaigns: unknown): Evaluation =>
  evaluate(compile(ok(decodeCampaigns(campaigns))), ok(orderToBasket(order)))

const CAMPAIGNS = [
  {
    id: 'jar-2-half',
    status: 'active',
    labels: { receipt: 'Nutella 2nd jar -50%' },
    reward: {
      buyGet: {
        buy: { of: { sku: ['NUTELLA'] }, quantity: 1 },
        get: { of: { sku: ['NUTELLA'] }, quantity: 1, percent: 50 },
      },
    },
  },
  { id: 'two-off', status: 'active', reward: { amountOff: { of: 'basket', amount: 200 } } },
]

describe('applyEvaluation', () => {
  const evaluation = evaluationOf(ORDER, CAMPAIGNS)
  const applied = ok(applyEvaluation(ORDER, evaluation))

  it('writes one fixed-amount line-item discount per (campaign, line), applied only to its line', () => {
    const discounts = applied.discounts as readonly Record<string, unknown>[]
    const allocations = evaluation.discounts.flatMap((d) => d.allocations.filter((a) => a.amount > 0))
    expect(discounts).toHaveLength(allocations.length)
    for (const d of discounts) expect(d).toMatchObject({ type: 'FIXED_AMOUNT', scope: 'LINE_ITEM' })
    expect(discounts[0]).toMatchObject({
      name: 'Nutella 2nd jar -50%',
      amount_money: eur(175),
      metadata: { tessera_campaign_id: 'jar-2-half' },
    })
    const lines = applied.line_items as readonly { applied_discounts?: { discount_uid: string }[] }[]
    const uids = lines.map((l) => (l.applied_discounts ?? []).map((a) => a.discount_uid))
    expect(uids.flat().sort()).toEqual(discounts.map((d) => d.uid).sort())
  })

  it("Square's calculation gives Tessera's net per line, then its own tax on that net", () => {
    const square = ok(calculateOrder(applied))
    expect(square.line_items.map((l) => l.total_money.amount - l.total_tax_money.amount)).toEqual(
      evaluation.lines.map((l) => l.net),
    )
    expect(square.total_money.amount - square.total_tax_money.amount).toBe(evaluation.total)
    expect(square.total_tax_money.amount).toBeGreaterThan(0)
  })

  it('keeps every other field of the order and turns Square automatic discounts off', () => {
    expect(applied).toMatchObject({ state: 'OPEN', ticket_name: 'table 4', taxes: ORDER.taxes })
    expect(applied.pricing_options).toEqual({ auto_apply_discounts: false, auto_apply_taxes: true })
    expect((applied.line_items as Record<string, unknown>[])[0]).toMatchObject({ note: 'kept' })
    expect(ORDER).not.toHaveProperty('discounts') // the input is not mutated
  })

  it('an evaluation without discounts writes none', () => {
    const none = ok(applyEvaluation(ORDER, evaluationOf(ORDER, [])))
    expect(none).not.toHaveProperty('discounts')
    expect(ok(calculateOrder(none)).total_discount_money.amount).toBe(0)
  })
})

describe('applyEvaluation: bad input names the field', () => {
  const evaluation = evaluationOf(ORDER, CAMPAIGNS)
  it('refuses a discount Tessera did not make, at its path', () => {
    const withForeign = { ...ORDER, discounts: [{ uid: 'manual', name: 'Staff', percentage: '10', scope: 'ORDER' }] }
    expect(paths(applyEvaluation(withForeign, evaluation))).toEqual(['discounts.0'])
  })
  it('refuses an evaluation of another order: unknown line, other amount, missing line, bad sums', () => {
    const line0 = evaluation.lines[0] as Evaluation['lines'][number]
    const other = { ...evaluation, lines: [{ ...line0, id: 'ghost' }, ...evaluation.lines.slice(1)] }
    expect(paths(applyEvaluation(ORDER, other))).toEqual(expect.arrayContaining(['lines.0.id', 'lines']))
    const amount = { ...evaluation, lines: [{ ...line0, amount: minor(1) }, ...evaluation.lines.slice(1)] }
    expect(paths(applyEvaluation(ORDER, amount))).toEqual(['lines.0.amount'])
    const d0 = evaluation.discounts[0] as Evaluation['discounts'][number]
    const sums = {
      ...evaluation,
      discounts: [{ ...d0, amount: minor(d0.amount + 1) }, ...evaluation.discounts.slice(1)],
    }
    expect(paths(applyEvaluation(ORDER, sums))).toEqual(['discounts.0.amount'])
    const lineId = {
      ...evaluation,
      discounts: [{ ...d0, allocations: [{ lineId: 'ghost', amount: d0.amount }] }, ...evaluation.discounts.slice(1)],
    }
    expect(paths(applyEvaluation(ORDER, lineId))).toEqual(expect.arrayContaining(['discounts.0.allocations.0.lineId']))
  })
  it('refuses a bad order before looking at the evaluation', () => {
    expect(paths(applyEvaluation({ ...ORDER, line_items: 'none' }, evaluation))).toEqual(['line_items'])
    expect(paths(applyEvaluation(null, evaluation))).toEqual([''])
  })
})

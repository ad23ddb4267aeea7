import { compile, type DecodeError, decodeCampaigns, evaluate } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { applyEvaluation } from './applyEvaluation.js'
import { calculateOrder } from './calculate.js'
import { squareFixture } from './testkit.js'
import { orderToBasket } from './toBasket.js'

const ok = <A>(e: Either<DecodeError, A>): A => {
  if (e._tag === 'Left') throw new Error(e.left.message)
  return e.right
}

const request = squareFixture('CalculateOrderRequest.example.json')
const response = squareFixture('CalculateOrderResponse.example.json').order as {
  readonly line_items: readonly { gross_sales_money: { amount: number }; total_money: { amount: number } }[]
  readonly total_money: { amount: number }
  readonly total_discount_money: { amount: number }
  readonly total_tax_money: { amount: number }
  readonly created_at: string
}
const requestOrder = request.order as Record<string, unknown>
const money = (amount: number) => ({ amount, currency: 'USD' })

describe("Square's public CalculateOrder example", () => {
  it("the request's lines give a basket whose amounts are the response's gross sales (500 and 2 × 300)", () => {
    const basket = ok(orderToBasket(requestOrder, { id: 'b3e98fe3', at: response.created_at }))
    expect(basket.currency).toBe('USD')
    expect(basket.storeId).toBe('D7AVYMEAPJ3A3')
    expect(basket.lines.map((l) => l.amount)).toEqual(response.line_items.map((l) => l.gross_sales_money.amount))
    expect(basket.lines.map((l) => [l.quantity, l.unitPrice])).toEqual([
      [1, 500],
      [2, 300],
    ])
  })

  it("the calculation model reproduces the response's totals for the request's 50 % ORDER discount", () => {
    const calculated = ok(calculateOrder(requestOrder))
    expect(calculated.line_items.map((l) => l.total_money.amount)).toEqual(
      response.line_items.map((l) => l.total_money.amount),
    )
    expect(calculated.total_money).toEqual(money(response.total_money.amount))
    expect(calculated.total_discount_money).toEqual(money(response.total_discount_money.amount))
    expect(calculated.total_tax_money).toEqual(money(response.total_tax_money.amount))
  })

  it('the same 50 % as a Tessera campaign, written back as line-item discounts, gives Square the same totals', () => {
    const { discounts: _square, ...withoutDiscount } = requestOrder
    const campaigns = ok(
      decodeCampaigns([{ id: 'half', status: 'active', reward: { percentOff: { of: '*', percent: 50 } } }]),
    )
    const basket = ok(orderToBasket(withoutDiscount, { id: 'b3e98fe3', at: response.created_at }))
    const evaluation = evaluate(compile(campaigns), basket)
    expect(evaluation.total).toBe(550)
    const applied = ok(applyEvaluation(withoutDiscount, evaluation))
    const calculated = ok(calculateOrder(applied))
    expect(calculated.total_money.amount).toBe(response.total_money.amount)
    expect(calculated.line_items.map((l) => l.total_money.amount)).toEqual(
      response.line_items.map((l) => l.total_money.amount),
    )
    // The written discounts carry Square's applied amounts of the response (250 and 300), per line.
    expect(applied.discounts).toEqual([
      expect.objectContaining({ type: 'FIXED_AMOUNT', scope: 'LINE_ITEM', applied_money: money(250) }),
      expect.objectContaining({ type: 'FIXED_AMOUNT', scope: 'LINE_ITEM', applied_money: money(300) }),
    ])
  })

  it("CreateOrder's catalog line without a price is refused at its path, not guessed", () => {
    const order = squareFixture('CreateOrderRequest.example.json').order
    const r = orderToBasket(order, { at: '2026-11-26T10:15:00+01:00' })
    expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual(['line_items.1.base_price_money'])
  })
})

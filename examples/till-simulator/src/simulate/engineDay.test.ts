import type { LocalDate } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { simulateEngineDay } from './engineDay.js'

describe('simulateEngineDay', () => {
  const day = simulateEngineDay({ day: '2026-11-26' as LocalDate, sales: 600, seed: 'engine-day-test' })
  if (day._tag === 'Left') throw new Error(day.left.message)
  const { priced, report } = day.right

  it('prices every sale with the engine, with exact totals', () => {
    expect(priced.length).toBe(600)
    for (const p of priced) {
      expect(p.evaluation.total).toBe(p.evaluation.subtotal - p.evaluation.discountTotal)
      expect(p.evaluation.subtotal).toBe(p.sale.basket.lines.reduce((s, l) => s + l.amount, 0))
    }
    expect(priced.filter((p) => p.evaluation.discountTotal > 0).length).toBeGreaterThan(100)
  })
  it('uses discounts, points and checkout coupons', () => {
    expect(priced.some((p) => p.evaluation.points.earned > 0)).toBe(true)
    expect(priced.some((p) => p.evaluation.coupons.length > 0)).toBe(true)
  })
  it('redeems earlier coupons and refuses tampered ones with a reason', () => {
    expect(report.transactions.some((t) => t.couponsRedeemed.length > 0)).toBe(true)
    const refused = priced.flatMap((p) => p.refused)
    expect(refused.length).toBeGreaterThanOrEqual(1)
    for (const r of refused)
      expect(['UNKNOWN', 'BAD_CHECK_CHARACTER', 'NOT_YOURS', 'ALREADY_REDEEMED']).toContain(r.reason)
  })
  it('reverses returns from the stored evaluation and keeps balances in step', () => {
    const returns = report.transactions.filter((t) => t.kind === 'return')
    expect(returns.length).toBeGreaterThan(0)
    for (const r of returns) expect(r.gross).toBeGreaterThanOrEqual(r.discount)
    for (const p of priced) if (p.member) expect(p.pointsAfter).toBe(p.pointsBefore + p.evaluation.points.earned)
  })
})

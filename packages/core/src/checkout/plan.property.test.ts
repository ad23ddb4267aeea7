import fc from 'fast-check'
import { isLeft } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { CloseRecord, ReturnRecord, SnapshotLine } from './model.js'
import { planReturn } from './plan.js'

const snapshotLineArb = fc
  .record({
    quantity: fc.integer({ min: 1, max: 12 }),
    unitPrice: fc.integer({ min: 1, max: 50_000 }),
    discountShare: fc.integer({ min: 0, max: 100 }),
    points: fc.integer({ min: 0, max: 500 }),
  })
  .map(({ quantity, unitPrice, discountShare, points }) => {
    const amount = quantity * unitPrice
    const discount = Math.floor((amount * discountShare) / 100)
    return { quantity, amount, discount, points }
  })

describe('planReturn (property)', () => {
  it('any sequence of partial returns sums exactly to the full net, discount and points, and only the last is full', () => {
    fc.assert(
      fc.property(
        fc.array(snapshotLineArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (specs, seed) => {
          const lines: SnapshotLine[] = specs.map((s, i) => ({
            lineId: String(i + 1),
            sku: `S${i}`,
            quantity: s.quantity,
            unit: 'each',
            amount: s.amount,
            discount: s.discount,
            net: s.amount - s.discount,
            points: s.points,
          }))
          const sale: CloseRecord = {
            transactionId: 'T',
            request: '{}',
            card: 'C',
            snapshot: { lines, discounts: [], pointsEarned: 0 },
            bookings: { codes: [], campaigns: [], customers: [], coupons: [], issuedCodes: [], earnKey: 'T/earn' },
            receipt: {} as CloseRecord['receipt'],
          }
          // return the units in pseudo-random chunks
          const left = new Map(lines.map((l) => [l.lineId, l.quantity]))
          const done: ReturnRecord[] = []
          let r = seed
          while ([...left.values()].some((q) => q > 0)) {
            const chunk = [...left]
              .filter(([, q]) => q > 0)
              .map(([lineId, q]) => {
                r = (r * 1103515245 + 12345) % 2 ** 31
                return { lineId, quantity: 1 + (r % q) }
              })
            const plan = planReturn(sale, done, {
              returnId: `R${done.length}`,
              transactionId: 'T',
              at: '2026-11-26T10:00:00Z',
              lines: chunk,
            })
            if (isLeft(plan)) throw new Error(plan.left.message)
            for (const c of chunk) left.set(c.lineId, (left.get(c.lineId) as number) - c.quantity)
            expect(plan.right.receipt.full).toBe([...left.values()].every((q) => q === 0))
            done.push({ returnId: `R${done.length}`, transactionId: 'T', request: '{}', receipt: plan.right.receipt })
          }
          const sum = (f: (l: ReturnRecord['receipt']['lines'][number]) => number) =>
            done.flatMap((d) => d.receipt.lines).reduce((s, l) => s + f(l), 0)
          expect(sum((l) => l.refund)).toBe(lines.reduce((s, l) => s + l.net, 0))
          expect(sum((l) => l.discount)).toBe(lines.reduce((s, l) => s + l.discount, 0))
          expect(sum((l) => l.points)).toBe(lines.reduce((s, l) => s + l.points, 0))
        },
      ),
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { balanceOf, isAvailable } from './balance.js'
import { DEFAULT_LEDGER_POLICY, type Lot } from './model.js'
import { planPosting } from './plan.js'
import { stateWith } from './testState.js'

const NOW = 1_000_000

/** Lots around NOW: some pending, some expired, some spendable. */
const lotsArb = fc
  .array(
    fc.record({
      remaining: fc.integer({ min: 1, max: 500 }),
      availableFrom: fc.integer({ min: NOW - 5000, max: NOW + 5000 }),
      expiresIn: fc.option(fc.integer({ min: -4000, max: 8000 }), { nil: undefined }),
    }),
    { maxLength: 8 },
  )
  .map((specs) =>
    specs.map(
      (s, i): Partial<Lot> => ({
        lotId: `l${i}`,
        remaining: s.remaining,
        points: s.remaining,
        availableFrom: s.availableFrom,
        ...(s.expiresIn === undefined ? {} : { expiresAt: Math.max(s.availableFrom + 1, NOW + s.expiresIn) }),
      }),
    ),
  )

describe('planPosting properties', () => {
  it('a redemption or reservation never takes from an expired or pending lot', () => {
    fc.assert(
      fc.property(lotsArb, fc.integer({ min: 1, max: 3000 }), fc.boolean(), (lots, points, reserve) => {
        const state = stateWith(lots)
        const plan = planPosting(
          { account: state },
          reserve
            ? { kind: 'reserve', key: 'k', at: NOW, account: { accountId: 'a1' }, points, expiresAt: NOW + 60_000 }
            : { kind: 'redeem', key: 'k', at: NOW, account: { accountId: 'a1' }, points },
          DEFAULT_LEDGER_POLICY,
        )
        const available = balanceOf(state, NOW).available
        if (points > available) {
          expect(plan).toMatchObject({ left: { _tag: 'InsufficientPoints', available, required: points } })
          return
        }
        if (plan._tag === 'Left') throw new Error(plan.left.message)
        const byId = new Map(state.lots.map((l) => [l.lotId, l]))
        const changes = plan.right.entries.flatMap((e) => e.lotChanges)
        for (const c of changes) expect(isAvailable(byId.get(c.lotId) as Lot, NOW)).toBe(true)
        // the takes add up to exactly what was asked
        expect(changes.reduce((s, c) => s - c.delta, 0)).toBe(points)
      }),
    )
  })

  it('the planned balance row always equals balanceOf the planned lots', () => {
    fc.assert(
      fc.property(
        lotsArb,
        fc.integer({ min: -600, max: 600 }).filter((n) => n !== 0),
        (lots, points) => {
          const state = stateWith(lots)
          const plan = planPosting(
            { account: state },
            { kind: 'adjust', key: 'k', at: NOW, account: { accountId: 'a1' }, points, reason: 'test' },
            { allowNegative: { floor: -300 }, returnMayGoNegative: true },
          )
          if (plan._tag === 'Left') {
            expect(plan.left._tag).toBe('InsufficientPoints')
            return
          }
          const after = new Map(state.lots.map((l) => [l.lotId, l]))
          for (const l of plan.right.lots) after.set(l.lotId, l)
          const row = plan.right.rows[0]
          if (row === undefined) throw new Error('no row')
          expect(balanceOf({ lots: [...after.values()], reservations: [], row }, NOW)).toMatchObject({
            available: row.available,
            pending: row.pending,
          })
          expect(row.available).toBeGreaterThanOrEqual(-300)
        },
      ),
    )
  })
})

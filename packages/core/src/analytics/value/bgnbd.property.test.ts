import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectedTransactions, probabilityAlive } from './bgnbd.js'
import { predictMembers } from './predict.js'

const parameters = fc.record({
  r: fc.double({ min: 0.05, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0.1, max: 50, noNaN: true }),
  a: fc.double({ min: 0.05, max: 5, noNaN: true }).filter((a) => Math.abs(a - 1) > 1e-3),
  b: fc.double({ min: 0.05, max: 10, noNaN: true }),
})
const history = fc
  .record({
    frequency: fc.integer({ min: 0, max: 60 }),
    T: fc.double({ min: 0, max: 200, noNaN: true }),
    u: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ frequency, T, u }) => ({ frequency, T, recency: frequency === 0 ? 0 : u * T }))

describe('BG/NBD predictions', () => {
  it('P(alive) is 1 for a member with no repeat purchase', () => {
    fc.assert(
      fc.property(parameters, fc.double({ min: 0, max: 500, noNaN: true }), (p, T) => {
        expect(probabilityAlive(p, { frequency: 0, recency: 0, T })).toBe(1)
      }),
    )
  })

  it('P(alive) never increases as time passes without a purchase, and stays within (0, 1]', () => {
    fc.assert(
      fc.property(parameters, history, fc.double({ min: 0, max: 100, noNaN: true }), (p, m, wait) => {
        const now = probabilityAlive(p, m)
        const later = probabilityAlive(p, { ...m, T: m.T + wait })
        expect(later).toBeLessThanOrEqual(now)
        expect(later).toBeGreaterThanOrEqual(0)
        expect(now).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('P(alive) strictly decreases with a wait for a member with a repeat purchase', () => {
    fc.assert(
      fc.property(
        parameters,
        history.filter((m) => m.frequency > 0),
        (p, m) => {
          const later = probabilityAlive(p, { ...m, T: m.T + 10 })
          fc.pre(later > 1e-12)
          expect(later).toBeLessThan(probabilityAlive(p, m))
        },
      ),
    )
  })

  it('expected transactions are ≥ 0 and grow with the horizon', () => {
    fc.assert(
      fc.property(
        parameters,
        history,
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (p, m, t, more) => {
          const short = expectedTransactions(p, m, t)
          const long = expectedTransactions(p, m, t + more)
          expect(short).toBeDefined()
          expect(long).toBeDefined()
          expect(short as number).toBeGreaterThanOrEqual(0)
          expect(long as number).toBeGreaterThanOrEqual((short as number) * (1 - 1e-9))
        },
      ),
    )
  })
})

describe('customer lifetime value', () => {
  const gammaGamma = fc.record({
    p: fc.double({ min: 0.5, max: 10, noNaN: true }),
    q: fc.double({ min: 1.5, max: 10, noNaN: true }),
    gamma: fc.double({ min: 100, max: 50_000, noNaN: true }),
  })
  const summary = history.map((m) => ({
    memberId: 'm',
    ...m,
    monetaryValue: m.frequency === 0 ? 0 : 2500,
    firstPurchase: '2026-01-01',
    lastPurchase: '2026-01-01',
  }))

  it('is an integer ≥ 0 in minor units, and grows with the horizon', () => {
    fc.assert(
      fc.property(parameters, gammaGamma, summary, fc.integer({ min: 1, max: 104 }), (bgnbd, gg, m, weeks) => {
        const at = (horizon: number) => predictMembers({ bgnbd, gammaGamma: gg }, [m], { horizon, unit: 'weeks' })
        const short = at(weeks)
        const long = at(weeks + 13)
        if (short._tag === 'Left' || long._tag === 'Left') throw new Error('prediction refused')
        const [s, l] = [short.right[0]?.clv, long.right[0]?.clv]
        expect(Number.isSafeInteger(s) && (s as number) >= 0).toBe(true)
        expect(l as number).toBeGreaterThanOrEqual(s as number)
      }),
      { numRuns: 60 },
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectedTransactions, probabilityAlive } from './bgnbd.js'

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

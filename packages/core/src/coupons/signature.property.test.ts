import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signCoupon, verifyCoupon } from './signature.js'

const KEYRING = { k1: new Uint8Array(32).fill(9) }
const FROM = Date.parse('2026-01-01T00:00:00Z')

const couponArb = fc.record({
  pool: fc.string({ minLength: 1, maxLength: 20 }),
  serial: fc.string({ minLength: 1, maxLength: 20 }),
  card: fc.option(fc.string({ minLength: 1, maxLength: 25 }), { nil: undefined }),
  days: fc.integer({ min: 1, max: 3650 }),
})

const signed = (c: { pool: string; serial: string; card: string | undefined; days: number }) => {
  const r = signCoupon(
    {
      pool: c.pool,
      serial: c.serial,
      ...(c.card !== undefined ? { card: c.card } : {}),
      validFrom: new Date(FROM).toISOString(),
      validUntil: new Date(FROM + c.days * 86_400_000).toISOString(),
    },
    KEYRING,
    'k1',
  )
  if (r._tag === 'Left') throw new Error(r.left.message)
  return r.right
}

describe('signed coupon properties', () => {
  it('a signed coupon verifies and gives back what was signed', () => {
    fc.assert(
      fc.property(couponArb, (c) => {
        const r = verifyCoupon(signed(c), KEYRING, FROM, c.card)
        expect(r).toMatchObject({ _tag: 'Right', right: { pool: c.pool, serial: c.serial } })
        expect(r._tag === 'Right' ? r.right.card : 'refused').toBe(c.card)
      }),
    )
  })

  it('any single-character change is refused', () => {
    const printable = '.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567019abc'
    fc.assert(
      fc.property(couponArb, fc.nat(), fc.nat(), (c, at, pick) => {
        const text = signed(c)
        const i = at % text.length
        const replacement = printable[pick % printable.length] as string
        fc.pre(replacement !== text[i])
        const changed = text.slice(0, i) + replacement + text.slice(i + 1)
        expect(verifyCoupon(changed, KEYRING, FROM, c.card)._tag).toBe('Left')
      }),
      { numRuns: 500 },
    )
  })
})

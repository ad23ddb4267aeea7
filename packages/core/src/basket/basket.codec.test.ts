import { describe, expect, it } from 'vitest'
import { designBasket } from '../../test/design-examples.js'
import { decodeBasket } from '../documents.js'
import { MAX_MINOR_UNITS } from '../money/Money.js'

const withLine = (patch: Record<string, unknown>, index = 0) => ({
  ...designBasket,
  lines: designBasket.lines.map((l, i) => (i === index ? { ...l, ...patch } : l)),
})

const problemsOf = (u: unknown) => {
  const r = decodeBasket(u)
  if (r._tag === 'Right') throw new Error('expected the basket to be refused')
  return r.left.problems
}

describe('BasketCodec', () => {
  it('decodes the DESIGN.md example', () => {
    const r = decodeBasket(designBasket)
    expect(r._tag).toBe('Right')
    if (r._tag === 'Right') {
      expect(r.right.lines[1]?.quantity).toBe(0.532)
      expect(r.right.lines[1]?.unit).toBe('kg')
      expect(r.right.codes).toEqual(['XMAS-7KQ2-X9PD'])
    }
  })

  it('strips unknown vendor fields instead of refusing them', () => {
    const r = decodeBasket({ ...designBasket, posVendorField: 7, lines: [{ ...designBasket.lines[0], acsFlag: true }] })
    expect(r._tag).toBe('Right')
    if (r._tag === 'Right') {
      expect(r.right).not.toHaveProperty('posVendorField')
      expect(r.right.lines[0]).not.toHaveProperty('acsFlag')
    }
  })

  it('refuses a NUL character in an id, a SKU or a code, naming the path (PostgreSQL cannot store it)', () => {
    expect(problemsOf({ ...designBasket, id: 'T-1\u0000' }).map((p) => p.path)).toEqual(['id'])
    expect(problemsOf(withLine({ sku: '301\u00007' })).map((p) => p.path)).toEqual(['lines.0.sku'])
    const [problem] = problemsOf({ ...designBasket, codes: ['XMAS\u0000'] })
    expect(problem?.path).toBe('codes.0')
    expect(problem?.reason).toContain('must not contain a NUL character')
  })

  it('refuses amounts past the documented maximum, per line and for the whole basket', () => {
    const [big] = problemsOf(withLine({ amount: MAX_MINOR_UNITS + 1, unitPrice: 1 }))
    expect(big?.path).toBe('lines.0.amount')
    expect(big?.reason).toContain(`at most ${MAX_MINOR_UNITS}`)
    const near = { quantity: 1, unitPrice: MAX_MINOR_UNITS, amount: MAX_MINOR_UNITS }
    const total = problemsOf({
      ...designBasket,
      lines: [
        { ...designBasket.lines[0], ...near },
        { ...designBasket.lines[0], ...near, id: 'b' },
      ],
    })
    expect(total.map((p) => p.path)).toEqual(['lines'])
    expect(total[0]?.reason).toContain('a basket may hold at most')
  })

  it('refuses a float where minor units belong, naming the path', () => {
    expect(problemsOf(withLine({ unitPrice: 3.49 }))).toEqual([
      {
        path: 'lines.0.unitPrice',
        reason: 'must be an integer amount in minor units (e.g. 698 for 6.98), not a decimal, got 3.49',
      },
    ])
  })

  it('refuses a quantity of zero or below, pointing to the return flow', () => {
    for (const quantity of [0, -1]) {
      const [problem] = problemsOf(withLine({ quantity }, 1))
      expect(problem?.path).toBe('lines.1.quantity')
      expect(problem?.reason).toMatch(/must be > 0; returns go through the return flow/)
    }
  })

  it('refuses a fractional quantity on an each line', () => {
    const [problem] = problemsOf(withLine({ quantity: 1.5 }))
    expect(problem?.path).toBe('lines.0.quantity')
    expect(problem?.reason).toMatch(/whole number for a line sold by unit "each", got 1.5/)
  })

  it('refuses an unknown currency', () => {
    const [problem] = problemsOf({ ...designBasket, currency: 'EUX' })
    expect(problem).toEqual({ path: 'currency', reason: 'must be an ISO 4217 currency code such as "EUR", got "EUX"' })
  })

  it('refuses a time without an offset', () => {
    const [problem] = problemsOf({ ...designBasket, at: '2026-11-26T10:15:00' })
    expect(problem?.path).toBe('at')
    expect(problem?.reason).toMatch(/must carry a UTC offset/)
  })

  it('refuses missing and wrongly typed fields, each with its path', () => {
    const { id: _id, ...noId } = designBasket
    expect(problemsOf(noId)).toContainEqual({ path: 'id', reason: 'is required (NonEmptyString)' })
    expect(problemsOf({ ...designBasket, pricesIncludeTax: 'yes' })[0]?.path).toBe('pricesIncludeTax')
    expect(problemsOf({ ...designBasket, channel: 'phone' })[0]).toEqual({
      path: 'channel',
      reason: 'must be one of "store", "online", got "phone"',
    })
    expect(problemsOf(withLine({ categories: 'grocery' }))[0]?.path).toBe('lines.0.categories')
    expect(problemsOf(withLine({ unit: 'bushel' }))[0]?.path).toBe('lines.0.unit')
  })

  it('refuses duplicate line ids', () => {
    const [problem] = problemsOf(withLine({ id: '1' }, 1))
    expect(problem).toEqual({ path: 'lines.1.id', reason: 'duplicate line id "1"; each line needs its own id' })
  })

  it('refuses something that is not an object at all', () => {
    expect(problemsOf([])[0]?.reason).toMatch(/must be an object/)
    expect(problemsOf(null)[0]?.path).toBe('')
  })

  it('does not mutate its input', () => {
    const input = structuredClone(designBasket)
    decodeBasket(input)
    expect(input).toEqual(designBasket)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { routeByParse, routeOf } from './route.js'

/** A JSON value with its members as a list, so that a key can come twice. */
type Doc = string | number | boolean | null | readonly Doc[] | { readonly members: readonly (readonly [string, Doc])[] }

/** The names routing reads, and others, at every level. */
const nameArb = fc.constantFrom('basket', 'customer', 'return', 'id', 'at', 'card', 'memberId', 'of', 'lines', 'x', '')
const stringArb = fc.oneof(
  fc.constantFrom('T-1', 'T-2', '2900000000017', 'M-7', '2026-10-01T09:00:00+01:00', '2026-10-02T08:00:00Z', ''),
  fc.string({ maxLength: 6, unit: 'binary' }),
)
const docArb: fc.Arbitrary<Doc> = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringArb,
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('doc'), { maxLength: 4 }),
    fc.array(fc.tuple(nameArb, tie('doc')), { maxLength: 6 }).map((members) => ({ members })),
  ),
})).doc

/** A history line's shape: an object with a basket, a customer or a return, each with the fields routing reads. */
const lineArb: fc.Arbitrary<Doc> = fc
  .array(
    fc.tuple(
      fc.constantFrom('basket', 'customer', 'return', 'booked'),
      fc.oneof(
        fc.array(fc.tuple(nameArb, fc.oneof(stringArb, docArb)), { maxLength: 6 }).map((members): Doc => ({ members })),
        docArb,
      ),
    ),
    { maxLength: 4 },
  )
  .map((members) => ({ members }))

/** How each character of a string is written: as itself, or escaped (`\uXXXX`, or its short escape). */
const writeString = (s: string, escapes: readonly number[]): string => {
  let out = '"'
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    const how = escapes[k % escapes.length] ?? 0
    const short = { 34: '\\"', 92: '\\\\', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t' }[c]
    if (how === 1 || (c < 0x20 && short === undefined)) out += `\\u${c.toString(16).padStart(4, '0')}`
    else if (short !== undefined) out += short
    else if (c === 47 && how === 2) out += '\\/'
    else out += s[k]
  }
  return `${out}"`
}

/** Writes a document as JSON text, with the given whitespace between tokens and escapes in strings. */
const write = (d: Doc, spaces: readonly string[], escapes: readonly number[]): string => {
  let k = 0
  const ws = () => spaces[k++ % spaces.length] ?? ''
  const go = (v: Doc): string => {
    if (typeof v === 'string') return writeString(v, escapes)
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return JSON.stringify(v)
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => `${go(x)}${ws()}`).join(`,${ws()}`)}]`
    const o = v as { readonly members: readonly (readonly [string, Doc])[] }
    return `{${ws()}${o.members.map(([name, x]) => `${writeString(name, escapes)}${ws()}:${ws()}${go(x)}${ws()}`).join(`,${ws()}`)}}`
  }
  return `${ws()}${go(d)}${ws()}`
}

const spacesArb = fc.array(fc.constantFrom('', '', ' ', '\t', '\n', '\r\n', '  '), { minLength: 1, maxLength: 8 })
const escapesArb = fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: 1, maxLength: 5 })
const textArb = fc.tuple(fc.oneof(lineArb, docArb), spacesArb, escapesArb).map(([d, s, e]) => write(d, s, e))

describe('routeOf (properties)', () => {
  it('routes any JSON text as JSON.parse does: whitespace, escapes, duplicate keys, any nesting', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        expect(routeOf(text)).toEqual(routeByParse(text))
      }),
      { numRuns: 3000 },
    )
  })

  it('routes a broken text as JSON.parse does: cut short, a character dropped, changed or put in', () => {
    const brokenArb = fc
      .tuple(
        textArb,
        fc.nat(),
        fc.constantFrom('cut', 'drop', 'change', 'insert'),
        fc.constantFrom(...'{}[],:"\\ 0-.eE+tnu\u0001x'),
      )
      .map(([text, at, how, c]) => {
        const k = text.length === 0 ? 0 : at % text.length
        if (how === 'cut') return text.slice(0, k)
        if (how === 'drop') return text.slice(0, k) + text.slice(k + 1)
        if (how === 'change') return text.slice(0, k) + c + text.slice(k + 1)
        return text.slice(0, k) + c + text.slice(k)
      })
    fc.assert(
      fc.property(brokenArb, (text) => {
        expect(routeOf(text)).toEqual(routeByParse(text))
      }),
      { numRuns: 5000 },
    )
  })

  it('routes what fast-check calls JSON as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        expect(routeOf(text)).toEqual(routeByParse(text))
      }),
      { numRuns: 2000 },
    )
  })
})

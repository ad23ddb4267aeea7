import { seededRandom } from '@tessera/testing'
import fc from 'fast-check'
import { isRight } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { CODE_ALPHABET, checkCodeFormat, drawCode, parseCodePattern } from './codes.js'

const patternArb = fc
  .array(fc.oneof(fc.constant('#'), fc.constant('#'), fc.constantFrom('-', 'X', 'M', 'A', 'S', '7')), {
    minLength: 1,
    maxLength: 24,
  })
  .map((chars) => `${chars.join('')}#`)

const parsed = (pattern: string) => {
  const p = parseCodePattern(pattern)
  if (p._tag === 'Left') throw new Error(p.left.message)
  return p.right
}

describe('code properties', () => {
  it('a generated code always passes checkCodeFormat for its pattern', () => {
    fc.assert(
      fc.property(patternArb, fc.integer(), (pattern, seed) => {
        const p = parsed(pattern)
        expect(isRight(checkCodeFormat(p, drawCode(p, seededRandom(seed))))).toBe(true)
      }),
    )
  })

  it('any single-symbol substitution is caught', () => {
    fc.assert(
      fc.property(patternArb, fc.integer(), fc.nat(), fc.integer({ min: 1, max: 31 }), (pattern, seed, at, shift) => {
        const p = parsed(pattern)
        const code = drawCode(p, seededRandom(seed))
        const positions = [...code].flatMap((_, i) => (i === p.pattern.length || p.pattern[i] === '#' ? [i] : []))
        const i = positions[at % positions.length] as number
        const replacement = CODE_ALPHABET[(CODE_ALPHABET.indexOf(code[i] as string) + shift) % 32] as string
        const typo = code.slice(0, i) + replacement + code.slice(i + 1)
        expect(checkCodeFormat(p, typo)._tag).toBe('Left')
      }),
    )
  })

  it('any transposition of two adjacent different characters is caught', () => {
    fc.assert(
      fc.property(patternArb, fc.integer(), fc.nat(), (pattern, seed, at) => {
        const p = parsed(pattern)
        const code = drawCode(p, seededRandom(seed))
        const i = at % (code.length - 1)
        fc.pre(code[i] !== code[i + 1])
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2)
        expect(checkCodeFormat(p, swapped)._tag).toBe('Left')
      }),
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CODE_ALPHABET } from './codes.js'
import { importedCodeStrength, readImportedCodes } from './imported.js'

const randomCodes = (count: number, length: number, alphabet: string, seed: number): string[] => {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
  const codes = new Set<string>()
  while (codes.size < count) {
    let c = 'SHOP-'
    for (let i = 0; i < length; i++) c += alphabet[Math.floor(next() * alphabet.length)]
    codes.add(c)
  }
  return [...codes]
}

describe('readImportedCodes', () => {
  it('trims, upper-cases and skips blank lines, as a till normalises a typed code', () => {
    expect(readImportedCodes(' xmas-k7pq-3mnx \r\n\nXMAS-22AB-CDEF\n')).toEqual({
      _tag: 'Right',
      right: ['XMAS-K7PQ-3MNX', 'XMAS-22AB-CDEF'],
    })
  })

  it('refuses, with line numbers, a character a till cannot type, a bad length and a duplicate', () => {
    const read = readImportedCodes('GOOD-CODE-1\nbad code\nAB\ngood-code-1\n')
    expect(read._tag).toBe('Left')
    if (read._tag === 'Right' || read.left.reason !== 'BAD_LINES') return
    expect(read.left.problems).toEqual([
      { line: 2, code: 'BAD CODE', reason: 'BAD_CHARACTER' },
      { line: 3, code: 'AB', reason: 'BAD_LENGTH' },
      { line: 4, code: 'GOOD-CODE-1', reason: 'DUPLICATE', firstLine: 1 },
    ])
    expect(read.left.message).toMatch(/line 4: GOOD-CODE-1 repeats line 1/)
  })

  it('refuses a file with no code', () => {
    expect(readImportedCodes('\n  \n')).toMatchObject({ _tag: 'Left', left: { reason: 'EMPTY' } })
  })
})

describe('importedCodeStrength', () => {
  it('passes random codes of 12 coupon symbols (60 bits) for 10,000 codes: about 46 bits of guessing', () => {
    const s = importedCodeStrength(randomCodes(10_000, 12, CODE_ALPHABET, 7))
    expect(s.keySpaceBits).toBeCloseTo(60, 5)
    expect(s.guessBits).toBeGreaterThan(46)
    expect(s).toMatchObject({ sequential: false, strongEnough: true })
  })

  it('refuses numbered codes, however long their padding: only the positions that vary count', () => {
    const codes = Array.from({ length: 1_000 }, (_, i) => `SALE-${String(i * 7 + 1).padStart(16, '0')}`)
    const s = importedCodeStrength(codes)
    expect(s.sequential).toBe(true)
    expect(s.guessBits).toBeLessThan(10)
    expect(s.strongEnough).toBe(false)
  })

  it('refuses a short random part: 6 letters and digits for 50,000 codes', () => {
    const s = importedCodeStrength(randomCodes(50_000, 6, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 3))
    expect(s.keySpaceBits).toBeCloseTo(6 * Math.log2(36), 5)
    expect(s.strongEnough).toBe(false)
  })

  it('never calls random codes sequential, and the estimate never exceeds the true key space', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 400 }), fc.integer({ min: 4, max: 14 }), fc.nat(), (n, len, seed) => {
        const s = importedCodeStrength(randomCodes(n, len, CODE_ALPHABET, seed))
        expect(s.sequential).toBe(false)
        expect(s.keySpaceBits).toBeLessThanOrEqual(len * 5 + 1e-9)
      }),
      { numRuns: 300, seed: 42 },
    )
  })
})

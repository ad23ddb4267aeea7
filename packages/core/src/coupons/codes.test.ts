import { seededRandom } from '@tessera/testing'
import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import type { RandomSource } from '../ports/Random.js'
import { cryptoRandomSource } from '../ports/Random.js'
import {
  CODE_ALPHABET,
  checkCodeFormat,
  codeCheckCharacter,
  codeFromSymbols,
  generateCodes,
  inMemoryUniqueness,
  parseCodePattern,
  planCodes,
  symbolsNeededFor,
  uniformIndexes,
} from './codes.js'

const plan = (pattern: string, count: number) => {
  const p = planCodes(pattern, count)
  if (p._tag === 'Left') throw new Error(p.left.message)
  return p.right
}

const collect = async (it: AsyncIterable<readonly string[]>) => {
  const all: string[] = []
  for await (const batch of it) all.push(...batch)
  return all
}

describe('the code alphabet', () => {
  it('has 32 symbols and none of the look-alikes 0, O, 1, I', () => {
    expect(CODE_ALPHABET).toHaveLength(32)
    expect(new Set(CODE_ALPHABET).size).toBe(32)
    for (const ch of '01IO') expect(CODE_ALPHABET).not.toContain(ch)
  })
})

describe('planCodes (strength check)', () => {
  it('refuses XMAS-#### for 1,000,000 codes and says 12 random symbols are needed', () => {
    // 1e6 × 2^40 ≈ 2^59.93; 32^11 = 2^55 < that ≤ 2^60 = 32^12, so 12 symbols.
    const r = planCodes('XMAS-####', 1_000_000)
    expect(isLeft(r) && r.left).toMatchObject({ reason: 'TOO_WEAK', neededSymbols: 12 })
    expect(isLeft(r) && r.left.message).toContain('needs at least 12 random symbols, the pattern has 4')
  })

  it('accepts XMAS-####-####-#### for 1,000,000 codes (12 symbols: 2^60 ≥ 2^59.93)', () => {
    expect(isRight(planCodes('XMAS-####-####-####', 1_000_000))).toBe(true)
  })

  it('needs 8 symbols for one code (32^8 = 2^40) and 9 for two', () => {
    expect(symbolsNeededFor(1)).toBe(8)
    expect(symbolsNeededFor(2)).toBe(9)
    expect(isLeft(planCodes('#######', 1))).toBe(true)
    expect(isRight(planCodes('########', 1))).toBe(true)
  })

  it('refuses a pattern without "#", with a space, and a count that is not a positive integer', () => {
    expect(planCodes('XMAS', 1)).toMatchObject({ left: { reason: 'BAD_PATTERN' } })
    expect(planCodes('XMAS ########', 1)).toMatchObject({ left: { reason: 'BAD_PATTERN' } })
    expect(planCodes('########', 0)).toMatchObject({ left: { reason: 'BAD_COUNT' } })
    expect(planCodes('########', 1.5)).toMatchObject({ left: { reason: 'BAD_COUNT' } })
  })
})

describe('codes and their check character', () => {
  it('appends the check character after the pattern, keeping literals', () => {
    const p = plan('XMAS-####-####', 1)
    const code = codeFromSymbols(p, 'ABCDEFGH')
    expect(code).toBe(`XMAS-ABCD-EFGH${codeCheckCharacter('ABCDEFGH')}`)
    expect(code).toHaveLength(15)
  })

  it('catches every single substitution of every position of a code', () => {
    const p = plan('XMAS-####-####', 1)
    const code = codeFromSymbols(p, 'K7PQ3MNX')
    for (let i = 0; i < code.length; i++) {
      if (code[i] === '-' || i < 4) continue
      for (const ch of CODE_ALPHABET) {
        if (ch === code[i]) continue
        const typo = code.slice(0, i) + ch + code.slice(i + 1)
        expect(checkCodeFormat(p, typo)).toMatchObject({ left: { reason: 'BAD_CHECK_CHARACTER' } })
      }
    }
  })

  it('catches every adjacent transposition, including the last symbol with the check character', () => {
    const p = plan('################', 1)
    const code = codeFromSymbols(p, '23456789ABCDEFGH')
    for (let i = 0; i + 1 < code.length; i++) {
      const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2)
      expect(checkCodeFormat(p, swapped)).toMatchObject({ left: { reason: 'BAD_CHECK_CHARACTER' } })
    }
  })

  it('accepts a code typed in lower case with spaces around, and returns it as issued', () => {
    const p = plan('xmas-########', 1)
    const code = codeFromSymbols(p, 'ABCDEFGH')
    expect(checkCodeFormat(p, `  ${code.toLowerCase()} `)).toEqual({ _tag: 'Right', right: code })
  })

  it('calls a code of the wrong shape UNKNOWN: length, literal, symbol outside the alphabet', () => {
    const p = plan('XMAS-########', 1)
    const code = codeFromSymbols(p, 'ABCDEFGH')
    expect(checkCodeFormat(p, code.slice(1))).toMatchObject({ left: { reason: 'UNKNOWN' } })
    expect(checkCodeFormat(p, `YMAS${code.slice(4)}`)).toMatchObject({ left: { reason: 'UNKNOWN' } })
    expect(checkCodeFormat(p, `XMAS-0${code.slice(6)}`)).toMatchObject({ left: { reason: 'UNKNOWN' } })
    expect(checkCodeFormat('no hash', 'X')).toMatchObject({ left: { reason: 'UNKNOWN' } })
  })
})

describe('uniformIndexes', () => {
  it('rejects the bytes at or above the largest multiple of the size, so there is no modulo bias', () => {
    // size 100: limit = 256 − 56 = 200; bytes 200..255 must be skipped, 199 → 99, 0 → 0.
    const bytes = [255, 200, 199, 0, 250, 42]
    let i = 0
    const scripted: RandomSource = {
      bytes: (n) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length] as number),
    }
    expect(uniformIndexes(scripted, 3, 100)).toEqual([99, 0, 42])
  })

  it('is roughly uniform over 31 symbols (chi-square below the 0.1% critical value)', () => {
    const counts = new Array(31).fill(0)
    for (const x of uniformIndexes(seededRandom(7), 31_000, 31)) counts[x]++
    const chi = counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0)
    expect(chi).toBeLessThan(59.7) // χ²(30) at p = 0.001
  })
})

describe('generateCodes', () => {
  it('yields the count asked, in batches, every code unique and well-formed', async () => {
    const p = plan('XMAS-####-####-####', 2_500)
    const codes = await collect(
      generateCodes(p, { random: cryptoRandomSource, claim: inMemoryUniqueness(), batchSize: 1000 }),
    )
    expect(codes).toHaveLength(2_500)
    expect(new Set(codes).size).toBe(2_500)
    for (const code of codes) expect(isRight(checkCodeFormat(p, code))).toBe(true)
  })

  it('draws again the codes the pool reports as taken', async () => {
    const p = plan('########', 1)
    const first = await collect(generateCodes(p, { random: seededRandom(1), claim: inMemoryUniqueness() }))
    // Same seed, and the pool already holds the first code: the generator must skip it.
    const again = await collect(generateCodes(p, { random: seededRandom(1), claim: inMemoryUniqueness(first) }))
    expect(again).toHaveLength(1)
    expect(again[0]).not.toBe(first[0])
  })

  it('is deterministic for a seeded source', async () => {
    const p = plan('##########', 3)
    const a = await collect(generateCodes(p, { random: seededRandom(42), claim: inMemoryUniqueness() }))
    const b = await collect(generateCodes(p, { random: seededRandom(42), claim: inMemoryUniqueness() }))
    expect(a).toEqual(b)
  })

  it('throws when the claim callback reports everything as taken (a broken store)', async () => {
    const p = plan('##########', 1)
    await expect(collect(generateCodes(p, { random: seededRandom(3), claim: (c) => c }))).rejects.toThrow(
      /claim callback/,
    )
  })

  it('parses a pattern into its random symbol count and code length', () => {
    expect(parseCodePattern('AB-##')).toEqual({
      _tag: 'Right',
      right: { pattern: 'AB-##', randomSymbols: 2, codeLength: 6 },
    })
  })
})

import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { CODE_ALPHABET, GUESS_RESISTANCE_BITS } from './codes.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * One line of an imported code file that cannot become a code: empty after trimming is skipped,
 * not refused; these are refused.
 * - `BAD_CHARACTER`: a character other than A–Z, 0–9 and `-` (after upper-casing).
 * - `BAD_LENGTH`: shorter than 4 or longer than 64 characters.
 * - `DUPLICATE`: the same code (case and surrounding spaces aside) as an earlier line.
 * @category coupons
 */
export interface ImportedCodeProblem {
  /** 1-based line number in the file. */
  readonly line: number
  readonly code: string
  readonly reason: 'BAD_CHARACTER' | 'BAD_LENGTH' | 'DUPLICATE'
  /** For a duplicate: the line that had it first. */
  readonly firstLine?: number
}

/**
 * How hard the codes of an imported pool are to guess. Codes made elsewhere have no pattern, so the
 * key space is estimated from the codes themselves: per code length, each position that varies
 * between codes counts the smallest character class holding every symbol seen there (10 digits,
 * 26 letters, 32 of Tessera's coupon alphabet, 36 letters and digits), a position that never
 * varies counts 1. The estimate can only be too generous for codes that are not random, so numbered
 * codes are also caught on their own (`sequential`).
 * @category coupons
 */
export interface ImportedCodeStrength {
  readonly count: number
  /** log2 of the estimated key space (all code lengths together). */
  readonly keySpaceBits: number
  /** log2(key space / count): how many guesses, as a power of two, to hit one valid code on average. */
  readonly guessBits: number
  /** Numbered codes: one shape around their digits, and most sorted numbers one step apart. */
  readonly sequential: boolean
  /** `guessBits ≥ GUESS_RESISTANCE_BITS` (40) and not sequential: the same bar as a generated pool. */
  readonly strongEnough: boolean
}

/**
 * An import refused: the lines that cannot be codes (the first 20), or codes too weak for a
 * single-use pool.
 * @category coupons
 */
export type ImportedCodesError =
  | {
      readonly _tag: 'ImportedCodesError'
      readonly reason: 'BAD_LINES'
      readonly problems: readonly ImportedCodeProblem[]
      readonly message: string
    }
  | {
      readonly _tag: 'ImportedCodesError'
      readonly reason: 'EMPTY'
      readonly message: string
    }

// ── reading ──────────────────────────────────────────────────────────────────────────────────────

const CODE_TEXT = /^[A-Z0-9-]*$/

/**
 * Reads a file of existing codes, one per line: trimmed and upper-cased as a till normalises a typed
 * code, blank lines skipped. Refuses (with line numbers) a character that cannot be typed at a till,
 * a length outside 4–64, and a duplicate.
 * @category coupons
 */
export const readImportedCodes = (text: string): Either<ImportedCodesError, readonly string[]> => {
  const codes: string[] = []
  const firstLine = new Map<string, number>()
  const problems: ImportedCodeProblem[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length && problems.length < 20; i++) {
    const code = (lines[i] ?? '').trim().toUpperCase()
    if (code === '') continue
    const line = i + 1
    if (!CODE_TEXT.test(code)) problems.push({ line, code, reason: 'BAD_CHARACTER' })
    else if (code.length < 4 || code.length > 64) problems.push({ line, code, reason: 'BAD_LENGTH' })
    else {
      const seen = firstLine.get(code)
      if (seen !== undefined) problems.push({ line, code, reason: 'DUPLICATE', firstLine: seen })
      else {
        firstLine.set(code, line)
        codes.push(code)
      }
    }
  }
  if (problems.length > 0) {
    const words = problems.map((p) =>
      p.reason === 'DUPLICATE'
        ? `line ${p.line}: ${p.code} repeats line ${p.firstLine}`
        : p.reason === 'BAD_LENGTH'
          ? `line ${p.line}: ${p.code} must be 4 to 64 characters`
          : `line ${p.line}: "${p.code}" may hold only letters, digits and hyphens`,
    )
    return left({
      _tag: 'ImportedCodesError',
      reason: 'BAD_LINES',
      problems,
      message: `${problems.length === 20 ? 'at least 20' : problems.length} line(s) cannot be codes: ${words.join('; ')}`,
    })
  }
  if (codes.length === 0)
    return left({ _tag: 'ImportedCodesError', reason: 'EMPTY', message: 'the file holds no code' })
  return right(codes)
}

// ── strength ─────────────────────────────────────────────────────────────────────────────────────

const DIGITS = '0123456789'
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const CLASSES: readonly (readonly [number, ReadonlySet<string>])[] = [
  [10, new Set(DIGITS)],
  [26, new Set(LETTERS)],
  [32, new Set(CODE_ALPHABET)],
  [36, new Set(DIGITS + LETTERS)],
]

/** The size of the smallest class holding every symbol (37 when a hyphen varies too). */
const classSize = (symbols: ReadonlySet<string>): number => {
  for (const [size, members] of CLASSES) if ([...symbols].every((s) => members.has(s))) return size
  return 37
}

/** The code with its digits blanked: numbered codes (`SALE-000123`) share one skeleton. */
const skeleton = (code: string): string => code.replace(/\d/g, '#')

/**
 * Numbered codes: at least 10, all with the same skeleton around their digits, and half of the gaps
 * between their sorted numbers the same step (random digits rarely repeat a gap that often).
 */
const isNumbered = (codes: readonly string[]): boolean => {
  if (codes.length < 10) return false
  const shape = skeleton(codes[0] ?? '')
  if (!shape.includes('#') || !codes.every((c) => skeleton(c) === shape)) return false
  const numbers = codes.map((c) => Number(c.replace(/\D/g, '').slice(-15))).sort((a, b) => a - b)
  const gaps = new Map<number, number>()
  for (let i = 1; i < numbers.length; i++) {
    const gap = (numbers[i] ?? 0) - (numbers[i - 1] ?? 0)
    gaps.set(gap, (gaps.get(gap) ?? 0) + 1)
  }
  return Math.max(...gaps.values()) >= 0.5 * (numbers.length - 1)
}

/**
 * Estimates how hard an imported pool is to guess ({@link ImportedCodeStrength}). A single-use pool
 * needs `strongEnough`, as generated pools do; a public multi-use code ("WELCOME10") is not a pool
 * of secrets and is not judged.
 * @category coupons
 */
export const importedCodeStrength = (codes: readonly string[]): ImportedCodeStrength => {
  const byLength = new Map<number, string[]>()
  for (const c of codes) {
    const group = byLength.get(c.length)
    if (group === undefined) byLength.set(c.length, [c])
    else group.push(c)
  }
  let keySpace = 0
  for (const [length, group] of byLength) {
    let bits = 0
    for (let i = 0; i < length; i++) {
      const seen = new Set(group.map((c) => c[i] ?? ''))
      if (seen.size > 1 || group.length === 1) bits += Math.log2(classSize(seen))
    }
    keySpace += 2 ** bits
  }
  const sequential = isNumbered(codes)
  const keySpaceBits = Math.log2(keySpace)
  const guessBits = keySpaceBits - Math.log2(codes.length)
  return {
    count: codes.length,
    keySpaceBits,
    guessBits,
    sequential,
    strongEnough: !sequential && guessBits >= GUESS_RESISTANCE_BITS,
  }
}

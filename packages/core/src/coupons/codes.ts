import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { RandomSource } from '../ports/Random.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The 32 symbols of a coupon code: the digits 2–9 and the letters A–Z without `I` and `O`. `0`/`O`
 * and `1`/`I` are left out because they are misread on receipts and typed wrong at tills; with
 * those gone, `L` and `Z` are no longer ambiguous. 32 symbols carry exactly 5 bits each, so sampling
 * is unbiased without rejecting anything.
 * @category coupons
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/**
 * The guess probability a pool must keep: `count / 32^symbols ≤ 2^-40`, so at least 2^40 guesses
 * are needed, on average, to hit one valid code.
 * @category coupons
 */
export const GUESS_RESISTANCE_BITS = 40

/**
 * A code pattern, checked: `#` is one random symbol, every other character is kept as written, and
 * ONE check character is appended at the end of the code (an extra position, not one of the `#`s).
 * `XMAS-####-####` gives codes such as `XMAS-K7PQ-3MNXR`: 8 random symbols and the check `R`.
 * @category coupons
 */
export interface CodePattern {
  readonly pattern: string
  /** How many `#` (random symbols) the pattern has. */
  readonly randomSymbols: number
  /** The length of a full code: the pattern plus the check character. */
  readonly codeLength: number
}

/**
 * A plan to generate `count` codes from a pattern strong enough for that count.
 * @category coupons
 */
export interface CodePlan extends CodePattern {
  readonly count: number
}

/**
 * Why a pattern or a plan was refused.
 * - `BAD_PATTERN`: no `#`, or a character that cannot be printed in a code.
 * - `BAD_COUNT`: the count is not a positive safe integer.
 * - `TOO_WEAK`: too few random symbols for the count (`neededSymbols` says how many).
 * @category coupons
 */
export interface CodePatternError {
  readonly _tag: 'CodePatternError'
  readonly reason: 'BAD_PATTERN' | 'BAD_COUNT' | 'TOO_WEAK'
  readonly pattern: string
  readonly neededSymbols?: number
  readonly message: string
}

/**
 * Why a code does not fit its pattern (checked offline, without a store).
 * - `UNKNOWN`: wrong length, literal characters or a symbol outside {@link CODE_ALPHABET}.
 * - `BAD_CHECK_CHARACTER`: the shape fits but the check character is wrong (a typo).
 * @category coupons
 */
export interface CodeFormatError {
  readonly _tag: 'CodeFormatError'
  readonly reason: 'UNKNOWN' | 'BAD_CHECK_CHARACTER'
  readonly code: string
  readonly message: string
}

// ── check character: a weighted sum over GF(32) ──────────────────────────────────────────────────

// GF(2^5) with the primitive polynomial x^5 + x^2 + 1: log/antilog tables.
const EXP: number[] = []
const LOG: number[] = new Array(32).fill(0)
{
  let x = 1
  for (let i = 0; i < 31; i++) {
    EXP[i] = x
    LOG[x] = i
    x <<= 1
    if (x & 0x20) x ^= 0x25
  }
}
const gfMul = (a: number, b: number): number =>
  a === 0 || b === 0 ? 0 : (EXP[((LOG[a] as number) + (LOG[b] as number)) % 31] as number)

/**
 * The check character of a string of code symbols (the random symbols only, in order). Symbol `i`
 * counted from the right, starting at 1, is weighted by `α^i` in GF(32), and the check is the sum
 * (XOR) of the weighted symbols, so that the sum over the code including the check (weight `α^0`)
 * is zero. Because every weight is non-zero and neighbouring weights differ, EVERY single
 * substitution and EVERY transposition of two adjacent symbols changes the sum, so it is caught
 * (for codes of up to 30 random symbols; a longer pattern is refused).
 *
 * Throws on a symbol outside {@link CODE_ALPHABET} (a bug in the caller).
 * @category coupons
 */
export const codeCheckCharacter = (symbols: string): string => {
  let sum = 0
  for (let i = 0; i < symbols.length; i++) {
    const value = CODE_ALPHABET.indexOf(symbols[symbols.length - 1 - i] as string)
    if (value < 0) throw new RangeError(`codeCheckCharacter: ${JSON.stringify(symbols[i])} is not a code symbol`)
    sum ^= gfMul(EXP[(i + 1) % 31] as number, value)
  }
  return CODE_ALPHABET[sum] as string
}

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

const MAX_RANDOM_SYMBOLS = 30
const PRINTABLE_LITERAL = /^[\x21-\x7e]$/

/**
 * Checks a pattern: at least one `#`, at most 30, and literals that are printable ASCII other than
 * a space.
 * @category coupons
 */
export const parseCodePattern = (pattern: string): Either<CodePatternError, CodePattern> => {
  const bad = (message: string) =>
    left<CodePatternError>({ _tag: 'CodePatternError', reason: 'BAD_PATTERN', pattern, message })
  let randomSymbols = 0
  for (const [i, ch] of [...pattern].entries()) {
    if (ch === '#') randomSymbols++
    else if (!PRINTABLE_LITERAL.test(ch)) {
      return bad(
        `pattern ${JSON.stringify(pattern)}: character ${i + 1} (${JSON.stringify(ch)}) cannot be printed in a code; use visible ASCII`,
      )
    }
  }
  if (randomSymbols === 0) return bad(`pattern ${JSON.stringify(pattern)} has no "#": a code needs random symbols`)
  if (randomSymbols > MAX_RANDOM_SYMBOLS) {
    return bad(`pattern ${JSON.stringify(pattern)} has ${randomSymbols} random symbols; at most ${MAX_RANDOM_SYMBOLS}`)
  }
  return right({ pattern, randomSymbols, codeLength: pattern.length + 1 })
}

/**
 * The fewest random symbols for `count` codes to keep a guess probability of at most 2^-40 per try:
 * the least `s` with `32^s ≥ count × 2^40` (exact, in BigInt).
 * @category coupons
 */
export const symbolsNeededFor = (count: number): number => {
  const needed = BigInt(count) << BigInt(GUESS_RESISTANCE_BITS)
  let s = 0
  let space = 1n
  while (space < needed) {
    space *= BigInt(CODE_ALPHABET.length)
    s++
  }
  return s
}

/**
 * Plans the generation of `count` codes: refuses a pattern too weak for the count, with how many
 * random symbols it needs (`XMAS-####` for 1,000,000 codes: "needs at least 12 random symbols, the
 * pattern has 4").
 * @category coupons
 */
export const planCodes = (pattern: string, count: number): Either<CodePatternError, CodePlan> => {
  if (!Number.isSafeInteger(count) || count < 1) {
    return left({
      _tag: 'CodePatternError',
      reason: 'BAD_COUNT',
      pattern,
      message: `count must be a positive whole number, got ${count}`,
    })
  }
  const parsed = parseCodePattern(pattern)
  if (parsed._tag === 'Left') return parsed
  const neededSymbols = symbolsNeededFor(count)
  if (parsed.right.randomSymbols < neededSymbols) {
    return left({
      _tag: 'CodePatternError',
      reason: 'TOO_WEAK',
      pattern,
      neededSymbols,
      message:
        `pattern ${JSON.stringify(pattern)} is too weak for ${count} codes: it needs at least ${neededSymbols} random symbols, ` +
        `the pattern has ${parsed.right.randomSymbols} (a guess must succeed with probability at most 2^-${GUESS_RESISTANCE_BITS})`,
    })
  }
  return right({ ...parsed.right, count })
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * `n` uniform indexes in `[0, size)` from a random source, by rejection sampling: a byte is used only
 * if it is below the largest multiple of `size` that fits in 256, so there is no modulo bias (for the
 * 32-symbol alphabet no byte is ever rejected). `size` must be 1–256.
 * @category coupons
 */
export const uniformIndexes = (random: RandomSource, n: number, size: number): number[] => {
  if (!Number.isInteger(size) || size < 1 || size > 256)
    throw new RangeError(`uniformIndexes: size ${size} not in 1..256`)
  const limit = 256 - (256 % size)
  const out: number[] = []
  while (out.length < n) {
    const bytes = random.bytes(Math.max(8, Math.ceil(((n - out.length) * 256) / limit)))
    for (const byte of bytes) {
      if (byte < limit) {
        out.push(byte % size)
        if (out.length === n) break
      }
    }
  }
  return out
}

/** Builds one code of a pattern from its random symbols (a string of alphabet symbols). @category coupons */
export const codeFromSymbols = (pattern: CodePattern, symbols: string): string => {
  if (symbols.length !== pattern.randomSymbols) {
    throw new RangeError(`codeFromSymbols: ${symbols.length} symbols for a pattern with ${pattern.randomSymbols}`)
  }
  let k = 0
  const chars: string[] = []
  for (const ch of pattern.pattern) chars.push(ch === '#' ? (symbols[k++] as string) : ch)
  chars.push(codeCheckCharacter(symbols))
  // join() gives a flat string: a million codes built by += would be kept as ropes, several times larger.
  return chars.join('')
}

/**
 * Draws one code of a pattern from a random source. Reads randomness from the port it is given.
 * @category coupons
 */
export const drawCode = (pattern: CodePattern, random: RandomSource): string =>
  codeFromSymbols(
    pattern,
    uniformIndexes(random, pattern.randomSymbols, CODE_ALPHABET.length)
      .map((i) => CODE_ALPHABET[i])
      .join(''),
  )

/**
 * Draws `n` codes of a pattern with one call to the random source (a batch is much faster than a
 * call per code). Reads randomness from the port it is given.
 * @category coupons
 */
export const drawCodes = (pattern: CodePattern, random: RandomSource, n: number): string[] => {
  const indexes = uniformIndexes(random, n * pattern.randomSymbols, CODE_ALPHABET.length)
  const codes: string[] = []
  for (let i = 0; i < n; i++) {
    let symbols = ''
    for (let j = i * pattern.randomSymbols; j < (i + 1) * pattern.randomSymbols; j++)
      symbols += CODE_ALPHABET[indexes[j] as number]
    codes.push(codeFromSymbols(pattern, symbols))
  }
  return codes
}

/**
 * Checks the FORMAT of a code offline: its shape against the pattern, then its check character.
 * Letters are compared case-insensitively and surrounding spaces are ignored, because cashiers
 * type codes; the right value is the code as it was issued (upper-case symbols).
 * @category coupons
 */
export const checkCodeFormat = (pattern: CodePattern | string, code: string): Either<CodeFormatError, string> => {
  const parsed = typeof pattern === 'string' ? parseCodePattern(pattern) : right(pattern)
  const unknown = (why: string) =>
    left<CodeFormatError>({
      _tag: 'CodeFormatError',
      reason: 'UNKNOWN',
      code,
      message: `unknown code ${JSON.stringify(code)}: ${why}`,
    })
  if (parsed._tag === 'Left') return unknown(parsed.left.message)
  const p = parsed.right
  const typed = code.trim().toUpperCase()
  if (typed.length !== p.codeLength) {
    return unknown(`it has ${typed.length} characters, the pattern ${JSON.stringify(p.pattern)} makes ${p.codeLength}`)
  }
  let symbols = ''
  let canonical = ''
  for (let i = 0; i < p.pattern.length; i++) {
    const expected = p.pattern[i] as string
    const got = typed[i] as string
    if (expected === '#') {
      if (!CODE_ALPHABET.includes(got))
        return unknown(`character ${i + 1} (${JSON.stringify(got)}) is not a code symbol`)
      symbols += got
      canonical += got
    } else if (expected.toUpperCase() !== got) {
      return unknown(`character ${i + 1} should be ${JSON.stringify(expected)}`)
    } else canonical += expected
  }
  const check = typed[p.pattern.length] as string
  if (!CODE_ALPHABET.includes(check))
    return unknown(`the last character (${JSON.stringify(check)}) is not a code symbol`)
  if (codeCheckCharacter(symbols) !== check) {
    return left({
      _tag: 'CodeFormatError',
      reason: 'BAD_CHECK_CHARACTER',
      code,
      message: `code ${JSON.stringify(code)} has a wrong check character: probably a typo`,
    })
  }
  return right(canonical + check)
}

/**
 * Tells which of some candidate codes are already taken in the pool, and claims the others. The
 * store implements it with a unique index; {@link inMemoryUniqueness} keeps an exact Set.
 * @category coupons
 */
export type ClaimCodes = (candidates: readonly string[]) => Iterable<string> | Promise<Iterable<string>>

/**
 * A {@link ClaimCodes} over an in-memory Set of every code it has claimed: exact, no false
 * positives. Memory grows with the pool: measured at about 61 bytes per 20-character code in V8
 * (1,000,000 codes of `XMAS-####-####-####` keep 61 MB of heap).
 * @category coupons
 */
export const inMemoryUniqueness = (alreadyIssued: Iterable<string> = []): ClaimCodes => {
  const seen = new Set<string>(alreadyIssued)
  return (candidates) => {
    const taken: string[] = []
    for (const code of candidates) {
      if (seen.has(code)) taken.push(code)
      else seen.add(code)
    }
    return taken
  }
}

/**
 * Options of {@link generateCodes}.
 * @category coupons
 */
export interface GenerateCodesOptions {
  readonly random: RandomSource
  /** Claims candidates in the pool and returns those already taken (they are drawn again). */
  readonly claim: ClaimCodes
  /** Codes per batch (default 1,000). */
  readonly batchSize?: number
}

/**
 * Generates the codes of a plan as a stream of batches, each code unique within the pool: every
 * batch is offered to `claim`, and the codes it reports as taken are drawn again. Memory is one
 * batch plus whatever `claim` keeps. Reads randomness from the port it is given.
 *
 * Throws only if the pool looks saturated (100 redraws in a row all taken), which the strength
 * check makes practically impossible: it means `claim` is broken.
 * @category coupons
 */
export async function* generateCodes(plan: CodePlan, options: GenerateCodesOptions): AsyncGenerator<readonly string[]> {
  const batchSize = Math.max(1, options.batchSize ?? 1000)
  let remaining = plan.count
  while (remaining > 0) {
    const size = Math.min(batchSize, remaining)
    const batch: string[] = []
    let redraws = 0
    let wanted = size
    while (wanted > 0) {
      const candidates = new Set<string>()
      while (candidates.size < wanted) {
        for (const code of drawCodes(plan, options.random, wanted - candidates.size)) candidates.add(code)
      }
      const taken = new Set(await options.claim([...candidates]))
      for (const code of candidates) if (!taken.has(code)) batch.push(code)
      wanted = size - batch.length
      if (wanted > 0 && ++redraws > 100) {
        throw new Error(`generateCodes: ${wanted} codes still taken after 100 redraws; the claim callback is broken`)
      }
    }
    remaining -= size
    yield batch
  }
}

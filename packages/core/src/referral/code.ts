import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { CODE_ALPHABET, codeCheckCharacter } from '../coupons/codes.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The program's referral secret (configuration, like a signing key). Codes are derived from it, so
 * nobody can compute another member's code without it; changing it changes every code.
 * @category referral
 */
export type ReferralSecret = Uint8Array | string

/** Symbols of a referral code before its check character: 9 × 5 bits = 45 bits. @category referral */
export const REFERRAL_CODE_SYMBOLS = 9

/**
 * Why a typed referral code is refused, before any lookup:
 * - `LENGTH`: not 10 symbols (hyphens and spaces aside);
 * - `SYMBOL`: a character outside the code alphabet (no 0, 1, I or O);
 * - `CHECK`: the check character does not match (a typo).
 * @category errors
 */
export interface InvalidReferralCode {
  readonly _tag: 'InvalidReferralCode'
  readonly code: string
  readonly reason: 'LENGTH' | 'SYMBOL' | 'CHECK'
  readonly message: string
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const encoder = new TextEncoder()
const bytesOf = (secret: ReferralSecret) => (typeof secret === 'string' ? encoder.encode(secret) : secret)

const format = (symbols: string) => `${symbols.slice(0, 5)}-${symbols.slice(5)}`

/**
 * A member's referral code: 9 symbols from the coupon alphabet (digits 2–9 and letters without I
 * and O) taken from HMAC-SHA256(secret, member id), plus the coupon check character, printed in two
 * groups of five: `K7QM2-X9PDR`. Deterministic: the same member and secret always give the same
 * code, so nothing needs storing to verify it, and a member cannot guess another's code.
 * @category referral
 */
export const referralCode = (memberId: string, secret: ReferralSecret): string => {
  const mac = hmac(sha256, bytesOf(secret), encoder.encode(`tessera-referral:${memberId}`))
  let bits = 0n
  for (let i = 0; i < 6; i++) bits = (bits << 8n) | BigInt(mac[i] as number)
  let symbols = ''
  for (let i = 0; i < REFERRAL_CODE_SYMBOLS; i++) {
    symbols += CODE_ALPHABET[Number((bits >> BigInt(43 - 5 * i)) & 31n)]
  }
  return format(symbols + codeCheckCharacter(symbols))
}

/**
 * Reads a typed or scanned referral code: case, spaces and hyphens do not matter. Returns the code
 * in its printed form, or why it cannot be a referral code (a typo is caught by the check character:
 * every single wrong symbol and every swap of two neighbours).
 * @category referral
 */
export const parseReferralCode = (text: string): Either<InvalidReferralCode, string> => {
  const refuse = (reason: InvalidReferralCode['reason'], why: string): Either<InvalidReferralCode, string> =>
    left({ _tag: 'InvalidReferralCode', code: text, reason, message: `referral code ${JSON.stringify(text)}: ${why}` })
  const symbols = String(text).toUpperCase().replace(/[\s-]/g, '')
  if (symbols.length !== REFERRAL_CODE_SYMBOLS + 1) {
    return refuse('LENGTH', `must have ${REFERRAL_CODE_SYMBOLS + 1} symbols, has ${symbols.length}`)
  }
  for (const ch of symbols) {
    if (!CODE_ALPHABET.includes(ch))
      return refuse('SYMBOL', `"${ch}" is not a code symbol (0, 1, I and O are never used)`)
  }
  if (codeCheckCharacter(symbols.slice(0, -1)) !== symbols.slice(-1)) {
    return refuse('CHECK', 'the check character does not match: a symbol was mistyped')
  }
  return right(format(symbols))
}

/** Whether a typed code is this member's referral code. @category referral */
export const isReferralCodeOf = (text: string, memberId: string, secret: ReferralSecret): boolean => {
  const parsed = parseReferralCode(text)
  return parsed._tag === 'Right' && parsed.right === referralCode(memberId, secret)
}

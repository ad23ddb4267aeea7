import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { type DecodeError, decodeError, type FieldProblem } from '../codec/decode.js'
import { isIsoDateTime } from '../time/time.codec.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Secret keys by key id, for signing and checking checkout coupons. Several ids may be present at
 * once: a new key signs, old ones keep verifying until they are removed (rotation). Key ids are
 * 1–16 letters or digits and are matched case-insensitively (they are printed upper-case).
 * @category coupons
 */
export type Keyring = { readonly [keyId: string]: Uint8Array }

/**
 * What a signed checkout coupon says. `card` absent means a bearer coupon (anyone may use it).
 * Validity is `validFrom ≤ now < validUntil`, to the second, printed as UTC.
 * @category coupons
 */
export interface CouponClaims {
  readonly keyId: string
  readonly pool: string
  readonly serial: string
  readonly card?: string
  readonly validFrom: string
  readonly validUntil: string
}

/** What to sign: {@link CouponClaims} without the key id, times as ISO-8601 with an offset. @category coupons */
export interface CouponToSign {
  readonly pool: string
  readonly serial: string
  readonly card?: string
  readonly validFrom: string
  readonly validUntil: string
}

/**
 * Why a printed coupon is refused offline.
 * - `MALFORMED`: not a Tessera coupon text (wrong prefix, characters or lengths);
 * - `UNKNOWN_KEY`: signed with a key id this till does not hold (or no longer holds);
 * - `TAMPERED`: the signature does not match: some character was changed;
 * - `NOT_YET_VALID` / `EXPIRED`: outside its validity;
 * - `NOT_YOURS`: a personal coupon presented without its card, or with another card.
 * @category coupons
 */
export type CouponRejection = 'MALFORMED' | 'UNKNOWN_KEY' | 'TAMPERED' | 'NOT_YET_VALID' | 'EXPIRED' | 'NOT_YOURS'

/** A refused signed coupon: the reason and a message for the cashier. @category coupons */
export interface CouponRejected {
  readonly _tag: 'CouponRejected'
  readonly reason: CouponRejection
  readonly message: string
  /** The claims, when the signature was good (for EXPIRED, NOT_YET_VALID, NOT_YOURS). */
  readonly claims?: CouponClaims
}

/** A coupon that cannot be signed: an unknown key, a bad time or a field too long. @category coupons */
export interface CouponSignError {
  readonly _tag: 'CouponSignError'
  readonly message: string
}

/** The text form's version prefix. @category coupons */
export const COUPON_PREFIX = 'TSR1'

/** Bytes of HMAC-SHA256 kept in the text (80 bits: 16 base32 characters). @category coupons */
export const COUPON_MAC_BYTES = 10

const MAX_FIELD_BYTES = 64
const KEY_ID = /^[A-Za-z0-9]{1,16}$/
const TEXT = /^TSR1\.([A-Z0-9]{1,16})\.([A-Z2-7]{16,})\.([A-Z2-7]{16})$/

// ── base32 ───────────────────────────────────────────────────────────────────────────────────────

// Base32 (RFC 4648 alphabet, no padding): upper-case letters and digits 2–7 only, so the text fits
// QR's alphanumeric mode and every Code 128 scanner.

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

const toBase32 = (bytes: Uint8Array): string => {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += B32[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) out += B32[(buffer << (5 - bits)) & 31]
  return out
}

const fromBase32 = (text: string): Uint8Array | undefined => {
  const out: number[] = []
  let buffer = 0
  let bits = 0
  for (const ch of text) {
    const v = B32.indexOf(ch)
    if (v < 0) return undefined
    buffer = (buffer << 5) | v
    bits += 5
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff)
      bits -= 8
    }
    buffer &= (1 << bits) - 1
  }
  return Uint8Array.from(out)
}

// ── payload ──────────────────────────────────────────────────────────────────────────────────────

// Payload: validFrom, validUntil (u32 epoch seconds, big-endian), then pool, serial and card as
// length-prefixed UTF-8 (card length 0 = bearer).

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder('utf-8', { fatal: true })

const encodePayload = (fromS: number, untilS: number, fields: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(8 + fields.reduce((n, f) => n + 1 + f.length, 0))
  const view = new DataView(out.buffer)
  view.setUint32(0, fromS)
  view.setUint32(4, untilS)
  let at = 8
  for (const f of fields) {
    out[at++] = f.length
    out.set(f, at)
    at += f.length
  }
  return out
}

const decodePayload = (bytes: Uint8Array) => {
  if (bytes.length < 11) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fields: string[] = []
  let at = 8
  try {
    for (let i = 0; i < 3; i++) {
      const n = bytes[at++]
      if (n === undefined || at + n > bytes.length) return undefined
      fields.push(fromUtf8.decode(bytes.subarray(at, at + n)))
      at += n
    }
  } catch {
    return undefined
  }
  if (at !== bytes.length) return undefined
  return { fromS: view.getUint32(0), untilS: view.getUint32(4), pool: fields[0], serial: fields[1], card: fields[2] }
}

const macOf = (key: Uint8Array, signed: string): Uint8Array =>
  hmac(sha256, key, utf8.encode(signed)).subarray(0, COUPON_MAC_BYTES)

/** Constant-time equality of two byte strings of the same length (no early exit on a mismatch). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

const findKey = (keyring: Keyring, keyId: string): Uint8Array | undefined => {
  for (const [id, key] of Object.entries(keyring)) if (id.toUpperCase() === keyId) return key
  return undefined
}

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Signs a checkout coupon with the key `keyId` of the keyring and returns its printable text
 * `TSR1.<KEYID>.<payload>.<mac>`: upper-case letters, digits 2–7 and dots, so it is scannable as
 * Code 128 or a QR code in alphanumeric mode. The MAC is HMAC-SHA256 over everything before the last
 * dot (version, key id, payload), truncated to 80 bits. Times are kept to the second.
 * @category coupons
 */
export const signCoupon = (coupon: CouponToSign, keyring: Keyring, keyId: string): Either<CouponSignError, string> => {
  const fail = (message: string) => left<CouponSignError>({ _tag: 'CouponSignError', message })
  if (!KEY_ID.test(keyId)) return fail(`key id ${JSON.stringify(keyId)} must be 1–16 letters or digits`)
  const key = findKey(keyring, keyId.toUpperCase())
  if (key === undefined) return fail(`key id ${JSON.stringify(keyId)} is not in the keyring`)
  const times: number[] = []
  for (const [name, at] of [
    ['validFrom', coupon.validFrom],
    ['validUntil', coupon.validUntil],
  ] as const) {
    if (!isIsoDateTime(at))
      return fail(`${name} must be an ISO-8601 date-time with an offset, got ${JSON.stringify(at)}`)
    const seconds = Math.floor(Date.parse(at) / 1000)
    if (seconds < 0 || seconds > 0xffffffff) return fail(`${name} ${at} is outside 1970–2106`)
    times.push(seconds)
  }
  const [fromS, untilS] = times as [number, number]
  if (untilS <= fromS) return fail(`validUntil (${coupon.validUntil}) must be after validFrom (${coupon.validFrom})`)
  const fields: Uint8Array[] = []
  for (const [name, value] of [
    ['pool', coupon.pool],
    ['serial', coupon.serial],
    ['card', coupon.card ?? ''],
  ] as const) {
    const bytes = utf8.encode(value)
    if (name !== 'card' && bytes.length === 0) return fail(`${name} must not be empty`)
    if (bytes.length > MAX_FIELD_BYTES) return fail(`${name} is ${bytes.length} bytes long; at most ${MAX_FIELD_BYTES}`)
    fields.push(bytes)
  }
  const signed = `${COUPON_PREFIX}.${keyId.toUpperCase()}.${toBase32(encodePayload(fromS, untilS, fields))}`
  return right(`${signed}.${toBase32(macOf(key, signed))}`)
}

const rejected = (reason: CouponRejection, message: string, claims?: CouponClaims) =>
  left<CouponRejected>({ _tag: 'CouponRejected', reason, message, ...(claims ? { claims } : {}) })

/**
 * Checks a printed coupon OFFLINE: its form, its key, its MAC (compared in constant time), its
 * validity at `now` (epoch ms, from the caller's clock) and, for a personal coupon, the card
 * presented. Checks run in that order, so a changed character is `TAMPERED` before any date is
 * believed. Surrounding spaces are ignored; the text is otherwise taken exactly as printed.
 * @category coupons
 */
export const verifyCoupon = (
  text: string,
  keyring: Keyring,
  now: number,
  card?: string,
): Either<CouponRejected, CouponClaims> => {
  const m = TEXT.exec(text.trim())
  if (m === null) return rejected('MALFORMED', 'This is not a Tessera coupon (or it was misread): scan it again.')
  const [, keyId, payload, mac] = m as unknown as [string, string, string, string]
  const key = findKey(keyring, keyId)
  if (key === undefined) {
    return rejected('UNKNOWN_KEY', `This coupon was signed with key ${keyId}, which this till does not hold.`)
  }
  const expected = macOf(key, text.trim().slice(0, -(mac.length + 1)))
  const given = fromBase32(mac)
  if (given === undefined || !sameBytes(expected, given)) {
    return rejected('TAMPERED', 'This coupon has been altered: its signature does not match.')
  }
  const fields = fromBase32(payload)
  const decoded = fields === undefined ? undefined : decodePayload(fields)
  if (decoded === undefined) return rejected('MALFORMED', 'This coupon is signed but its content cannot be read.')
  const claims: CouponClaims = {
    keyId,
    pool: decoded.pool as string,
    serial: decoded.serial as string,
    ...(decoded.card ? { card: decoded.card } : {}),
    validFrom: isoOf(decoded.fromS),
    validUntil: isoOf(decoded.untilS),
  }
  if (now < decoded.fromS * 1000)
    return rejected('NOT_YET_VALID', `This coupon is valid from ${claims.validFrom}.`, claims)
  if (now >= decoded.untilS * 1000) return rejected('EXPIRED', `This coupon expired at ${claims.validUntil}.`, claims)
  if (claims.card !== undefined && card !== claims.card) {
    return rejected(
      'NOT_YOURS',
      card === undefined
        ? 'This coupon is personal: scan the card it was issued to.'
        : 'This coupon was issued to another card.',
      claims,
    )
  }
  return right(claims)
}

/**
 * The barcode data to print for a coupon text, as bwip-js options (rendering is the till's job):
 * Code 128 for receipt printers, a QR code (alphanumeric mode, error correction M) for screens.
 * @category coupons
 */
export const couponBarcodeData = (text: string) =>
  ({
    code128: { bcid: 'code128', text },
    qrcode: { bcid: 'qrcode', text, eclevel: 'M' },
  }) as const

const decodeSecret = (value: unknown): Uint8Array | string => {
  if (typeof value !== 'string') return 'must be a string (hex or base64 secret)'
  const hex = /^(?:[0-9a-fA-F]{2})+$/.test(value)
  let bytes: Uint8Array
  if (hex) bytes = Uint8Array.from(value.match(/../g) as string[], (h) => Number.parseInt(h, 16))
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0)
    bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0))
  else return 'must be a hex or base64 secret'
  return bytes.length < 16 ? `is ${bytes.length} bytes; a secret must have at least 16 (128 bits)` : bytes
}

/**
 * Decodes a key file `{ "keys": { "k1": "<hex or base64 secret>" } }` into a {@link Keyring}. Each
 * secret must be at least 16 bytes; key ids 1–16 letters or digits, unique ignoring case.
 * @category coupons
 */
export const decodeKeyring = (u: unknown, document = 'key file'): Either<DecodeError, Keyring> => {
  const problems: FieldProblem[] = []
  const keys = typeof u === 'object' && u !== null ? (u as { keys?: unknown }).keys : undefined
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    return left(decodeError(document, [{ path: 'keys', reason: 'must be an object of key id to secret' }]))
  }
  const keyring: Record<string, Uint8Array> = {}
  const seen = new Set<string>()
  for (const [id, value] of Object.entries(keys)) {
    if (!KEY_ID.test(id)) problems.push({ path: `keys.${id}`, reason: 'a key id must be 1–16 letters or digits' })
    else if (seen.has(id.toUpperCase()))
      problems.push({ path: `keys.${id}`, reason: 'key ids must differ ignoring case' })
    seen.add(id.toUpperCase())
    const secret = decodeSecret(value)
    if (typeof secret === 'string') problems.push({ path: `keys.${id}`, reason: secret })
    else keyring[id] = secret
  }
  if (Object.keys(keys).length === 0) problems.push({ path: 'keys', reason: 'must hold at least one key' })
  return problems.length > 0 ? left(decodeError(document, problems)) : right(keyring)
}

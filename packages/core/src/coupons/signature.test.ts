import { isLeft } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  type CouponToSign,
  couponBarcodeData,
  decodeKeyring,
  type Keyring,
  signCoupon,
  verifyCoupon,
} from './signature.js'

const K1 = new Uint8Array(32).fill(1)
const K2 = new Uint8Array(32).fill(2)
const T = (iso: string) => Date.parse(iso)
const COUPON: CouponToSign = {
  pool: 'XMAS',
  serial: '000123',
  card: '4022847518216',
  validFrom: '2026-12-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00Z',
}
const NOW = T('2026-12-10T12:00:00Z')

const sign = (coupon: CouponToSign = COUPON, keyring: Keyring = { k1: K1 }, keyId = 'k1') => {
  const s = signCoupon(coupon, keyring, keyId)
  if (s._tag === 'Left') throw new Error(s.left.message)
  return s.right
}
const reason = (r: ReturnType<typeof verifyCoupon>) => (r._tag === 'Left' ? r.left.reason : 'OK')

describe('signCoupon / verifyCoupon', () => {
  it('round-trips the claims, printed upper-case alphanumeric with dots (QR alphanumeric mode)', () => {
    const text = sign()
    expect(text).toMatch(/^TSR1\.K1\.[A-Z2-7]+\.[A-Z2-7]{16}$/)
    expect(text.length).toBeLessThanOrEqual(90)
    expect(verifyCoupon(text, { k1: K1 }, NOW, '4022847518216')).toEqual({
      _tag: 'Right',
      right: { keyId: 'K1', ...COUPON },
    })
  })

  it('refuses a coupon with one payload character changed as TAMPERED', () => {
    const text = sign()
    const i = 'TSR1.K1.'.length + 3
    const changed = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1)
    expect(reason(verifyCoupon(changed, { k1: K1 }, NOW, COUPON.card))).toBe('TAMPERED')
  })

  it('refuses a coupon whose validity was edited (re-encoded with a later end, old MAC kept)', () => {
    const text = sign()
    const longer = sign({ ...COUPON, validUntil: '2030-01-01T00:00:00Z' })
    const forged = `${longer.slice(0, longer.lastIndexOf('.'))}${text.slice(text.lastIndexOf('.'))}`
    expect(reason(verifyCoupon(forged, { k1: K1 }, NOW, COUPON.card))).toBe('TAMPERED')
  })

  it('refuses a coupon whose card was swapped for another, even if the other card presents it', () => {
    const text = sign()
    const other = sign({ ...COUPON, card: '4000000000006' }, { k1: K2 })
    const forged = `${other.slice(0, other.lastIndexOf('.'))}${text.slice(text.lastIndexOf('.'))}`
    expect(reason(verifyCoupon(forged, { k1: K1 }, NOW, '4000000000006'))).toBe('TAMPERED')
  })

  it('refuses a personal coupon without its card or with another card as NOT_YOURS', () => {
    const text = sign()
    expect(reason(verifyCoupon(text, { k1: K1 }, NOW))).toBe('NOT_YOURS')
    expect(reason(verifyCoupon(text, { k1: K1 }, NOW, '4000000000006'))).toBe('NOT_YOURS')
  })

  it('accepts a bearer coupon from anyone', () => {
    const { card: _card, ...bearer } = COUPON
    const text = sign(bearer)
    expect(verifyCoupon(text, { k1: K1 }, NOW)).toMatchObject({ _tag: 'Right', right: { pool: 'XMAS' } })
    expect(verifyCoupon(text, { k1: K1 }, NOW, 'ANY')).toMatchObject({ _tag: 'Right' })
  })

  it('is valid from validFrom (inclusive) until validUntil (exclusive), to the second', () => {
    const text = sign()
    const at = (iso: string, delta = 0) => reason(verifyCoupon(text, { k1: K1 }, T(iso) + delta, COUPON.card))
    expect(at('2026-12-01T00:00:00Z', -1)).toBe('NOT_YET_VALID')
    expect(at('2026-12-01T00:00:00Z')).toBe('OK')
    expect(at('2027-01-01T00:00:00Z', -1)).toBe('OK')
    expect(at('2027-01-01T00:00:00Z')).toBe('EXPIRED')
  })

  it('reads validity with offsets as the same instants (2026-12-01T01:00+01:00 = 00:00Z)', () => {
    const text = sign({ ...COUPON, validFrom: '2026-12-01T01:00:00+01:00' })
    expect(verifyCoupon(text, { k1: K1 }, NOW, COUPON.card)).toMatchObject({
      right: { validFrom: '2026-12-01T00:00:00Z' },
    })
  })

  it('keeps verifying old coupons while their key stays in the keyring, and refuses them once it is removed', () => {
    const old = sign(COUPON, { k1: K1 }, 'k1')
    const fresh = sign(COUPON, { k1: K1, k2: K2 }, 'k2')
    const rotated = { k1: K1, k2: K2 }
    expect(reason(verifyCoupon(old, rotated, NOW, COUPON.card))).toBe('OK')
    expect(reason(verifyCoupon(fresh, rotated, NOW, COUPON.card))).toBe('OK')
    expect(reason(verifyCoupon(old, { k2: K2 }, NOW, COUPON.card))).toBe('UNKNOWN_KEY')
    expect(reason(verifyCoupon(fresh, { k2: K2 }, NOW, COUPON.card))).toBe('OK')
  })

  it('refuses a coupon signed with a different secret under the same key id as TAMPERED', () => {
    expect(reason(verifyCoupon(sign(), { k1: K2 }, NOW, COUPON.card))).toBe('TAMPERED')
  })

  it('calls text that is not a coupon MALFORMED', () => {
    for (const text of ['', 'hello', 'TSR2.K1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAA', sign().toLowerCase(), `${sign()}A`]) {
      expect(reason(verifyCoupon(text, { k1: K1 }, NOW, COUPON.card))).toBe('MALFORMED')
    }
  })

  it('refuses to sign with an unknown key, bad times, an empty pool or a field over 64 bytes', () => {
    expect(isLeft(signCoupon(COUPON, { k1: K1 }, 'k9'))).toBe(true)
    expect(signCoupon({ ...COUPON, validFrom: '2026-12-01T00:00:00' }, { k1: K1 }, 'k1')).toMatchObject({
      left: { message: expect.stringContaining('validFrom') },
    })
    expect(signCoupon({ ...COUPON, validUntil: COUPON.validFrom }, { k1: K1 }, 'k1')).toMatchObject({
      left: { message: expect.stringContaining('after') },
    })
    expect(isLeft(signCoupon({ ...COUPON, pool: '' }, { k1: K1 }, 'k1'))).toBe(true)
    expect(isLeft(signCoupon({ ...COUPON, serial: 'x'.repeat(65) }, { k1: K1 }, 'k1'))).toBe(true)
  })

  it('gives bwip-js options for Code 128 and QR with the coupon text as data', () => {
    const text = sign()
    expect(couponBarcodeData(text)).toEqual({
      code128: { bcid: 'code128', text },
      qrcode: { bcid: 'qrcode', text, eclevel: 'M' },
    })
  })
})

describe('decodeKeyring', () => {
  it('reads hex and base64 secrets', () => {
    const r = decodeKeyring({ keys: { k1: '01'.repeat(32), k2: Buffer.from(K2).toString('base64') } })
    expect(r).toEqual({ _tag: 'Right', right: { k1: K1, k2: K2 } })
  })

  it('names the key and the reason for a short, non-string or undecodable secret', () => {
    const r = decodeKeyring({ keys: { k1: 'abcd', k2: 42, 'k 3': '01'.repeat(16), k4: 'not a secret!' } })
    expect(r._tag).toBe('Left')
    const problems = r._tag === 'Left' ? r.left.problems : []
    expect(problems).toEqual([
      { path: 'keys.k1', reason: 'is 2 bytes; a secret must have at least 16 (128 bits)' },
      { path: 'keys.k2', reason: 'must be a string (hex or base64 secret)' },
      { path: 'keys.k 3', reason: 'a key id must be 1–16 letters or digits' },
      { path: 'keys.k4', reason: 'must be a hex or base64 secret' },
    ])
  })

  it('refuses a file without keys', () => {
    expect(decodeKeyring({})).toMatchObject({ left: { problems: [{ path: 'keys' }] } })
    expect(decodeKeyring({ keys: {} })).toMatchObject({ left: { problems: [{ path: 'keys' }] } })
  })
})

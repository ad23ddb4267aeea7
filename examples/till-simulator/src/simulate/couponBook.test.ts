import { describe, expect, it } from 'vitest'
import { seededRng } from '../store/prng.js'
import { couponBook } from './couponBook.js'

const rng = seededRng('book')
const random = { bytes: (n: number) => Uint8Array.from({ length: n }, () => rng.int(0, 255)) }
const templates = [
  { template: 'sauce-30', pool: 'SAUCE' },
  { template: 'conquest', pool: 'CQ-GROCERY-PASTA' },
]

describe('couponBook', () => {
  it('issues codes of the pool pattern and accepts them once, for their card, before they expire', () => {
    const book = couponBook(templates)
    const coupon = book.issue('conquest', random, '2900000000018', '2026-12-10T00:00:00+01:00')
    expect(coupon.code).toMatch(/^CQ-GROCERY-PASTA-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{5}$/)
    const at = '2026-11-26T10:00:00+01:00'
    expect(book.judge(coupon.code, '2900000000018', at)).toEqual({ ok: true, template: 'conquest' })
    expect(book.judge(coupon.code, '2900000000025', at)).toEqual({ ok: false, reason: 'NOT_YOURS' })
    expect(book.judge(coupon.code, '2900000000018', '2026-12-10T00:00:00+01:00')).toEqual({
      ok: false,
      reason: 'EXPIRED',
    })
    book.redeem(coupon.code)
    expect(book.judge(coupon.code, '2900000000018', at)).toEqual({ ok: false, reason: 'ALREADY_REDEEMED' })
  })
  it('refuses a typo by its check character, and codes never issued or of no pool', () => {
    const book = couponBook(templates)
    const { code } = book.issue('sauce-30', random)
    const at = '2026-11-26T10:00:00+01:00'
    const last = code.at(-1) === '2' ? '3' : '2'
    expect(book.judge(`${code.slice(0, -1)}${last}`, undefined, at)).toEqual({
      ok: false,
      reason: 'BAD_CHECK_CHARACTER',
    })
    expect(book.judge('XMAS-7KQ2-X9PDR', undefined, at)).toEqual({ ok: false, reason: 'UNKNOWN' })
    const other = couponBook(templates).issue('sauce-30', random).code
    expect(book.judge(other, undefined, at)).toEqual({ ok: false, reason: 'UNKNOWN' })
    expect(book.judge(code, undefined, at)).toEqual({ ok: true, template: 'sauce-30' })
  })
  it('refuses to issue for an unknown template', () => {
    expect(() => couponBook(templates).issue('nope', random)).toThrow(/unknown template/)
  })
})

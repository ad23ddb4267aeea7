import { describe, expect, it } from 'vitest'
import { couponEan13 } from './ean13.js'
import { err, ok } from './testkit.js'

describe('parseBarcode: GTINs and check digits', () => {
  it('reads a plain EAN-13', () => {
    expect(ok('4022847518216')).toEqual({ kind: 'gtin', gtin: '4022847518216' })
  })

  it('refuses a wrong check digit with the expected and actual digits', () => {
    expect(err('4022847518217')).toMatchObject({ reason: 'BAD_CHECK_DIGIT', expected: 6, actual: 7 })
  })

  it('calls letters or an impossible length MALFORMED', () => {
    expect(err('40228475X8216').reason).toBe('MALFORMED')
    expect(err('12345').reason).toBe('MALFORMED')
    expect(err('').reason).toBe('MALFORMED')
  })

  it('reads restricted-circulation numbers: 04x within a company, 2x without country rules, RCN-8', () => {
    expect(ok('0412345678903')).toEqual({ kind: 'restrictedCirculation', gtin: '0412345678903', scope: 'company' })
    expect(ok('2212345012992')).toEqual({ kind: 'restrictedCirculation', gtin: '2212345012992', scope: 'geographic' })
    expect(ok('02123455')).toEqual({ kind: 'restrictedCirculation', gtin: '02123455', scope: 'company' })
  })

  it('reads a refund receipt (980)', () => {
    expect(ok('9801234567892')).toEqual({ kind: 'refundReceipt', gtin: '9801234567892' })
  })
})

describe('parseBarcode: EAN-13 coupons', () => {
  it('reads 981 (10-cent steps): 981 3765 03 001 → 1 × 10 = 10 cents', () => {
    expect(ok('9813765030011')).toEqual({
      kind: 'coupon',
      scheme: 'ean13-euro',
      gtin: '9813765030011',
      issuer: '3765',
      reference: '03',
      valueMinor: 10,
      currency: 'EUR',
      freeItem: false,
    })
  })

  it('reads 982 (cents): 982 8508 01 010 → 10 cents', () => {
    expect(ok('9828508010106')).toMatchObject({ scheme: 'ean13-euro', issuer: '8508', valueMinor: 10 })
  })

  it('reads VVV 000 as a free item, and leaves a 983 value to national rules', () => {
    expect(ok('9811234000008')).toMatchObject({ freeItem: true })
    expect(ok('9811234000008')).not.toHaveProperty('valueMinor')
    expect(ok('9831234015000')).toMatchObject({ scheme: 'ean13-euro', freeItem: false })
    expect(ok('9831234015000')).not.toHaveProperty('valueMinor')
  })

  it('returns the body of a national 99 coupon', () => {
    expect(ok('9912345678909')).toEqual({
      kind: 'coupon',
      scheme: 'ean13-99',
      gtin: '9912345678909',
      body: '1234567890',
    })
  })

  it('reads a UPC-A coupon 5 CCCCC FFF VV K', () => {
    expect(ok('512345123455')).toEqual({
      kind: 'coupon',
      scheme: 'upc-a-5',
      gtin: '512345123455',
      company: '12345',
      familyCode: '123',
      valueCode: '45',
    })
  })

  it('makes a 99 coupon number that parses back', () => {
    expect(couponEan13('1234567890')).toEqual({ _tag: 'Right', right: '9912345678909' })
    expect(couponEan13('123')).toMatchObject({ left: { reason: 'MALFORMED' } })
  })
})

import { describe, expect, it } from 'vitest'
import { err, ok } from './testkit.js'

// 1 0614141 (company prefix) 654321 (offer) 3 250 (save $2.50) 1 1 (1 unit) 0 (units) 120 (family)
const BASE = ['1', '0614141', '654321', '3', '250', '1', '1', '0', '120'].join('')

describe('parseBarcode: GS1 DataBar coupons', () => {
  it('reads AI 8110: $2.50 off 1 unit of family 120 of 0614141, expiring 2014-01-31', () => {
    const expected = {
      kind: 'coupon',
      scheme: 'databar-8110',
      companyPrefix: '0614141',
      offerCode: '654321',
      saveValue: 250,
      requirements: [{ requirement: 1, requirementCode: 0, familyCode: '120' }],
      expiry: '2014-01-31',
      saveValueCode: 0,
      appliesToItem: 0,
      storeCoupon: false,
      dontMultiply: false,
    }
    expect(ok('(8110)1061414165432132501101203140131')).toEqual(expected)
    expect(ok(']e081101061414165432132501101203140131')).toEqual(expected)
    expect(ok('81101061414165432132501101203140131')).toEqual(expected)
  })

  it('reads AI 8110 group 1: a second requirement of 3 units of family 850, same company', () => {
    // 1 0614141 654321 3 250 1 1 0 120 | 1 0 1 3 0 850 9 | 3 140131
    const c = ok(`(8110)${[BASE, '1', '0', '1', '3', '0', '850', '9', '3', '140131'].join('')}`)
    expect(c).toMatchObject({
      rulesCode: 0,
      requirements: [
        { requirement: 1, requirementCode: 0, familyCode: '120' },
        { requirement: 3, requirementCode: 0, familyCode: '850' },
      ],
      expiry: '2014-01-31',
    })
  })

  it('reads AI 8110 groups 4, 5, 6 and 9 with AI 8111 points', () => {
    const groups = ['3', '140131', '4', '131201', '5', '0', '123456', '6', '1', '0614141', '9', '0', '1', '1', '1']
    const c = ok(`(8110)${BASE}${groups.join('')}(8111)0050`)
    expect(c).toMatchObject({
      expiry: '2014-01-31',
      start: '2013-12-01',
      serial: '123456',
      retailerId: '0614141',
      saveValueCode: 0,
      appliesToItem: 1,
      storeCoupon: true,
      dontMultiply: true,
      loyaltyPoints: 50,
    })
  })

  it('refuses AI 8110 data that is cut short, out of order, leftover or with a start after the expiry', () => {
    expect(err('(8110)106141416543213250').reason).toBe('MALFORMED')
    expect(err('(8110)10614141654321325011012031401311').message).toMatch(/unexpected/)
    expect(err(`(8110)${BASE}3140131`.concat('4140201')).message).toMatch(/after the expiration/)
    expect(err(`(8110)${BASE}4131201`.concat('3140131')).message).toMatch(/unexpected/)
    expect(err('(8110)1061414165432132501101203141331').message).toMatch(/not a date/)
    expect(err('(8110)7061414165432132501101203140131').message).toMatch(/company prefix length indicator/)
  })

  it('reads AI 8112 and refuses anything after its serial', () => {
    expect(ok('(8112)001234561234560123456')).toEqual({
      kind: 'coupon',
      scheme: 'databar-8112',
      formatCode: '0',
      funderId: '123456',
      offerCode: '123456',
      serial: '123456',
    })
    expect(err('(8112)0012345612345601234567').reason).toBe('MALFORMED')
  })
})

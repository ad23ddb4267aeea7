import { describe, expect, it } from 'vitest'
import { couponEan13, type ParseBarcodeOptions, parseBarcode, priceVerifierDigit } from './gs1.js'

const ok = (text: string, options?: ParseBarcodeOptions) => {
  const r = parseBarcode(text, options)
  if (r._tag === 'Left') throw new Error(r.left.message)
  return r.right
}
const err = (text: string, options?: ParseBarcodeOptions) => {
  const r = parseBarcode(text, options)
  if (r._tag === 'Right') throw new Error(`expected an error for ${text}`)
  return r.left
}

describe('priceVerifierDigit', () => {
  it('gives the reference examples: 2875 → 9 (four digits) and 14685 → 6 (five digits)', () => {
    expect(priceVerifierDigit('2875')).toBe(9)
    expect(priceVerifierDigit('14685')).toBe(6)
  })

  it('gives 7 for 0250: 2-(0)=0, 2-(2)=4, 3(5)=5, 5-(0)=0; (9 × 3) mod 10 = 7', () => {
    expect(priceVerifierDigit('0250')).toBe(7)
  })
})

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

describe('parseBarcode: variable-measure items per country', () => {
  it('DE 28: weight with a 5-digit verifier, 2811111 06870 → 6,870 g, looked up as 2811110000006', () => {
    expect(ok('2811111068708', { country: 'DE' })).toEqual({
      kind: 'variableMeasure',
      gtin: '2811111068708',
      country: 'DE',
      itemReference: '281111',
      lookupGtin: '2811110000006',
      measure: 'weight',
      weightGrams: 6870,
    })
  })

  it('DE 22: price 12.99 € (verifier 5) → 1299 cents', () => {
    expect(ok('2212345012992', { country: 'de' })).toMatchObject({
      measure: 'price',
      priceMinor: 1299,
      currency: 'EUR',
      itemReference: '221234',
    })
  })

  it('DE 25: a count of 6', () => {
    expect(ok('2512342000061', { country: 'DE' })).toMatchObject({ measure: 'count', count: 6 })
  })

  it('DE: refuses a price whose verifier digit is wrong (6 instead of 5), with a valid EAN check digit', () => {
    expect(err('2212346012991', { country: 'DE' })).toMatchObject({
      reason: 'BAD_PRICE_CHECK_DIGIT',
      expected: 5,
      actual: 6,
    })
  })

  it('GB 20: £12.34 from 20 11122 9 1234, and £2.50 with verifier 7', () => {
    expect(ok('2011122912346', { country: 'GB' })).toMatchObject({
      priceMinor: 1234,
      currency: 'GBP',
      lookupGtin: '2011122000005',
    })
    expect(ok('2012345702509', { country: 'GB' })).toMatchObject({ priceMinor: 250 })
    expect(err('2012345002500', { country: 'GB' })).toMatchObject({
      reason: 'BAD_PRICE_CHECK_DIGIT',
      expected: 7,
      actual: 0,
    })
  })

  it('SE: 20 price 2 dp (12.34), 21 price 1 dp (99.5 → 9950 öre), 22 whole kronor (49 → 4900), 23 weight 1.250 kg', () => {
    expect(ok('2088060112343', { country: 'SE' })).toMatchObject({
      priceMinor: 1234,
      currency: 'SEK',
      lookupGtin: '2088060100005',
    })
    expect(ok('2112345609959', { country: 'SE' })).toMatchObject({ priceMinor: 9950 })
    expect(ok('2212345600496', { country: 'SE' })).toMatchObject({ priceMinor: 4900 })
    expect(ok('2312345612502', { country: 'SE' })).toMatchObject({ measure: 'weight', weightGrams: 1250 })
  })

  it('DK: 21–24 price with a 6-digit value (39.75 kr), 27 weight with a 5-digit value (0.225 kg)', () => {
    expect(ok('2135040039753', { country: 'DK' })).toMatchObject({ priceMinor: 3975, currency: 'DKK' })
    expect(ok('2212340049955', { country: 'DK' })).toMatchObject({ priceMinor: 4995 })
    expect(ok('2712341002251', { country: 'DK' })).toMatchObject({ weightGrams: 225, lookupGtin: '2712341000004' })
  })

  it('FI: 24 weight with 2 decimals, 12.34 kg → 12,340 g', () => {
    expect(ok('2488060112341', { country: 'FI' })).toMatchObject({ weightGrams: 12340 })
  })

  it('reads a 2x prefix that the country has no rule for as a plain RCN (DE 21)', () => {
    expect(ok('2135040039753', { country: 'DE' })).toMatchObject({ kind: 'restrictedCirculation' })
  })

  it('refuses a country with no rules as UNSUPPORTED, and takes a custom rules table', () => {
    expect(err('2135040039753', { country: 'FR' }).reason).toBe('UNSUPPORTED')
    const rules = {
      FR: { currency: 'EUR', rules: [{ prefixes: ['21'], layout: 'PPPPPPPVVVVV', measure: 'price', decimals: 2 }] },
    } as const
    expect(ok('2135040039753', { country: 'FR', rules })).toMatchObject({ priceMinor: 3975, itemReference: '2135040' })
  })
})

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

  it('reads AI 255 with a serial and AI 3941 percent off (0125 with 1 decimal → 12.5)', () => {
    expect(ok('(255)0123456789012987(3941)0125')).toEqual({
      kind: 'coupon',
      scheme: 'gcn-255',
      gcn: '0123456789012',
      serial: '987',
      percentOff: '12.5',
    })
    expect(err('(255)0123456789013').reason).toBe('BAD_CHECK_DIGIT')
  })

  it('calls an AI it does not read UNSUPPORTED and data in the wrong form MALFORMED', () => {
    expect(err('(01)04022847518216').reason).toBe('UNSUPPORTED')
    expect(err('(8111)0050').reason).toBe('MALFORMED')
    expect(err('(8110)12AB').reason).toBe('MALFORMED')
    expect(err('coupon please').reason).toBe('MALFORMED')
  })
})

import { describe, expect, it } from 'vitest'
import { err, ok } from '../coupons/gs1/testkit.js'
import { priceVerifierDigit } from './variableMeasure.js'

describe('priceVerifierDigit', () => {
  it('gives the reference examples: 2875 → 9 (four digits) and 14685 → 6 (five digits)', () => {
    expect(priceVerifierDigit('2875')).toBe(9)
    expect(priceVerifierDigit('14685')).toBe(6)
  })

  it('gives 7 for 0250: 2-(0)=0, 2-(2)=4, 3(5)=5, 5-(0)=0; (9 × 3) mod 10 = 7', () => {
    expect(priceVerifierDigit('0250')).toBe(7)
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

import { describe, expect, it } from 'vitest'
import { err, ok } from './testkit.js'

describe('parseBarcode: GS1 DataBar coupons', () => {
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

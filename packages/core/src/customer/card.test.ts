import { isRight } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { isValidGs1, isValidLuhn } from '../catalog/checkDigit.js'
import { cardNumberFromSerial, DEFAULT_CARD_RANGE, validateCardNumber } from './card.js'

describe('cardNumberFromSerial', () => {
  it('makes prefix + zero-padded serial + GS1 check digit', () => {
    // body 290000123456: 3×(6+4+2+0+0+9)+(5+3+1+0+0+2) = 63+11 = 74 → check (10−4) = 6
    expect(cardNumberFromSerial(DEFAULT_CARD_RANGE, 123456)).toEqual({ _tag: 'Right', right: '2900001234566' })
  })

  it('gives valid EAN-13s in the range for consecutive serials', () => {
    for (let serial = 0; serial < 50; serial++) {
      const n = cardNumberFromSerial({ prefix: '2901' }, serial)
      if (!isRight(n)) throw new Error('expected a number')
      expect(n.right).toMatch(/^2901\d{9}$/)
      expect(isValidGs1(n.right)).toBe(true)
    }
  })

  it('refuses a serial that does not fit the range, saying how many digits there are', () => {
    const e = cardNumberFromSerial({ prefix: '29000000000' }, 10)
    expect(e).toMatchObject({ _tag: 'Left', left: { reason: 'SERIAL_EXHAUSTED' } })
    expect(e._tag === 'Left' && e.left.message).toContain('1 serial digits')
    expect(cardNumberFromSerial(DEFAULT_CARD_RANGE, -1)).toMatchObject({ left: { reason: 'SERIAL_EXHAUSTED' } })
    expect(cardNumberFromSerial(DEFAULT_CARD_RANGE, 1.5)).toMatchObject({ left: { reason: 'SERIAL_EXHAUSTED' } })
  })

  it('refuses a prefix that is not 2 to 11 digits', () => {
    expect(cardNumberFromSerial({ prefix: '2' }, 1)).toMatchObject({ left: { reason: 'OUT_OF_RANGE' } })
    expect(cardNumberFromSerial({ prefix: '2a' }, 1)).toMatchObject({ left: { reason: 'OUT_OF_RANGE' } })
  })
})

describe('validateCardNumber', () => {
  it('accepts a GS1 card in range, trimmed', () => {
    expect(validateCardNumber({ kind: 'gs1', range: DEFAULT_CARD_RANGE }, ' 2900001234566 ')).toEqual({
      _tag: 'Right',
      right: '2900001234566',
    })
  })

  it('names what is wrong with a GS1 card', () => {
    const gs1 = { kind: 'gs1', range: DEFAULT_CARD_RANGE } as const
    expect(validateCardNumber(gs1, '2900001234567')).toMatchObject({ left: { reason: 'BAD_CHECK_DIGIT' } })
    expect(validateCardNumber(gs1, '290000123456')).toMatchObject({ left: { reason: 'WRONG_LENGTH' } })
    expect(validateCardNumber(gs1, '29000O1234566')).toMatchObject({ left: { reason: 'NOT_DIGITS' } })
    expect(validateCardNumber(gs1, '4006381333931')).toMatchObject({ left: { reason: 'OUT_OF_RANGE' } })
  })

  it('checks Luhn numbers with their own algorithm', () => {
    expect(isValidLuhn('79927398713')).toBe(true)
    expect(validateCardNumber({ kind: 'luhn' }, '79927398713')).toEqual({ _tag: 'Right', right: '79927398713' })
    expect(validateCardNumber({ kind: 'luhn' }, '79927398710')).toMatchObject({ left: { reason: 'BAD_CHECK_DIGIT' } })
    expect(validateCardNumber({ kind: 'luhn', minLength: 12 }, '79927398713')).toMatchObject({
      left: { reason: 'WRONG_LENGTH' },
    })
  })

  it('passes foreign ids through a pluggable validator', () => {
    const scheme = {
      kind: 'foreign',
      validate: (id: string) => (id.startsWith('P-') ? undefined : 'must start with P-'),
    } as const
    expect(validateCardNumber(scheme, 'P-118')).toEqual({ _tag: 'Right', right: 'P-118' })
    expect(validateCardNumber(scheme, 'X-118')).toMatchObject({
      left: { reason: 'REFUSED', message: expect.stringContaining('must start with P-') },
    })
    expect(validateCardNumber({ kind: 'foreign' }, '  ')).toMatchObject({ left: { reason: 'WRONG_LENGTH' } })
  })
})

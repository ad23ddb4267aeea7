import { describe, expect, it } from 'vitest'
import { gs1CheckDigit, isValidGs1, isValidLuhn, luhnCheckDigit } from './checkDigit.js'

describe('gs1CheckDigit', () => {
  it('matches the published GS1 examples', () => {
    // 4022847518216, 9813765030011 and 9828508010106 are valid EAN-13s (integration-surfaces.md §2).
    expect(gs1CheckDigit('402284751821')).toBe(6)
    expect(gs1CheckDigit('981376503001')).toBe(1)
    expect(gs1CheckDigit('982850801010')).toBe(6)
    expect(isValidGs1('3017620422003')).toBe(true)
  })
  it('refuses a changed digit', () => {
    expect(isValidGs1('4022847518217')).toBe(false)
    expect(isValidGs1('40228475182x6')).toBe(false)
  })
  it('throws on non-digits, which is a caller bug', () => {
    expect(() => gs1CheckDigit('12a')).toThrow(/digits only/)
  })
})

describe('luhnCheckDigit', () => {
  it('matches the classic 79927398713 example', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3)
    expect(isValidLuhn('79927398713')).toBe(true)
    expect(isValidLuhn('79927398710')).toBe(false)
  })
  it('differs from GS1 on the same digits', () => {
    expect(luhnCheckDigit('402284751821')).not.toBe(gs1CheckDigit('402284751821'))
  })
})

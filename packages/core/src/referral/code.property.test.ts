import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CODE_ALPHABET } from '../coupons/codes.js'
import { parseReferralCode, referralCode } from './code.js'

const memberIdArb = fc.string({ minLength: 1, maxLength: 20 })
const symbols = (code: string) => code.replace('-', '')

describe('referral codes (properties)', () => {
  it('every generated code parses back to itself', () => {
    fc.assert(
      fc.property(memberIdArb, fc.string(), (memberId, secret) => {
        const code = referralCode(memberId, secret)
        expect(parseReferralCode(code)).toEqual({ _tag: 'Right', right: code })
      }),
    )
  })

  it('every single mistyped symbol is caught', () => {
    fc.assert(
      fc.property(memberIdArb, fc.nat(9), fc.nat(31), (memberId, position, replacement) => {
        const s = symbols(referralCode(memberId, 'secret'))
        const wrong = CODE_ALPHABET[replacement] as string
        fc.pre(wrong !== s[position])
        const typo = s.slice(0, position) + wrong + s.slice(position + 1)
        expect(parseReferralCode(typo)._tag).toBe('Left')
      }),
    )
  })

  it('every swap of two different neighbouring symbols is caught', () => {
    fc.assert(
      fc.property(memberIdArb, fc.nat(8), (memberId, i) => {
        const s = symbols(referralCode(memberId, 'secret'))
        fc.pre(s[i] !== s[i + 1])
        const swapped = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)
        expect(parseReferralCode(swapped)._tag).toBe('Left')
      }),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { isReferralCodeOf, parseReferralCode, referralCode } from './code.js'

const SECRET = 'club-referral-secret-2026'

describe('referralCode', () => {
  it('derives a short readable code, the same every time', () => {
    const code = referralCode('m-118', SECRET)
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/)
    expect(referralCode('m-118', SECRET)).toBe(code)
  })

  it('differs between members and between secrets', () => {
    expect(referralCode('m-118', SECRET)).not.toBe(referralCode('m-119', SECRET))
    expect(referralCode('m-118', SECRET)).not.toBe(referralCode('m-118', 'another secret'))
    expect(referralCode('m-118', new TextEncoder().encode(SECRET))).toBe(referralCode('m-118', SECRET))
  })

  it('gives distinct codes to 20 000 members', () => {
    const codes = new Set(Array.from({ length: 20_000 }, (_, i) => referralCode(`m-${i}`, SECRET)))
    expect(codes.size).toBe(20_000)
  })
})

describe('parseReferralCode', () => {
  const code = referralCode('m-118', SECRET)

  it('reads a code typed in lower case, with spaces or without the hyphen', () => {
    expect(parseReferralCode(code.toLowerCase())).toEqual({ _tag: 'Right', right: code })
    expect(parseReferralCode(` ${code.replace('-', ' ')} `)).toEqual({ _tag: 'Right', right: code })
    expect(parseReferralCode(code.replace('-', ''))).toEqual({ _tag: 'Right', right: code })
  })

  it('refuses a wrong length, a symbol outside the alphabet and a typo, saying which', () => {
    expect(parseReferralCode('ABCD')).toMatchObject({ left: { _tag: 'InvalidReferralCode', reason: 'LENGTH' } })
    expect(parseReferralCode(`O${code.slice(1)}`)).toMatchObject({ left: { reason: 'SYMBOL' } })
    const typo = `${code[0] === 'A' ? 'B' : 'A'}${code.slice(1)}`
    expect(parseReferralCode(typo)).toMatchObject({ left: { reason: 'CHECK' } })
  })

  it('tells whether a code is a given member’s', () => {
    expect(isReferralCodeOf(code.toLowerCase(), 'm-118', SECRET)).toBe(true)
    expect(isReferralCodeOf(code, 'm-119', SECRET)).toBe(false)
    expect(isReferralCodeOf('nonsense', 'm-118', SECRET)).toBe(false)
  })
})

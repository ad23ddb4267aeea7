import { CODE_REJECTION_MESSAGES, REASON_CODES } from '@tessera/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CODE_REFUSALS, codeRefusal, euros, notYetApplied } from './words.js'

describe("the shopper's words", () => {
  it('has a sentence for every reason the core refuses a code for', () => {
    for (const reason of Object.keys(CODE_REJECTION_MESSAGES)) expect(CODE_REFUSALS[reason]).toBeTypeOf('string')
    expect(codeRefusal('SOMETHING_NEW')).toBe('This code cannot be used on this order.')
  })

  it('says how much more to spend for a code whose offer starts at a threshold', () => {
    expect(notYetApplied([{ code: 'MIN_SPEND', required: 2500, actual: 1678 }])).toBe(
      'Your code is valid: spend €8.22 more (from €25.00) to use it.',
    )
    expect(Object.keys(REASON_CODES)).toContain('MIN_SPEND')
  })

  it('writes euros from integer cents without losing a cent', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (minor) => {
        const m = /^(−?)€(\d+)\.(\d{2})$/.exec(euros(minor))
        expect(m).not.toBeNull()
        const [, sign, whole, cents] = m as RegExpExecArray
        expect((sign === '−' ? -1 : 1) * (Number(whole) * 100 + Number(cents))).toBe(minor === 0 ? 0 : minor)
      }),
    )
  })
})

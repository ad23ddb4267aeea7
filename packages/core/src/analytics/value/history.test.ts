import { describe, expect, it } from 'vitest'
import { decodeHistoryJsonl } from './history.js'

describe('decodeHistoryJsonl', () => {
  it('decodes plain lines (date-times with an offset or dates), skips blank lines and drops unknown fields', () => {
    const text = [
      '{"memberId":"m-1","at":"1997-01-01T10:00:00+01:00","amount":2933}',
      '',
      '{"memberId":"m-1","at":"1997-01-18","amount":-500,"till":"03"}',
    ].join('\n')
    expect(decodeHistoryJsonl(text)).toEqual({
      _tag: 'Right',
      right: [
        { memberId: 'm-1', at: '1997-01-01T10:00:00+01:00', amount: 2933 },
        { memberId: 'm-1', at: '1997-01-18', amount: -500 },
      ],
    })
  })

  it('names the line and the field of an amount in dollars instead of minor units', () => {
    const text =
      '{"memberId":"m-1","at":"1997-01-01","amount":2933}\n{"memberId":"m-2","at":"1997-01-02","amount":29.33}\n'
    const decoded = decodeHistoryJsonl(text)
    expect(decoded._tag).toBe('Left')
    if (decoded._tag === 'Right') return
    expect(decoded.left.document).toBe('history line 2')
    expect(decoded.left.problems).toEqual([{ path: 'amount', reason: expect.stringContaining('integer') }])
    expect(decoded.left.message).toContain('history line 2: amount')
  })

  it('names a time without an offset, a missing member and malformed JSON by their line', () => {
    const noOffset = decodeHistoryJsonl('{"memberId":"m-1","at":"1997-01-01T10:00:00","amount":1}')
    expect(noOffset._tag === 'Left' && noOffset.left.problems[0]?.path).toBe('at')
    const noMember = decodeHistoryJsonl('\n{"at":"1997-01-01","amount":1}')
    expect(noMember._tag === 'Left' && [noMember.left.document, noMember.left.problems[0]?.path]).toEqual([
      'history line 2',
      'memberId',
    ])
    const malformed = decodeHistoryJsonl('{"memberId":')
    expect(malformed._tag === 'Left' && malformed.left.message).toMatch(
      /^invalid history line 1: \(root\): malformed JSON/,
    )
  })
})

import { describe, expect, it } from 'vitest'
import { CODE_REJECTION_MESSAGES, type CodeRecord, judgeCode } from './judge.js'

const T = (iso: string) => Date.parse(iso)
const NOW = T('2026-12-10T12:00:00Z')

const record = (over: Partial<CodeRecord> = {}): CodeRecord => ({
  code: 'XMAS-ABCD-EFGHJ',
  pool: 'XMAS',
  kind: { type: 'singleUse' },
  validFromMs: T('2026-12-01T00:00:00Z'),
  validUntilMs: T('2027-01-01T00:00:00Z'),
  redemptions: [],
  reservations: [],
  ...over,
})

const reason = (r: ReturnType<typeof judgeCode>) => (r._tag === 'Left' ? r.left.reason : 'OK')

describe('judgeCode', () => {
  it('accepts a fresh single-use code inside its window', () => {
    expect(judgeCode(record(), { sessionId: 's1' }, NOW)).toEqual({
      _tag: 'Right',
      right: { code: 'XMAS-ABCD-EFGHJ', pool: 'XMAS', remainingUses: 0 },
    })
  })

  it('calls a code with no record UNKNOWN, with the cashier message', () => {
    const r = judgeCode(undefined, { sessionId: 's1' }, NOW, 'XMAS-NOPE-NOPEX')
    expect(r).toEqual({
      _tag: 'Left',
      left: {
        _tag: 'CodeRejected',
        reason: 'UNKNOWN',
        code: 'XMAS-NOPE-NOPEX',
        message: CODE_REJECTION_MESSAGES.UNKNOWN,
      },
    })
  })

  it('treats validFrom as inclusive and validUntil as exclusive', () => {
    const r = record()
    expect(reason(judgeCode(r, { sessionId: 's' }, T('2026-12-01T00:00:00Z') - 1))).toBe('NOT_YET_VALID')
    expect(reason(judgeCode(r, { sessionId: 's' }, T('2026-12-01T00:00:00Z')))).toBe('OK')
    expect(reason(judgeCode(r, { sessionId: 's' }, T('2027-01-01T00:00:00Z') - 1))).toBe('OK')
    expect(reason(judgeCode(r, { sessionId: 's' }, T('2027-01-01T00:00:00Z')))).toBe('EXPIRED')
  })

  it('refuses a single-use code already redeemed, whoever asks', () => {
    const r = record({ redemptions: [{ sessionId: 'old', card: 'C1' }] })
    expect(reason(judgeCode(r, { sessionId: 's', card: 'C2' }, NOW))).toBe('ALREADY_REDEEMED')
  })

  it('refuses a code held by another live checkout, but not by the same session or an expired hold', () => {
    const held = record({ reservations: [{ sessionId: 'other', expiresAtMs: NOW + 60_000 }] })
    expect(reason(judgeCode(held, { sessionId: 's' }, NOW))).toBe('RESERVED_ELSEWHERE')
    expect(reason(judgeCode(held, { sessionId: 'other' }, NOW))).toBe('OK')
    expect(reason(judgeCode(held, { sessionId: 's' }, NOW + 60_000))).toBe('OK')
  })

  it('lets only the card a personal code was issued to use it', () => {
    const personal = record({ kind: { type: 'personal', card: 'C1' } })
    expect(reason(judgeCode(personal, { sessionId: 's', card: 'C2' }, NOW))).toBe('NOT_YOURS')
    expect(reason(judgeCode(personal, { sessionId: 's' }, NOW))).toBe('NOT_YOURS')
    expect(reason(judgeCode(personal, { sessionId: 's', card: 'C1' }, NOW))).toBe('OK')
  })

  it('counts multi-use redemptions per card, with live holds of the same card', () => {
    const multi = record({
      kind: { type: 'multiUse', perCustomerLimit: 2 },
      redemptions: [
        { sessionId: 'a', card: 'C1' },
        { sessionId: 'b', card: 'C2' },
        { sessionId: 'c', card: 'C2' },
      ],
    })
    // C1 used it once of 2: one left now, none after this use.
    expect(judgeCode(multi, { sessionId: 's', card: 'C1' }, NOW)).toMatchObject({ right: { remainingUses: 0 } })
    expect(reason(judgeCode(multi, { sessionId: 's', card: 'C2' }, NOW))).toBe('LIMIT_REACHED')
    expect(reason(judgeCode(multi, { sessionId: 's', card: 'C3' }, NOW))).toBe('OK')
    expect(reason(judgeCode(multi, { sessionId: 's' }, NOW))).toBe('NOT_YOURS')
    const heldByC1 = { ...multi, reservations: [{ sessionId: 'x', card: 'C1', expiresAtMs: NOW + 1 }] }
    expect(reason(judgeCode(heldByC1, { sessionId: 's', card: 'C1' }, NOW))).toBe('RESERVED_ELSEWHERE')
  })

  it('applies the documented precedence: an expired, redeemed code is EXPIRED', () => {
    const r = record({ redemptions: [{ sessionId: 'a' }] })
    expect(reason(judgeCode(r, { sessionId: 's' }, T('2027-02-01T00:00:00Z')))).toBe('EXPIRED')
  })

  it('has a message for every reason', () => {
    for (const message of Object.values(CODE_REJECTION_MESSAGES)) expect(message.length).toBeGreaterThan(10)
  })
})

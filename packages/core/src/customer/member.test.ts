import { describe, expect, it } from 'vitest'
import { addMonthsUtc, isMember, joinClub, renewMembership } from './member.js'

const at = (iso: string) => Date.parse(iso)

describe('club membership', () => {
  it('is valid from its start (inclusive) to its end (exclusive)', () => {
    const m = joinClub('m1', 'club', at('2026-01-15T00:00:00Z'), 12)
    expect(m.until).toBe(at('2027-01-15T00:00:00Z'))
    expect(isMember(m, at('2026-01-14T23:59:59Z'))).toBe(false)
    expect(isMember(m, at('2026-01-15T00:00:00Z'))).toBe(true)
    expect(isMember(m, at('2027-01-14T23:59:59Z'))).toBe(true)
    expect(isMember(m, at('2027-01-15T00:00:00Z'))).toBe(false)
    expect(isMember(undefined, at('2026-06-01T00:00:00Z'))).toBe(false)
  })

  it('renewing before the end extends from the end, so no day is lost', () => {
    const m = joinClub('m1', 'club', at('2026-01-15T00:00:00Z'), 12)
    const renewed = renewMembership(m, at('2026-12-20T00:00:00Z'))
    expect(renewed.from).toBe(m.from)
    expect(renewed.until).toBe(at('2028-01-15T00:00:00Z'))
  })

  it('renewing after a lapse starts a new period at the payment', () => {
    const m = joinClub('m1', 'club', at('2025-01-15T00:00:00Z'), 1)
    const renewed = renewMembership(m, at('2026-03-10T12:00:00Z'))
    expect(renewed).toMatchObject({ from: at('2026-03-10T12:00:00Z'), until: at('2026-04-10T12:00:00Z') })
  })

  it('adding months clamps to the end of a shorter month', () => {
    expect(addMonthsUtc(at('2026-01-31T08:00:00Z'), 1)).toBe(at('2026-02-28T08:00:00Z'))
    expect(addMonthsUtc(at('2028-01-31T08:00:00Z'), 1)).toBe(at('2028-02-29T08:00:00Z'))
    expect(addMonthsUtc(at('2026-11-30T08:00:00Z'), 3)).toBe(at('2027-02-28T08:00:00Z'))
  })
})

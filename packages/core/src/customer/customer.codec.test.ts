import { describe, expect, it } from 'vitest'
import { designCustomer } from '../../test/design-examples.js'
import { decodeCustomer } from '../documents.js'

describe('CustomerCodec', () => {
  it('decodes the DESIGN.md example', () => {
    const r = decodeCustomer(designCustomer)
    expect(r._tag).toBe('Right')
    if (r._tag === 'Right') expect(r.right.stats?.spend12m).toBe(184500)
  })

  it('accepts a customer known only by card, or only by member id', () => {
    expect(decodeCustomer({ card: '2900001234566' })._tag).toBe('Right')
    expect(decodeCustomer({ memberId: 'm-1' })._tag).toBe('Right')
  })

  it('refuses a customer with neither card nor member id', () => {
    const r = decodeCustomer({ tier: 'gold' })
    expect(r._tag === 'Left' && r.left.problems[0]?.path).toBe('card')
    expect(r._tag === 'Left' && r.left.message).toMatch(/needs "card" or "memberId"/)
  })

  it('refuses an unknown lifecycle stage, a bad birthday, a float spend and a time without offset', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ lifecycle: 'loyal' }, 'lifecycle'],
      [{ birthday: '1985-02-30' }, 'birthday'],
      [{ stats: { spend12m: 1845.5 } }, 'stats.spend12m'],
      [{ stats: { lastPurchaseAt: '2026-09-30 18:12' } }, 'stats.lastPurchaseAt'],
      [{ pointsBalance: 12.5 }, 'pointsBalance'],
    ]
    for (const [patch, path] of cases) {
      const r = decodeCustomer({ ...designCustomer, ...patch })
      expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual([path])
    }
  })

  it('strips unknown fields', () => {
    const r = decodeCustomer({ ...designCustomer, crmScore: 0.4 })
    expect(r._tag === 'Right' && 'crmScore' in r.right).toBe(false)
  })
})

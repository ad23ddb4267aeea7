import { describe, expect, it } from 'vitest'
import { decodeDraft, decodeHistoryLine } from './history.js'

const basket = {
  id: 'T-1',
  storeId: '0042',
  terminalId: '03',
  channel: 'store',
  currency: 'EUR',
  pricesIncludeTax: true,
  at: '2026-11-26T10:15:00+01:00',
  lines: [{ id: '1', sku: 'A', quantity: 1, unitPrice: 100, amount: 100, categories: ['grocery'] }],
}

describe('decodeHistoryLine', () => {
  it('decodes a sale with its customer and what it booked, and a return', () => {
    const s = decodeHistoryLine(
      JSON.stringify({
        basket,
        customer: { card: '1', tier: 'gold' },
        booked: { total: 100, discount: 0, points: 1, coupons: 0 },
      }),
      1,
    )
    expect(s._tag === 'Right' && s.right?.kind).toBe('sale')
    const r = decodeHistoryLine(JSON.stringify({ return: { id: 'R-1', of: 'T-1', at: basket.at, full: true } }), 2)
    expect(r).toEqual({ _tag: 'Right', right: { kind: 'return', id: 'R-1', of: 'T-1', at: basket.at, full: true } })
    expect(decodeHistoryLine('   ', 3)).toEqual({ _tag: 'Right', right: undefined })
  })

  it('names the line number and the refused field', () => {
    const bad = { ...basket, lines: [{ ...basket.lines[0], quantity: -1 }] }
    const r = decodeHistoryLine(JSON.stringify({ basket: bad }), 17)
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') {
      expect(r.left.line).toBe(17)
      expect(r.left.problems[0]?.path).toBe('basket.lines.0.quantity')
      expect(r.left.message).toMatch(/^line 17: basket\.lines\.0\.quantity: /)
    }
  })

  it('refuses malformed JSON with its line number', () => {
    const r = decodeHistoryLine('{"basket": ', 4)
    expect(r._tag === 'Left' && r.left.message).toMatch(/^line 4: /)
  })
})

describe('decodeDraft', () => {
  const campaign = { id: 'x', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }

  it('takes a bare array of campaigns, or the envelope with program, zone and coupon policy', () => {
    expect(decodeDraft([campaign])._tag).toBe('Right')
    const d = decodeDraft({
      campaigns: [campaign],
      program: { id: 'club', earn: { points: 1, per: 100 } },
      storeTimeZone: 'Europe/Paris',
      couponPolicy: { perCustomer: { count: 2, period: 'week' }, anonymous: 'none' },
    })
    expect(d._tag === 'Right' && d.right.storeTimeZone).toBe('Europe/Paris')
  })

  it('stops on a strict-codec error with the path of the field', () => {
    const r = decodeDraft([campaign, { ...campaign, id: 'y', reward: { percentOff: { of: '*', percent: 'ten' } } }])
    expect(r._tag === 'Left' && r.left.problems.map((p) => p.path)).toEqual(['campaigns.1.reward.percentOff.percent'])
    const unknown = decodeDraft({ campaigns: [{ ...campaign, rewrd: {} }] })
    expect(unknown._tag === 'Left' && unknown.left.problems[0]?.path).toMatch(/^campaigns\.0/)
    const envelope = decodeDraft({ campaigns: [campaign], storeTimezone: 'Europe/Paris' })
    expect(envelope._tag === 'Left' && envelope.left.problems[0]?.path).toBe('storeTimezone')
  })
})

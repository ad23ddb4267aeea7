import { decodeHistoryJsonl, summariseHistory } from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { generateMembers } from '../store/members.js'
import { historyJsonl } from './history.js'

describe('historyJsonl', () => {
  it("writes every member's purchases before the time as plain history lines that decode and summarise", () => {
    const members = generateMembers({ asOf: '2026-11-26' as never, count: 40, seed: 'history-test' })
    const text = historyJsonl(
      {
        members,
        purchasesOf: (m, at) => m.visits.filter((v) => v.at < at).map((v) => ({ at: v.at, amount: v.spend })),
      },
      '2026-11-26T00:00:00+01:00',
    )
    const decoded = decodeHistoryJsonl(text)
    if (decoded._tag === 'Left') throw new Error(decoded.left.message)
    expect(decoded.right).toHaveLength(members.reduce((s, m) => s + m.visits.length, 0))
    const summary = summariseHistory(decoded.right, { until: '2026-11-25', timeZone: 'Europe/Paris' })
    expect(summary._tag === 'Right' && summary.right.members.length).toBe(
      members.filter((m) => m.visits.length > 0).length,
    )
  })
})

import { describe, expect, it } from 'vitest'
import { checkAccount } from './check.js'
import type { AccountState } from './model.js'
import { DEFAULT_LEDGER_POLICY, type Entry, type PostingRequest } from './model.js'
import { planPosting } from './plan.js'
import { stateWith } from './testState.js'

/** Applies requests one after another with planPosting, the way a store would. */
const run = (requests: PostingRequest[]): { state: AccountState; entries: Entry[] } => {
  let state = stateWith()
  const entries: Entry[] = []
  for (const request of requests) {
    const plan = planPosting({ account: state }, request, DEFAULT_LEDGER_POLICY)
    if (plan._tag === 'Left') throw new Error(plan.left.message)
    const lots = new Map(state.lots.map((l) => [l.lotId, l]))
    for (const lot of plan.right.lots) lots.set(lot.lotId, lot)
    const reservations = new Map(state.reservations.map((r) => [r.reservationId, r]))
    for (const r of plan.right.reservations) reservations.set(r.reservationId, r)
    state = {
      account: state.account,
      row: plan.right.rows[0] ?? state.row,
      lots: [...lots.values()].filter((l) => l.remaining > 0),
      reservations: [...reservations.values()].filter((r) => r.status === 'open'),
    }
    entries.push(...plan.right.entries)
  }
  return { state, entries }
}

const account = { accountId: 'a1' }

describe('checkAccount', () => {
  const { state, entries } = run([
    { kind: 'earn', key: 'e1', at: 10, account, points: 100 },
    { kind: 'reserve', key: 's1', at: 20, account, points: 30, expiresAt: 1000 },
    { kind: 'redeem', key: 'r1', at: 30, account, points: 50 },
  ])

  it('finds nothing wrong with state written from the plans', () => {
    expect(checkAccount(state, entries)).toEqual([])
  })

  it('reports a balance row that differs from the entries', () => {
    const tampered = { ...state, row: { ...state.row, available: state.row.available + 1 } }
    expect(checkAccount(tampered, entries)).toEqual(['balance row available 21, entries say 20'])
  })

  it('reports a lot changed behind the ledger’s back', () => {
    const tampered = { ...state, lots: state.lots.map((l) => ({ ...l, remaining: l.remaining + 5 })) }
    expect(checkAccount(tampered, entries)).toContain('lot e1 holds 25, entries say 20')
  })

  it('reports a missing entry', () => {
    expect(checkAccount(state, entries.slice(0, 2)).length).toBeGreaterThan(0)
  })
})

import { describe, expect, it } from 'vitest'
import { balanceOf } from './balance.js'
import { DEFAULT_LEDGER_POLICY, type PostingRequest } from './model.js'
import { planPosting, validatePosting } from './plan.js'
import { stateWith } from './testState.js'

const policy = DEFAULT_LEDGER_POLICY
const card = { number: '2900001234566', accountId: 'a1', status: 'active', issuedAt: 0 } as const

describe('planPosting', () => {
  it('an earn plans one entry, one new lot and the new balance row, without touching the input', () => {
    const state = stateWith()
    const frozen = JSON.stringify(state)
    const plan = planPosting(
      { account: state },
      { kind: 'earn', key: 'e1', at: 1000, account: { accountId: 'a1' }, points: 40, availableFrom: 5000 },
      policy,
    )
    if (plan._tag === 'Left') throw new Error(plan.left.message)
    expect(plan.right.entries).toMatchObject([{ entryId: 'e1', sequence: 1, kind: 'earn', points: 40 }])
    expect(plan.right.lots).toMatchObject([{ lotId: 'e1', points: 40, remaining: 40, availableFrom: 5000 }])
    expect(plan.right.rows).toEqual([
      { accountId: 'a1', asOf: 1000, available: 0, pending: 40, reserved: 0, debt: 0, sequence: 1 },
    ])
    expect(JSON.stringify(state)).toBe(frozen)
  })

  it('a redemption consumes available lots soonest expiry first and skips pending and expired ones', () => {
    const state = stateWith([
      { lotId: 'never', remaining: 50 },
      { lotId: 'soon', remaining: 30, expiresAt: 10_000 },
      { lotId: 'gone', remaining: 99, expiresAt: 500 },
      { lotId: 'later', remaining: 20, expiresAt: 20_000 },
      { lotId: 'pending', remaining: 70, availableFrom: 9_000, expiresAt: 9_500 },
    ])
    const plan = planPosting(
      { account: state },
      { kind: 'redeem', key: 'r', at: 1000, account: { accountId: 'a1' }, points: 60 },
      policy,
    )
    if (plan._tag === 'Left') throw new Error(plan.left.message)
    // 60 = 30 (soon) + 20 (later) + 10 (never)
    expect(plan.right.entries[0]?.lotChanges.map((c) => [c.lotId, c.delta])).toEqual([
      ['soon', -30],
      ['later', -20],
      ['never', -10],
    ])
  })

  it('refuses a blocked or replaced card for earn, redeem and reserve, but lets a reversal through', () => {
    const state = stateWith([{ lotId: 'x', remaining: 10 }])
    const earn: PostingRequest = { kind: 'earn', key: 'e', at: 1, account: { card: card.number }, points: 1 }
    expect(planPosting({ account: state, card: { ...card, status: 'blocked' } }, earn, policy)).toMatchObject({
      left: { _tag: 'CardBlocked' },
    })
    expect(
      planPosting({ account: state, card: { ...card, status: 'replaced', replacedBy: '2900000000017' } }, earn, policy),
    ).toMatchObject({ left: { _tag: 'CardReplaced', replacedBy: '2900000000017' } })
    const original = {
      entryId: 'x',
      accountId: 'a1',
      sequence: 1,
      kind: 'earn',
      key: 'x',
      at: 0,
      points: 10,
      lotChanges: [{ lotId: 'x', origin: 'x', delta: 10, created: 10, availableFrom: 0 }],
      debtChange: 0,
    } as const
    const reverse = planPosting(
      { account: state, card: { ...card, status: 'blocked' }, reversal: { original, alreadyReversed: 0 } },
      { kind: 'reverse', key: 'v', at: 1, account: { card: card.number }, ofKey: 'x' },
      policy,
    )
    expect(reverse._tag).toBe('Right')
  })

  it('a transfer moves every lot with its terms and the debt, and marks the source merged', () => {
    const from = {
      ...stateWith([
        { lotId: 'p', remaining: 5, availableFrom: 9_000 },
        { lotId: 'q', remaining: 7, expiresAt: 50_000 },
      ]),
    }
    const to = stateWith([], 'a2')
    const plan = planPosting(
      { account: { ...from, row: { ...from.row, debt: 2 } }, counterparty: to },
      { kind: 'transfer', key: 't', at: 1000, from: { accountId: 'a1' }, to: { accountId: 'a2' } },
      policy,
    )
    if (plan._tag === 'Left') throw new Error(plan.left.message)
    // 5 + 7 = 12 points moved, less 2 of debt = 10 net for each side
    expect(plan.right.entries.map((e) => [e.accountId, e.entryId, e.points, e.debtChange])).toEqual([
      ['a1', 't', -10, -2],
      ['a2', 't/in', 10, 2],
    ])
    expect(plan.right.result.counterpartyBalance).toMatchObject({ available: 5, pending: 5 })
    expect(plan.right.accounts).toMatchObject([{ accountId: 'a1', status: 'merged', mergedInto: 'a2' }])
    expect(plan.right.moved).toEqual({ from: 'a1', to: 'a2' })
  })

  it('balanceOf matures pending lots and drops expired ones as time passes', () => {
    const state = stateWith([
      { lotId: 'p', remaining: 5, availableFrom: 100 },
      { lotId: 'e', remaining: 7, expiresAt: 200 },
    ])
    expect(balanceOf(state, 50)).toMatchObject({ available: 7, pending: 5 })
    expect(balanceOf(state, 150)).toMatchObject({ available: 12, pending: 0 })
    expect(balanceOf(state, 200)).toMatchObject({ available: 5, pending: 0 })
  })
})

describe('validatePosting', () => {
  const base = { key: 'k', at: 1000, account: { accountId: 'a1' } }
  const cases: [string, PostingRequest, string][] = [
    ['negative points', { ...base, kind: 'earn', points: -1 }, 'points'],
    ['fractional points', { ...base, kind: 'redeem', points: 1.5 }, 'points'],
    [
      'a lot that expires before it matures',
      { ...base, kind: 'earn', points: 1, availableFrom: 5000, expiresAt: 4000 },
      'expiresAt',
    ],
    ['a reservation without a future TTL', { ...base, kind: 'reserve', points: 1, expiresAt: 1000 }, 'expiresAt'],
    ['a commit without reservation id', { ...base, kind: 'commit', reservationId: '' }, 'reservationId'],
    ['a reverse of itself', { ...base, kind: 'reverse', ofKey: 'k' }, 'ofKey'],
    ['a zero adjustment', { ...base, kind: 'adjust', points: 0, reason: 'x' }, 'points'],
    [
      'a transfer to itself',
      { key: 'k', at: 1, kind: 'transfer', from: { accountId: 'a' }, to: { accountId: 'a' } },
      'to.accountId',
    ],
    ['a negative time', { ...base, kind: 'earn', points: 1, at: -5 }, 'at'],
    ['an empty card', { ...base, kind: 'earn', points: 1, account: { card: '' } }, 'account'],
  ]
  it.each(cases)('refuses %s, naming the field', (_name, request, field) => {
    const result = validatePosting(request)
    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'InvalidPosting', field } })
    expect(result._tag === 'Left' && result.left.message).toContain(field)
  })
})

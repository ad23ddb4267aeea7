import { describe, expect, it } from 'vitest'
import type { Card } from '../customer/card.js'
import type { Account } from '../customer/member.js'
import type { LedgerTransaction, StoredPosting } from '../ports/LoyaltyStore.js'
import { executePosting, mergeRequest, replaceCardIn, sweepRequest } from './execute.js'
import { type AccountState, DEFAULT_LEDGER_POLICY, type Entry, type PostingPlan } from './model.js'
import { stateWith } from './testState.js'

/**
 * The store side of one transaction, as plain maps: what `executePosting` and `replaceCardIn` read,
 * and a log of what they write, so a test sees exactly which writes a call made (none on a refusal).
 */
const transaction = (states: readonly AccountState[], cards: readonly Card[]) => {
  const postings = new Map<string, StoredPosting>()
  const accounts = new Map(states.map((s) => [s.account.accountId, s]))
  const cardRows = new Map(cards.map((c) => [c.number, c]))
  const entries = new Map<string, Entry>()
  const writes: string[] = []
  const tx: LedgerTransaction = {
    findPosting: async (key) => postings.get(key),
    findCard: async (number) => cardRows.get(number),
    findAccount: async (id) => accounts.get(id)?.account,
    loadAccountState: async (id) => accounts.get(id),
    findEntry: async (key) => entries.get(key),
    reversedSoFar: async () => 0,
    policy: async () => DEFAULT_LEDGER_POLICY,
    write: async (plan: PostingPlan, posting: StoredPosting) => {
      writes.push(`posting ${posting.key}`)
      postings.set(posting.key, posting)
      for (const e of plan.entries) entries.set(e.entryId, e)
      for (const row of plan.rows) {
        const s = accounts.get(row.accountId)
        if (s !== undefined)
          accounts.set(row.accountId, { ...s, row, lots: plan.lots.filter((l) => l.accountId === row.accountId) })
      }
    },
    saveAccount: async (a: Account) => {
      writes.push(`account ${a.accountId}`)
      accounts.set(a.accountId, { ...stateWith([], a.accountId), account: a })
    },
    saveCard: async (c: Card) => {
      writes.push(`card ${c.number} ${c.status}`)
      cardRows.set(c.number, c)
    },
  }
  return { tx, writes, postings }
}

const CARD: Card = { number: '2900000000011', accountId: 'a1', status: 'active', issuedAt: 0 }
const earn = (key: string, points: number) =>
  ({ kind: 'earn', key, at: 1_000, account: { card: CARD.number }, points }) as const

describe('executePosting', () => {
  it('writes a posting once; the same request again returns the stored result and writes nothing', async () => {
    const { tx, writes } = transaction([stateWith()], [CARD])
    const first = await executePosting(tx, earn('e1', 40))
    expect(first._tag).toBe('Right')
    expect(writes).toEqual(['posting e1'])
    const replay = await executePosting(tx, earn('e1', 40))
    expect(replay).toEqual(first)
    expect(writes).toEqual(['posting e1'])
  })

  it('refuses the same key with another request, an unknown card and an invalid request, writing nothing', async () => {
    const { tx, writes } = transaction([stateWith()], [CARD])
    await executePosting(tx, earn('e1', 40))
    const conflicting = await executePosting(tx, earn('e1', 41))
    expect(conflicting).toMatchObject({ _tag: 'Left', left: { _tag: 'ConflictingReplay' } })
    const unknown = await executePosting(tx, { ...earn('e2', 5), account: { card: '2900000000028' } })
    expect(unknown).toMatchObject({ _tag: 'Left', left: { _tag: 'UnknownCard' } })
    const invalid = await executePosting(tx, earn('e3', -5))
    expect(invalid).toMatchObject({ _tag: 'Left', left: { _tag: 'InvalidPosting' } })
    expect(writes).toEqual(['posting e1'])
  })

  it('refuses a reverse of a posting made on another account', async () => {
    const other: Card = { ...CARD, number: '2900000000028', accountId: 'a2' }
    const { tx, writes } = transaction([stateWith(), stateWith([], 'a2')], [CARD, other])
    await executePosting(tx, earn('e1', 40))
    const reverse = await executePosting(tx, {
      kind: 'reverse',
      key: 'v1',
      at: 2_000,
      account: { card: other.number },
      ofKey: 'e1',
    })
    expect(reverse).toMatchObject({ _tag: 'Left', left: { _tag: 'InvalidPosting', field: 'ofKey' } })
    expect(writes).toEqual(['posting e1'])
  })
})

describe('replaceCardIn', () => {
  const input = { lost: CARD.number, replacement: '2900000000035', newAccountId: 'a1-r', key: 'r1', at: 5_000 }

  it('opens the new account, moves the balance, issues the replacement and marks the lost card, in that order', async () => {
    const { tx, writes } = transaction([stateWith()], [CARD])
    await executePosting(tx, earn('e1', 40))
    const done = await replaceCardIn(tx, input)
    expect(done._tag === 'Right' && done.right.card).toMatchObject({ number: input.replacement, accountId: 'a1-r' })
    expect(writes).toEqual([
      'posting e1',
      'account a1-r',
      'posting r1',
      `card ${input.replacement} active`,
      `card ${CARD.number} replaced`,
    ])
    // A replay answers the first result and writes nothing more.
    expect(await replaceCardIn(tx, input)).toEqual(done)
    expect(writes).toHaveLength(5)
    expect(await replaceCardIn(tx, { ...input, newAccountId: 'other' })).toMatchObject({
      left: { _tag: 'ConflictingReplay' },
    })
  })

  it('refuses an unknown lost card and a replacement number already taken, writing nothing', async () => {
    const taken: Card = { ...CARD, number: input.replacement, accountId: 'a2' }
    const { tx, writes } = transaction([stateWith(), stateWith([], 'a2')], [CARD, taken])
    expect(await replaceCardIn(tx, { ...input, lost: '2900000000042' })).toMatchObject({
      left: { _tag: 'UnknownCard' },
    })
    expect(await replaceCardIn(tx, input)).toMatchObject({ left: { _tag: 'AlreadyExists', what: 'card' } })
    expect(writes).toEqual([])
  })
})

describe('the requests the store operations post', () => {
  it('keys a sweep per account and a merge by its own key', () => {
    expect(sweepRequest('sweep-2026-12-01', 'a1', 9)).toEqual({
      kind: 'expire',
      key: 'sweep-2026-12-01/a1',
      at: 9,
      account: { accountId: 'a1' },
    })
    expect(mergeRequest({ from: 'a2', into: 'a1', key: 'm1', at: 9 })).toMatchObject({
      kind: 'transfer',
      key: 'm1',
      from: { accountId: 'a2' },
      to: { accountId: 'a1' },
    })
  })
})

import {
  cardNumberFromSerial,
  DEFAULT_CARD_RANGE,
  type EntryKind,
  isMember,
  joinClub,
  type LedgerError,
  type LoyaltyStore,
  type Member,
  type PostingRequest,
  referralCode,
  rewardReferral,
} from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const T0 = Date.parse('2026-11-26T10:00:00Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Unwraps a Right, or fails the test with the error's message. */
const ok = <A>(e: Either<{ readonly _tag: string; readonly message: string }, A>): A => {
  if (e._tag === 'Left') throw new Error(`expected success, got ${e.left._tag}: ${e.left.message}`)
  return e.right
}

/** Unwraps a Left, or fails the test. */
const failed = <A>(e: Either<LedgerError, A>): LedgerError => {
  if (e._tag === 'Right') throw new Error(`expected an error, got ${JSON.stringify(e.right)}`)
  return e.left
}

/**
 * Registers the loyalty store conformance suite with vitest: every store (memory, SQLite,
 * Postgres, yours) must pass it. `make` returns a new, empty store for each test; the suite closes
 * it afterwards. Covers every entry kind, lot order, pending and expired lots, the idempotent expiry
 * sweep, replays and `CONFLICTING_REPLAY`, the named errors (and that they write nothing),
 * reservations, reversals, negative-balance policies, card replacement, merges, households,
 * claiming, memberships, and `check()` after each scenario.
 *
 * @example
 * loyaltyStoreConformance('memory', async () => memoryLoyaltyStore())
 * @category testing
 */
export const loyaltyStoreConformance = (name: string, make: () => Promise<LoyaltyStore>): void => {
  describe(`LoyaltyStore conformance: ${name}`, () => {
    let store: LoyaltyStore
    let serial = 0

    beforeEach(async () => {
      store = await make()
      serial = 0
    })
    afterEach(async () => {
      await store.close()
    })

    /** Opens an account in `programId` with one anonymous card; returns both. */
    const newCard = async (accountId: string, programId = 'club') => {
      ok(await store.openAccount({ accountId, programId, at: T0 }))
      const number = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 1000 + ++serial))
      ok(await store.issueCard({ number, accountId, at: T0 }))
      return { accountId, card: number }
    }
    const post = (request: PostingRequest) => store.post(request)
    const balance = async (accountId: string, asOf = T0) => ok(await store.balance(accountId, asOf))
    const kinds = async (accountId: string): Promise<EntryKind[]> =>
      ok(await store.entries(accountId)).map((e) => e.kind)
    const expectClean = async () => {
      const report = ok(await store.check())
      expect(report.problems).toEqual([])
      return report
    }

    describe('earn and balances', () => {
      it('an earn creates a lot and adds to the available balance', async () => {
        const { accountId, card } = await newCard('a1')
        const result = ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 120 }))
        expect(result.balance).toEqual({ accountId, asOf: T0, available: 120, pending: 0, reserved: 0 })
        const lots = ok(await store.lots(accountId))
        expect(lots).toHaveLength(1)
        expect(lots[0]).toMatchObject({ lotId: 'e1', points: 120, remaining: 120, availableFrom: T0 })
        expect(await kinds(accountId)).toEqual(['earn'])
        await expectClean()
      })

      it('a pending earn is not redeemable, and matures lazily when a balance is read after availableFrom', async () => {
        const { accountId, card } = await newCard('a1')
        ok(
          await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100, availableFrom: T0 + 14 * DAY }),
        )
        expect(await balance(accountId)).toMatchObject({ available: 0, pending: 100 })
        const refused = failed(await post({ kind: 'redeem', key: 'r1', at: T0 + DAY, account: { card }, points: 10 }))
        expect(refused).toMatchObject({ _tag: 'InsufficientPoints', available: 0, required: 10 })
        expect(await balance(accountId, T0 + 14 * DAY)).toMatchObject({ available: 100, pending: 0 })
        ok(await post({ kind: 'redeem', key: 'r2', at: T0 + 14 * DAY, account: { card }, points: 10 }))
        expect(await balance(accountId, T0 + 14 * DAY)).toMatchObject({ available: 90, pending: 0 })
        await expectClean()
      })

      it('balance of an unknown account is UnknownAccount', async () => {
        expect(failed(await store.balance('nope', T0))._tag).toBe('UnknownAccount')
        expect(failed(await store.entries('nope'))._tag).toBe('UnknownAccount')
      })
    })

    describe('redemption order', () => {
      it('redeems lots soonest expiry first, never-expiring last', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'late', at: T0, account: { card }, points: 100, expiresAt: T0 + 30 * DAY }))
        ok(await post({ kind: 'earn', key: 'soon', at: T0, account: { card }, points: 100, expiresAt: T0 + 10 * DAY }))
        ok(await post({ kind: 'earn', key: 'never', at: T0, account: { card }, points: 100 }))
        // 150 = all 100 of "soon" (expires day 10) + 50 of "late" (day 30); "never" untouched.
        ok(await post({ kind: 'redeem', key: 'r1', at: T0 + HOUR, account: { card }, points: 150 }))
        const lots = ok(await store.lots(accountId))
        expect(lots.map((l) => [l.lotId, l.remaining])).toEqual([
          ['late', 50],
          ['never', 100],
        ])
        expect(await balance(accountId, T0 + HOUR)).toMatchObject({ available: 150 })
        await expectClean()
      })

      it('never redeems an expired lot, even before the sweep ran', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100, expiresAt: T0 + DAY }))
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card }, points: 30 }))
        expect(await balance(accountId, T0 + 2 * DAY)).toMatchObject({ available: 30 })
        const refused = failed(
          await post({ kind: 'redeem', key: 'r1', at: T0 + 2 * DAY, account: { card }, points: 50 }),
        )
        expect(refused).toMatchObject({ _tag: 'InsufficientPoints', available: 30, required: 50 })
        ok(await post({ kind: 'redeem', key: 'r2', at: T0 + 2 * DAY, account: { card }, points: 30 }))
        expect(ok(await store.lots(accountId)).map((l) => [l.lotId, l.remaining])).toEqual([['e1', 100]])
        await expectClean()
      })
    })

    describe('expiry sweep', () => {
      it('expires due lots once: the same sweep key replays, another key finds nothing due', async () => {
        const a = await newCard('a1')
        const b = await newCard('a2')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card: a.card }, points: 100, expiresAt: T0 + DAY }))
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card: a.card }, points: 40 }))
        ok(await post({ kind: 'earn', key: 'e3', at: T0, account: { card: b.card }, points: 25, expiresAt: T0 + DAY }))
        ok(
          await post({
            kind: 'earn',
            key: 'e4',
            at: T0,
            account: { card: b.card },
            points: 5,
            expiresAt: T0 + 9 * DAY,
          }),
        )
        const first = ok(await store.expireDue(T0 + 2 * DAY, 'sweep-1'))
        // a1 loses 100, a2 loses 25: 125 points over 2 accounts; e4 (day 9) is not due.
        expect(first).toMatchObject({ accounts: 2, expiredPoints: 125, releasedReservations: 0 })
        const again = ok(await store.expireDue(T0 + 2 * DAY, 'sweep-1'))
        expect(again).toMatchObject({ accounts: 0, expiredPoints: 0 })
        const other = ok(await store.expireDue(T0 + 2 * DAY, 'sweep-2'))
        expect(other).toMatchObject({ accounts: 0, expiredPoints: 0 })
        expect(await kinds('a1')).toEqual(['earn', 'earn', 'expire'])
        expect(await kinds('a2')).toEqual(['earn', 'earn', 'expire'])
        expect(await balance('a1', T0 + 2 * DAY)).toMatchObject({ available: 40, pending: 0 })
        expect(await balance('a2', T0 + 2 * DAY)).toMatchObject({ available: 5 })
        await expectClean()
      })
    })

    describe('idempotency', () => {
      it('a replay with the same key and content returns the first result and writes nothing', async () => {
        const { accountId, card } = await newCard('a1')
        const request: PostingRequest = { kind: 'earn', key: 'e1', at: T0, account: { card }, points: 70 }
        const first = ok(await post(request))
        ok(await post({ kind: 'earn', key: 'e2', at: T0 + HOUR, account: { card }, points: 5 }))
        const replay = ok(await post({ ...request }))
        expect(replay).toEqual(first)
        expect(await kinds(accountId)).toEqual(['earn', 'earn'])
        expect(await balance(accountId, T0 + HOUR)).toMatchObject({ available: 75 })
        await expectClean()
      })

      it('the same key with different content is CONFLICTING_REPLAY and writes nothing', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 70 }))
        const error = failed(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 700 }))
        expect(error).toMatchObject({ _tag: 'ConflictingReplay', code: 'CONFLICTING_REPLAY', key: 'e1' })
        const other = failed(await post({ kind: 'redeem', key: 'e1', at: T0, account: { card }, points: 1 }))
        expect(other).toMatchObject({ code: 'CONFLICTING_REPLAY' })
        expect(await kinds(accountId)).toEqual(['earn'])
        expect(await balance(accountId)).toMatchObject({ available: 70 })
        await expectClean()
      })
    })

    describe('refusals write nothing', () => {
      it('an unknown card is UnknownCard, and its key stays free', async () => {
        const { accountId, card } = await newCard('a1')
        const error = failed(
          await post({ kind: 'earn', key: 'e1', at: T0, account: { card: '2999999999994' }, points: 10 }),
        )
        expect(error).toMatchObject({ _tag: 'UnknownCard', card: '2999999999994' })
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 10 }))
        expect(await kinds(accountId)).toEqual(['earn'])
        await expectClean()
      })

      it('a blocked card is CardBlocked for earn, redeem and reserve, until unblocked', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 50 }))
        ok(await store.setCardStatus(card, 'blocked'))
        expect(failed(await post({ kind: 'earn', key: 'e2', at: T0, account: { card }, points: 10 }))._tag).toBe(
          'CardBlocked',
        )
        expect(failed(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card }, points: 10 }))._tag).toBe(
          'CardBlocked',
        )
        expect(
          failed(
            await post({ kind: 'reserve', key: 's1', at: T0, account: { card }, points: 10, expiresAt: T0 + HOUR }),
          )._tag,
        ).toBe('CardBlocked')
        expect(await kinds(accountId)).toEqual(['earn'])
        ok(await store.setCardStatus(card, 'active'))
        ok(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card }, points: 10 }))
        expect(await balance(accountId)).toMatchObject({ available: 40 })
        await expectClean()
      })

      it('a redemption above the available balance is InsufficientPoints with available and required', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 50 }))
        const error = failed(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card }, points: 51 }))
        expect(error).toMatchObject({ _tag: 'InsufficientPoints', accountId, available: 50, required: 51 })
        expect(error.message).toContain('redeem at most 50')
        expect(await kinds(accountId)).toEqual(['earn'])
        expect(ok(await store.lots(accountId))[0]?.remaining).toBe(50)
        await expectClean()
      })

      it('a bad request is InvalidPosting naming the field', async () => {
        const { card } = await newCard('a1')
        expect(failed(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 0 }))).toMatchObject({
          _tag: 'InvalidPosting',
          field: 'points',
        })
        expect(failed(await post({ kind: 'earn', key: '', at: T0, account: { card }, points: 1 }))).toMatchObject({
          field: 'key',
        })
        expect(
          failed(await post({ kind: 'adjust', key: 'j1', at: T0, account: { card }, points: 5, reason: ' ' })),
        ).toMatchObject({ field: 'reason' })
        expect(failed(await post({ kind: 'redeem', key: 'r1', at: 1.5, account: { card }, points: 1 }))).toMatchObject({
          field: 'at',
        })
        await expectClean()
      })
    })

    describe('bad input is a typed refusal, never an exception', () => {
      it('a NUL character in a posting key, a card number or an id names the field and writes nothing', async () => {
        const { accountId, card } = await newCard('a1')
        const nul = 'x\u0000y'
        expect(failed(await post({ kind: 'earn', key: nul, at: T0, account: { card }, points: 1 }))).toMatchObject({
          _tag: 'InvalidPosting',
          field: 'key',
        })
        expect(
          failed(await post({ kind: 'earn', key: 'e1', at: T0, account: { card: nul }, points: 1 })),
        ).toMatchObject({ _tag: 'InvalidPosting', field: 'account.card' })
        expect(failed(await store.card(nul))).toMatchObject({ _tag: 'InvalidInput', field: 'number' })
        expect(failed(await store.balance(nul, T0))).toMatchObject({ _tag: 'InvalidInput', field: 'accountId' })
        expect(failed(await store.openAccount({ accountId: nul, programId: 'club', at: T0 }))).toMatchObject({
          _tag: 'InvalidInput',
          field: 'accountId',
        })
        expect(failed(await store.issueCard({ number: nul, accountId, at: T0 }))).toMatchObject({
          _tag: 'InvalidInput',
          field: 'number',
        })
        expect(
          failed(await store.saveMember({ memberId: 'm1', programId: 'club', joinedAt: T0, profile: { name: nul } })),
        ).toMatchObject({ _tag: 'InvalidInput', field: 'profile.name' })
        expect(failed(await store.expireDue(T0, nul))).toMatchObject({ _tag: 'InvalidInput', field: 'sweepKey' })
        expect(await kinds(accountId)).toEqual([])
        await expectClean()
      })

      it('an unknown posting kind and points past the documented maximum are refused by name', async () => {
        const { accountId, card } = await newCard('a1')
        const steal = { kind: 'steal', key: 's1', at: T0, account: { card }, points: 5 } as unknown as PostingRequest
        expect(failed(await post(steal))).toMatchObject({ _tag: 'InvalidPosting', field: 'kind' })
        // two amounts that are each a safe integer but sum past 2^53
        const huge = 2 ** 53 - 2
        expect(failed(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: huge }))).toMatchObject({
          _tag: 'InvalidPosting',
          field: 'points',
        })
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card }, points: 1_000_000_000_000 }))
        ok(await post({ kind: 'earn', key: 'e3', at: T0, account: { card }, points: 1_000_000_000_000 }))
        expect(await balance(accountId)).toMatchObject({ available: 2_000_000_000_000 })
        expect(
          failed(await post({ kind: 'adjust', key: 'a1', at: T0, account: { card }, points: -huge, reason: 'x' })),
        ).toMatchObject({ _tag: 'InvalidPosting', field: 'points' })
        await expectClean()
      })
    })

    describe('reservations', () => {
      it('a reservation holds points; commit redeems them; release gives them back', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100 }))
        const held = ok(
          await post({ kind: 'reserve', key: 's1', at: T0, account: { card }, points: 60, expiresAt: T0 + HOUR }),
        )
        expect(held.reservationId).toBe('s1')
        expect(held.balance).toMatchObject({ available: 40, reserved: 60 })
        expect(failed(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card }, points: 41 }))._tag).toBe(
          'InsufficientPoints',
        )
        const committed = ok(
          await post({ kind: 'commit', key: 'c1', at: T0 + 60_000, account: { card }, reservationId: 's1' }),
        )
        expect(committed.balance).toMatchObject({ available: 40, reserved: 0 })
        ok(await post({ kind: 'reserve', key: 's2', at: T0, account: { card }, points: 30, expiresAt: T0 + HOUR }))
        expect(ok(await store.reservations(accountId)).map((r) => r.reservationId)).toEqual(['s2'])
        const released = ok(
          await post({ kind: 'release', key: 'l1', at: T0 + 60_000, account: { card }, reservationId: 's2' }),
        )
        expect(released.balance).toMatchObject({ available: 40, reserved: 0 })
        const again = failed(
          await post({ kind: 'commit', key: 'c2', at: T0 + 60_000, account: { card }, reservationId: 's2' }),
        )
        expect(again).toMatchObject({ _tag: 'ReservationNotFound', reservationId: 's2' })
        expect(await kinds(accountId)).toEqual(['earn', 'reserve', 'commit', 'reserve', 'release'])
        await expectClean()
      })

      it('a reservation lapses at its TTL: its points count as available again, a commit is ReservationExpired, the sweep releases it', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100 }))
        ok(await post({ kind: 'reserve', key: 's1', at: T0, account: { card }, points: 60, expiresAt: T0 + HOUR }))
        expect(await balance(accountId, T0 + 2 * HOUR)).toMatchObject({ available: 100, reserved: 0 })
        const late = failed(
          await post({ kind: 'commit', key: 'c1', at: T0 + 2 * HOUR, account: { card }, reservationId: 's1' }),
        )
        expect(late).toMatchObject({ _tag: 'ReservationExpired', reservationId: 's1', expiresAt: T0 + HOUR })
        expect(await kinds(accountId)).toEqual(['earn', 'reserve'])
        const sweep = ok(await store.expireDue(T0 + 2 * HOUR, 'sweep-1'))
        expect(sweep).toMatchObject({ accounts: 1, releasedReservations: 1, expiredPoints: 0 })
        expect(ok(await store.reservations(accountId))).toEqual([])
        expect(await balance(accountId, T0 + 2 * HOUR)).toMatchObject({ available: 100, reserved: 0 })
        await expectClean()
      })

      it('a redemption after a lapsed reservation releases it first and can spend its points', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100 }))
        ok(await post({ kind: 'reserve', key: 's1', at: T0, account: { card }, points: 80, expiresAt: T0 + HOUR }))
        ok(await post({ kind: 'redeem', key: 'r1', at: T0 + 2 * HOUR, account: { card }, points: 90 }))
        expect(await kinds(accountId)).toEqual(['earn', 'reserve', 'release', 'redeem'])
        expect(await balance(accountId, T0 + 2 * HOUR)).toMatchObject({ available: 10, reserved: 0 })
        await expectClean()
      })
    })

    describe('reversals', () => {
      it('reversing an earn restores every balance, taking the pending lot of that earn first', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'old', at: T0, account: { card }, points: 40 }))
        const before = await balance(accountId)
        ok(
          await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100, availableFrom: T0 + 14 * DAY }),
        )
        ok(await post({ kind: 'reverse', key: 'v1', at: T0, account: { card }, ofKey: 'e1', points: 30 }))
        expect(await balance(accountId)).toMatchObject({ available: 40, pending: 70 })
        ok(await post({ kind: 'reverse', key: 'v2', at: T0, account: { card }, ofKey: 'e1' }))
        expect(await balance(accountId)).toEqual(before)
        const none = failed(
          await post({ kind: 'reverse', key: 'v3', at: T0, account: { card }, ofKey: 'e1', points: 1 }),
        )
        expect(none).toMatchObject({ _tag: 'NothingLeftToReverse', left: 0, requested: 1 })
        expect(failed(await post({ kind: 'reverse', key: 'v4', at: T0, account: { card }, ofKey: 'zzz' }))._tag).toBe(
          'EntryNotFound',
        )
        await expectClean()
      })

      it('reversing a redemption gives its points back to its lots', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100, expiresAt: T0 + 30 * DAY }))
        ok(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card }, points: 80 }))
        ok(await post({ kind: 'reverse', key: 'v1', at: T0 + HOUR, account: { card }, ofKey: 'r1', points: 50 }))
        expect(await balance(accountId, T0 + HOUR)).toMatchObject({ available: 70 })
        ok(await post({ kind: 'reverse', key: 'v2', at: T0 + HOUR, account: { card }, ofKey: 'r1' }))
        expect(await balance(accountId, T0 + HOUR)).toMatchObject({ available: 100 })
        expect(ok(await store.lots(accountId))).toMatchObject([
          { lotId: 'e1', remaining: 100, expiresAt: T0 + 30 * DAY },
        ])
        await expectClean()
      })

      it('a return after the points were spent goes negative under the default policy, and the next earn repays it', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100 }))
        ok(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card }, points: 100 }))
        ok(await post({ kind: 'reverse', key: 'v1', at: T0, account: { card }, ofKey: 'e1' }))
        expect(await balance(accountId)).toMatchObject({ available: -100 })
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card }, points: 130 }))
        // 130 earned − 100 owed = 30 available
        expect(await balance(accountId)).toMatchObject({ available: 30 })
        await expectClean()
      })

      it('a program that forbids negative returns refuses the clawback and writes nothing', async () => {
        ok(
          await store.putProgram({ programId: 'strict', policy: { allowNegative: false, returnMayGoNegative: false } }),
        )
        const { accountId, card } = await newCard('a1', 'strict')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100 }))
        ok(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card }, points: 60 }))
        const error = failed(await post({ kind: 'reverse', key: 'v1', at: T0, account: { card }, ofKey: 'e1' }))
        expect(error).toMatchObject({ _tag: 'InsufficientPoints', available: 40, required: 100 })
        ok(await post({ kind: 'reverse', key: 'v2', at: T0, account: { card }, ofKey: 'e1', points: 40 }))
        expect(await balance(accountId)).toMatchObject({ available: 0 })
        await expectClean()
      })

      it('a redemption-only posting kind cannot be reversed', async () => {
        const { card } = await newCard('a1')
        ok(await post({ kind: 'adjust', key: 'j1', at: T0, account: { card }, points: 10, reason: 'goodwill' }))
        const error = failed(await post({ kind: 'reverse', key: 'v1', at: T0, account: { card }, ofKey: 'j1' }))
        expect(error).toMatchObject({ _tag: 'NotReversible', kind: 'adjust' })
        await expectClean()
      })
    })

    describe('adjustments', () => {
      it('adjusts up and down with a reason, down to the floor the program allows', async () => {
        ok(
          await store.putProgram({
            programId: 'lenient',
            policy: { allowNegative: { floor: -100 }, returnMayGoNegative: true },
          }),
        )
        const { accountId, card } = await newCard('a1', 'lenient')
        ok(await post({ kind: 'adjust', key: 'j1', at: T0, account: { card }, points: 20, reason: 'goodwill' }))
        const refused = failed(
          await post({ kind: 'adjust', key: 'j2', at: T0, account: { card }, points: -121, reason: 'fix' }),
        )
        expect(refused).toMatchObject({ _tag: 'InsufficientPoints', available: 20, required: 121 })
        ok(await post({ kind: 'adjust', key: 'j3', at: T0, account: { card }, points: -120, reason: 'fix' }))
        expect(await balance(accountId)).toMatchObject({ available: -100 })
        expect(ok(await store.entries(accountId)).map((e) => [e.kind, e.points, e.reason])).toEqual([
          ['adjust', 20, 'goodwill'],
          ['adjust', -120, 'fix'],
        ])
        await expectClean()
      })

      it('the default policy never lets an adjustment go below zero', async () => {
        const { card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 10 }))
        expect(
          failed(await post({ kind: 'adjust', key: 'j1', at: T0, account: { card }, points: -11, reason: 'x' }))._tag,
        ).toBe('InsufficientPoints')
        await expectClean()
      })
    })

    describe("members' data rights (export and erasure)", () => {
      const enrolWithCards = async () => {
        ok(
          await store.saveMember({
            memberId: 'm1',
            programId: 'club',
            joinedAt: T0,
            profile: { name: 'Ada Lovelace', email: 'ada@example.org' },
            birthday: '1990-12-10' as Member['birthday'],
            segments: ['wine-lovers'],
            attributes: { pets: 'dog' },
          }),
        )
        ok(await store.saveMember({ memberId: 'm2', programId: 'club', joinedAt: T0 }))
        ok(await store.openAccount({ accountId: 'own', programId: 'club', memberId: 'm1', at: T0 }))
        ok(await store.openAccount({ accountId: 'home', programId: 'club', householdId: 'h1', at: T0 }))
        ok(await store.saveHousehold({ householdId: 'h1', accountId: 'home', memberIds: ['m1', 'm2'] }))
        const mine = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 701))
        const shared = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 702))
        const partner = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 703))
        ok(await store.issueCard({ number: mine, accountId: 'own', memberId: 'm1', at: T0 }))
        ok(await store.issueCard({ number: shared, accountId: 'home', memberId: 'm1', at: T0 }))
        ok(await store.issueCard({ number: partner, accountId: 'home', memberId: 'm2', at: T0 }))
        ok(await store.saveMembership(joinClub('m1', 'gold-club', T0, 12)))
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card: mine }, points: 120 }))
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card: shared }, points: 30 }))
        ok(await post({ kind: 'redeem', key: 'r1', at: T0 + HOUR, account: { card: mine }, points: 20 }))
        return { mine, shared, partner }
      }

      it('an export holds the record, memberships, cards, and every account used with its balance and entries', async () => {
        const { mine, shared } = await enrolWithCards()
        const data = ok(await store.exportMember('m1', T0 + HOUR))
        expect(data.member).toMatchObject({ memberId: 'm1', profile: { name: 'Ada Lovelace' }, birthday: '1990-12-10' })
        expect(data.memberships.map((m) => m.clubId)).toEqual(['gold-club'])
        expect(data.cards.map((c) => c.number)).toEqual([mine, shared].sort())
        expect(data.accounts.map((a) => [a.account.accountId, a.balance.available])).toEqual([
          ['home', 30],
          ['own', 100],
        ])
        expect(data.accounts.find((a) => a.account.accountId === 'own')?.entries.map((e) => e.kind)).toEqual([
          'earn',
          'redeem',
        ])
        expect(data.households.map((h) => h.householdId)).toEqual(['h1'])
        expect(failed(await store.exportMember('nobody', T0))._tag).toBe('UnknownMember')
        expect(failed(await store.exportMember('', T0))).toMatchObject({ _tag: 'InvalidInput', field: 'memberId' })
      })

      it('an erasure removes the personal data, blocks the member’s cards, keeps every amount and a clean check', async () => {
        const { mine, shared, partner } = await enrolWithCards()
        const before = ok(await store.check())
        const erasure = ok(await store.eraseMember('m1', T0 + DAY))
        expect(erasure).toMatchObject({ memberId: 'm1', erasedAt: T0 + DAY, alreadyErased: false })
        expect(erasure.blockedCards).toEqual([mine, shared].sort())
        const record = ok(await store.member('m1'))
        expect(record).toEqual({ memberId: 'm1', programId: 'club', joinedAt: T0, erasedAt: T0 + DAY })
        expect(JSON.stringify(ok(await store.exportMember('m1', T0 + DAY)))).not.toMatch(
          /Ada|example\.org|1990|wine|dog/,
        )
        expect(ok(await store.card(mine)).status).toBe('blocked')
        expect(ok(await store.card(partner)).status).toBe('active')
        expect(await balance('own', T0 + DAY)).toMatchObject({ available: 100 })
        expect(await balance('home', T0 + DAY)).toMatchObject({ available: 30 })
        expect(
          failed(await post({ kind: 'earn', key: 'e3', at: T0 + DAY, account: { card: mine }, points: 5 }))._tag,
        ).toBe('CardBlocked')
        const after = await expectClean()
        expect(after.entries).toBe(before.entries)
        const again = ok(await store.eraseMember('m1', T0 + 2 * DAY))
        expect(again).toMatchObject({ alreadyErased: true, erasedAt: T0 + DAY, blockedCards: [] })
        expect(failed(await store.eraseMember('nobody', T0))._tag).toBe('UnknownMember')
        expect(failed(await store.eraseMember('m1', -1))).toMatchObject({ _tag: 'InvalidInput', field: 'at' })
      })
    })

    describe('cards, accounts and households', () => {
      it('replacing a lost card moves its balance (available, pending, expiry) to the new card with a transfer', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100, expiresAt: T0 + 30 * DAY }))
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card }, points: 50, availableFrom: T0 + 14 * DAY }))
        const replacement = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 9001))
        const done = ok(
          await store.replaceCard({ lost: card, replacement, newAccountId: 'a1-r', key: 'replace-1', at: T0 + HOUR }),
        )
        expect(done.card).toMatchObject({ number: replacement, accountId: 'a1-r', status: 'active' })
        expect(await balance('a1-r', T0 + HOUR)).toMatchObject({ available: 100, pending: 50 })
        expect(await balance(accountId, T0 + HOUR)).toMatchObject({ available: 0, pending: 0 })
        expect(ok(await store.lots('a1-r')).map((l) => [l.origin, l.remaining, l.expiresAt])).toEqual([
          ['e1', 100, T0 + 30 * DAY],
          ['e2', 50, undefined],
        ])
        expect(await kinds(accountId)).toEqual(['earn', 'earn', 'transfer'])
        expect(await kinds('a1-r')).toEqual(['transfer'])
        expect(ok(await store.card(card))).toMatchObject({ status: 'replaced', replacedBy: replacement })
        expect(ok(await store.account(accountId))).toMatchObject({ status: 'merged', mergedInto: 'a1-r' })
        expect(failed(await post({ kind: 'earn', key: 'e3', at: T0, account: { card }, points: 1 }))).toMatchObject({
          _tag: 'CardReplaced',
          replacedBy: replacement,
        })
        // A return of a purchase made on the lost card claws back from the lots that moved.
        ok(await post({ kind: 'reverse', key: 'v1', at: T0 + HOUR, account: { card: replacement }, ofKey: 'e2' }))
        expect(await balance('a1-r', T0 + HOUR)).toMatchObject({ available: 100, pending: 0 })
        const replay = ok(
          await store.replaceCard({ lost: card, replacement, newAccountId: 'a1-r', key: 'replace-1', at: T0 + HOUR }),
        )
        expect(replay.transfer).toEqual(done.transfer)
        await expectClean()
      })

      it('a replacement releases the lost card’s open reservations and moves their points too', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 90 }))
        ok(await post({ kind: 'reserve', key: 's1', at: T0, account: { card }, points: 40, expiresAt: T0 + HOUR }))
        const replacement = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 9002))
        ok(await store.replaceCard({ lost: card, replacement, newAccountId: 'a1-r', key: 'replace-1', at: T0 }))
        expect(await kinds(accountId)).toEqual(['earn', 'reserve', 'release', 'transfer'])
        expect(ok(await store.reservations(accountId))).toEqual([])
        expect(await balance('a1-r')).toMatchObject({ available: 90, reserved: 0 })
        expect(
          failed(await post({ kind: 'commit', key: 'c1', at: T0, account: { card: replacement }, reservationId: 's1' }))
            ._tag,
        ).toBe('ReservationNotFound')
        await expectClean()
      })

      it('a reverse addressed to another customer’s account is refused', async () => {
        const a = await newCard('a1')
        const b = await newCard('a2')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card: a.card }, points: 10 }))
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card: b.card }, points: 10 }))
        const error = failed(await post({ kind: 'reverse', key: 'v1', at: T0, account: { card: b.card }, ofKey: 'e1' }))
        expect(error).toMatchObject({ _tag: 'InvalidPosting', field: 'ofKey' })
        expect(await balance('a2')).toMatchObject({ available: 10 })
        await expectClean()
      })

      it('household members share one account through their own cards', async () => {
        for (const memberId of ['m1', 'm2']) ok(await store.saveMember({ memberId, programId: 'club', joinedAt: T0 }))
        ok(await store.openAccount({ accountId: 'home', programId: 'club', householdId: 'h1', at: T0 }))
        ok(await store.saveHousehold({ householdId: 'h1', accountId: 'home', memberIds: ['m1', 'm2'] }))
        const c1 = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 501))
        const c2 = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 502))
        ok(await store.issueCard({ number: c1, accountId: 'home', memberId: 'm1', at: T0 }))
        ok(await store.issueCard({ number: c2, accountId: 'home', memberId: 'm2', at: T0 }))
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card: c1 }, points: 80 }))
        ok(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card: c2 }, points: 50 }))
        expect(await balance('home')).toMatchObject({ available: 30 })
        expect(ok(await store.cardsOf('home')).map((c) => c.number)).toEqual([c1, c2].sort())
        expect(ok(await store.household('h1')).memberIds).toEqual(['m1', 'm2'])
        await expectClean()
      })

      it('merging two accounts moves the balance and every card of the source', async () => {
        const a = await newCard('a1')
        const b = await newCard('a2')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card: a.card }, points: 30 }))
        ok(await post({ kind: 'earn', key: 'e2', at: T0, account: { card: b.card }, points: 12 }))
        const merged = ok(await store.mergeAccounts({ from: 'a1', into: 'a2', key: 'merge-1', at: T0 }))
        expect(merged.counterpartyBalance).toMatchObject({ accountId: 'a2', available: 42 })
        expect(ok(await store.card(a.card)).accountId).toBe('a2')
        ok(await post({ kind: 'redeem', key: 'r1', at: T0, account: { card: a.card }, points: 42 }))
        expect(
          failed(await post({ kind: 'earn', key: 'e3', at: T0, account: { accountId: 'a1' }, points: 1 }))._tag,
        ).toBe('AccountMerged')
        await expectClean()
      })

      it('claiming an anonymous card links it to the member and keeps its balance', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 15 }))
        expect(failed(await store.claimCard(card, 'm1'))._tag).toBe('UnknownMember')
        ok(await store.saveMember({ memberId: 'm1', programId: 'club', joinedAt: T0 }))
        ok(await store.saveMember({ memberId: 'm2', programId: 'club', joinedAt: T0 }))
        expect(ok(await store.claimCard(card, 'm1'))).toMatchObject({ memberId: 'm1', accountId })
        expect(ok(await store.account(accountId)).memberId).toBe('m1')
        expect(failed(await store.claimCard(card, 'm2'))).toMatchObject({ _tag: 'CardAlreadyClaimed', memberId: 'm1' })
        expect(await balance(accountId)).toMatchObject({ available: 15 })
        await expectClean()
      })

      it('refuses duplicate ids and cards on unknown accounts', async () => {
        const { card } = await newCard('a1')
        expect(failed(await store.openAccount({ accountId: 'a1', programId: 'club', at: T0 }))._tag).toBe(
          'AlreadyExists',
        )
        expect(failed(await store.issueCard({ number: card, accountId: 'a1', at: T0 }))._tag).toBe('AlreadyExists')
        expect(failed(await store.issueCard({ number: '2900000000017', accountId: 'zz', at: T0 }))._tag).toBe(
          'UnknownAccount',
        )
        expect(failed(await store.card('2900000000017'))._tag).toBe('UnknownCard')
      })

      it('hands out serials once each, in order', async () => {
        const serials = [
          ok(await store.nextSerial('cards')),
          ok(await store.nextSerial('cards')),
          ok(await store.nextSerial('other')),
        ]
        expect(serials).toEqual([1, 2, 1])
      })

      it('keeps club memberships and judges them at a given instant', async () => {
        ok(await store.saveMember({ memberId: 'm1', programId: 'club', joinedAt: T0 }))
        ok(await store.saveMembership(joinClub('m1', 'gold-club', T0, 12)))
        const membership = ok(await store.membership('m1', 'gold-club'))
        expect(isMember(membership, T0 + DAY)).toBe(true)
        expect(isMember(membership, T0 + 400 * DAY)).toBe(false)
        expect(ok(await store.membership('m1', 'other'))).toBeUndefined()
      })
    })

    describe('concurrency', () => {
      it('concurrent redemptions never overspend', async () => {
        const { accountId, card } = await newCard('a1')
        ok(await post({ kind: 'earn', key: 'e1', at: T0, account: { card }, points: 100 }))
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            post({ kind: 'redeem', key: `r${i}`, at: T0, account: { card }, points: 30 }),
          ),
        )
        // 100 points cover three redemptions of 30; the other five are refused.
        expect(results.filter((r) => r._tag === 'Right')).toHaveLength(3)
        expect(results.filter((r) => r._tag === 'Left').map((r) => (r._tag === 'Left' ? r.left._tag : ''))).toEqual(
          Array(5).fill('InsufficientPoints'),
        )
        expect(await balance(accountId)).toMatchObject({ available: 10 })
        await expectClean()
      })

      it('concurrent postings with the same key write once and all get the first result', async () => {
        const { accountId, card } = await newCard('a1')
        const request: PostingRequest = { kind: 'earn', key: 'e1', at: T0, account: { card }, points: 25 }
        const results = await Promise.all(Array.from({ length: 6 }, () => post({ ...request })))
        const first = ok(results[0] as Either<LedgerError, unknown>)
        for (const r of results) expect(ok(r)).toEqual(first)
        expect(await kinds(accountId)).toEqual(['earn'])
        expect(await balance(accountId)).toMatchObject({ available: 25 })
        await expectClean()
      })
    })

    describe('referrals', () => {
      const SECRET = 'conformance-referral-secret'
      const program = { referral: { referrerPoints: 500, refereePoints: 200, qualifyingSpend: 2000, monthlyCap: 2 } }
      /** Enrols a member with an account `acc-<memberId>` and a card; returns the card number. */
      const enrol = async (memberId: string) => {
        ok(await store.saveMember({ memberId, programId: 'club', joinedAt: T0 }))
        ok(await store.openAccount({ accountId: `acc-${memberId}`, programId: 'club', memberId, at: T0 }))
        const number = ok(cardNumberFromSerial(DEFAULT_CARD_RANGE, 2000 + ++serial))
        ok(await store.issueCard({ number, accountId: `acc-${memberId}`, memberId, at: T0 }))
        return number
      }
      const referral = (referrerCard: string, memberId: string, card: string) => ({
        referrer: { memberId: 'm-ref', card: referrerCard },
        referee: { memberId, card },
        code: referralCode('m-ref', SECRET),
        purchase: { spend: 2500, at: '2026-11-26T10:15:00+01:00' },
      })

      it('16 concurrent referrals against a monthly cap of 2 pay the referrer exactly twice', async () => {
        const referrerCard = await enrol('m-ref')
        const friends: { memberId: string; card: string }[] = []
        for (let i = 0; i < 16; i++) friends.push({ memberId: `m-f${i}`, card: await enrol(`m-f${i}`) })
        const results = await Promise.all(
          friends.map((f) =>
            rewardReferral(store, program, referral(referrerCard, f.memberId, f.card), { secret: SECRET }),
          ),
        )
        const rewards = results.map((r) => ok(r))
        expect(rewards.filter((r) => r.referrer !== undefined)).toHaveLength(2)
        expect(rewards.filter((r) => r.referrerCapped?._tag === 'ReferralCapReached')).toHaveLength(14)
        expect(await balance('acc-m-ref', T0 + 30 * DAY)).toMatchObject({ available: 1000 })
        // every referee is rewarded, capped or not
        for (const f of friends)
          expect(await balance(`acc-${f.memberId}`, T0 + 30 * DAY)).toMatchObject({ available: 200 })
        // a retry of every referral books nothing more
        for (const f of friends) {
          ok(await rewardReferral(store, program, referral(referrerCard, f.memberId, f.card), { secret: SECRET }))
        }
        expect(await balance('acc-m-ref', T0 + 30 * DAY)).toMatchObject({ available: 1000 })
        await expectClean()
      })

      it('a household saved without householdId on its account is still seen by the self-referral check', async () => {
        const referrerCard = await enrol('m-ref')
        const kidCard = await enrol('m-kid')
        // the referrer's account is shared with the kid by a household that the account does not name
        ok(await store.saveHousehold({ householdId: 'h-1', accountId: 'acc-m-ref', memberIds: ['m-ref', 'm-kid'] }))
        expect(ok(await store.account('acc-m-ref')).householdId).toBeUndefined()
        const refused = await rewardReferral(store, program, referral(referrerCard, 'm-kid', kidCard), {
          secret: SECRET,
        })
        expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'SelfReferral', reason: 'SAME_HOUSEHOLD' } })
        expect(ok(await store.entries('acc-m-kid'))).toEqual([])
      })

      it('books both postings of a referral in one transaction: when the second fails, the first is not written', async () => {
        const referrerCard = await enrol('m-ref')
        const refereeCard = await enrol('m-new')
        const other = await newCard('a-other')
        // The referrer's key is already taken by another posting at the same instant: the referrer's
        // earn, posted second, is CONFLICTING_REPLAY.
        const at = Date.parse('2026-11-26T10:15:00+01:00')
        ok(await post({ kind: 'earn', key: 'referral:m-new:referrer', at, account: { card: other.card }, points: 1 }))
        const refused = await rewardReferral(store, program, referral(referrerCard, 'm-new', refereeCard), {
          secret: SECRET,
        })
        expect(refused).toMatchObject({ _tag: 'Left', left: { _tag: 'ConflictingReplay' } })
        expect(ok(await store.entries('acc-m-new'))).toEqual([])
        expect(ok(await store.entries('acc-m-ref'))).toEqual([])
        await expectClean()
      })
    })

    describe('all entry kinds together', () => {
      it('writes every entry kind and check() finds the store consistent', async () => {
        const a = await newCard('a1')
        const b = await newCard('a2')
        const card = a.card
        ok(await post({ kind: 'earn', key: 'k-earn', at: T0, account: { card }, points: 500, expiresAt: T0 + 5 * DAY }))
        ok(await post({ kind: 'earn', key: 'k-earn2', at: T0, account: { card }, points: 300 }))
        ok(await post({ kind: 'redeem', key: 'k-redeem', at: T0, account: { card }, points: 100 }))
        ok(await post({ kind: 'reserve', key: 'k-res', at: T0, account: { card }, points: 50, expiresAt: T0 + HOUR }))
        ok(await post({ kind: 'commit', key: 'k-commit', at: T0, account: { card }, reservationId: 'k-res' }))
        ok(await post({ kind: 'reserve', key: 'k-res2', at: T0, account: { card }, points: 20, expiresAt: T0 + HOUR }))
        ok(await post({ kind: 'release', key: 'k-release', at: T0, account: { card }, reservationId: 'k-res2' }))
        ok(await post({ kind: 'reverse', key: 'k-reverse', at: T0, account: { card }, ofKey: 'k-commit' }))
        ok(await post({ kind: 'adjust', key: 'k-adjust', at: T0, account: { card }, points: -10, reason: 'typo' }))
        ok(await store.expireDue(T0 + 6 * DAY, 'k-sweep'))
        ok(await store.mergeAccounts({ from: 'a1', into: 'a2', key: 'k-transfer', at: T0 + 6 * DAY }))
        expect(new Set(await kinds('a1'))).toEqual(
          new Set(['earn', 'redeem', 'reserve', 'commit', 'release', 'reverse', 'adjust', 'expire', 'transfer']),
        )
        // 800 earned − 100 redeemed − 50 committed + 50 reversed − 10 adjusted = 690;
        // the 500 lot lost 100 + 50 (soonest expiry first) + 10 and regained 50: 390 expired on day 6; 300 remain.
        expect(await balance(b.accountId, T0 + 6 * DAY)).toMatchObject({ available: 300 })
        const report = await expectClean()
        expect(report.entries).toBeGreaterThanOrEqual(12)
      })
    })
  })
}

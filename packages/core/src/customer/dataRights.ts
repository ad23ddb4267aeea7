import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { balanceOf } from '../ledger/balance.js'
import { type LedgerError, unknownMember } from '../ledger/errors.js'
import type { Balance, Entry, EpochMs, Lot, Reservation } from '../ledger/model.js'
import type { LoyaltyTransaction } from '../ports/LoyaltyStore.js'
import { setCardStatusIn } from './accounts.js'
import type { Card } from './card.js'
import type { Account, ClubMembership, Household, Member } from './member.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * One account a member uses, as held: the account row, its balance at the export's `asOf`, and every
 * entry, open lot and open reservation.
 * @category customer
 */
export interface AccountExport {
  readonly account: Account
  readonly balance: Balance
  readonly entries: readonly Entry[]
  readonly lots: readonly Lot[]
  readonly reservations: readonly Reservation[]
}

/**
 * Everything the loyalty store holds about a member (the right of access): their record, club
 * memberships, cards, the accounts they own or use through a card, and those accounts' households.
 * @category customer
 */
export interface MemberExport {
  readonly memberId: string
  /** When the export was read (epoch ms): balances are as of then. */
  readonly asOf: EpochMs
  readonly member: Member
  readonly memberships: readonly ClubMembership[]
  readonly cards: readonly Card[]
  readonly accounts: readonly AccountExport[]
  readonly households: readonly Household[]
}

/**
 * What an erasure did: the pseudonymised record, and the cards it blocked. `alreadyErased` when the
 * member had been erased before (nothing was written).
 * @category customer
 */
export interface MemberErasure {
  readonly memberId: string
  readonly erasedAt: EpochMs
  readonly member: Member
  readonly blockedCards: readonly string[]
  readonly alreadyErased: boolean
}

// ── planners (pure) ──────────────────────────────────────────────────────────────────────────────

/**
 * The member with their personal data removed: only the id (a pseudonym the ledger and the
 * purchases are filed under), the program, when they joined and when they were erased remain. The
 * profile (name, email…), birthday, attributes, segments and value snapshot are dropped.
 * @category customer
 */
export const pseudonymised = (member: Member, at: EpochMs): Member => ({
  memberId: member.memberId,
  programId: member.programId,
  joinedAt: member.joinedAt,
  erasedAt: at,
})

// ── in a store transaction ───────────────────────────────────────────────────────────────────────

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Reads everything held about a member inside a store transaction ({@link MemberExport}).
 * @category customer
 */
export const exportMemberIn = async (
  tx: LoyaltyTransaction,
  memberId: string,
  asOf: EpochMs,
): Promise<Either<LedgerError, MemberExport>> => {
  const member = await tx.findMember(memberId)
  if (member === undefined) return left(unknownMember(memberId))
  const cards = await tx.cardsOfMember(memberId)
  const accountIds = new Set<string>((await tx.accountsOfMember(memberId)).map((a) => a.accountId))
  for (const card of cards) accountIds.add(card.accountId)
  const accounts: AccountExport[] = []
  const households = new Map<string, Household>()
  for (const accountId of [...accountIds].sort(byId)) {
    const state = await tx.loadAccountState(accountId)
    if (state === undefined) continue
    accounts.push({
      account: state.account,
      balance: balanceOf(state, asOf),
      entries: await tx.entriesOf(accountId),
      lots: state.lots,
      reservations: state.reservations,
    })
    for (const h of await tx.householdsOf(accountId)) households.set(h.householdId, h)
  }
  return right({
    memberId,
    asOf,
    member,
    memberships: await tx.membershipsOf(memberId),
    cards,
    accounts,
    households: [...households.values()].sort((a, b) => byId(a.householdId, b.householdId)),
  })
}

/**
 * Erases a member inside a store transaction: the record is {@link pseudonymised} and the member's
 * active cards are blocked, so no one can identify them or use their cards; accounts, entries and
 * households are left as they are, so every amount and the ledger check stay right. Idempotent.
 * @category customer
 */
export const eraseMemberIn = async (
  tx: LoyaltyTransaction,
  memberId: string,
  at: EpochMs,
): Promise<Either<LedgerError, MemberErasure>> => {
  const member = await tx.findMember(memberId)
  if (member === undefined) return left(unknownMember(memberId))
  if (member.erasedAt !== undefined) {
    return right({ memberId, erasedAt: member.erasedAt, member, blockedCards: [], alreadyErased: true })
  }
  const erased = pseudonymised(member, at)
  await tx.replaceMember(erased)
  // Only active cards: a replaced card stays replaced, a blocked one is blocked already.
  const blocked: string[] = []
  for (const card of await tx.cardsOfMember(memberId)) {
    if (card.status !== 'active') continue
    const done = await setCardStatusIn(tx, card.number, 'blocked')
    if (done._tag === 'Left') return done
    blocked.push(card.number)
  }
  return right({ memberId, erasedAt: at, member: erased, blockedCards: blocked, alreadyErased: false })
}

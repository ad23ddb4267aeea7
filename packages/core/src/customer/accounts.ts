import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { emptyBalanceRow } from '../ledger/balance.js'
import {
  accountMerged,
  alreadyExists,
  cardAlreadyClaimed,
  cardReplaced,
  type LedgerError,
  unknownAccount,
  unknownCard,
  unknownMember,
} from '../ledger/errors.js'
import type { BalanceRow } from '../ledger/model.js'
import type { IssueCardInput, LoyaltyTransaction, OpenAccountInput } from '../ports/LoyaltyStore.js'
import type { Card } from './card.js'
import type { Account, ClubMembership, Household, Member } from './member.js'

// ── planners (pure: what is known → what to write, or why not) ───────────────────────────────────

/**
 * Decides an account opening from what the store holds: `AlreadyExists` when the id is taken,
 * `UnknownMember` when the owner is not enrolled; otherwise the account and its empty balance row.
 * @category customer
 */
export const planOpenAccount = (
  input: OpenAccountInput,
  known: { readonly existing: Account | undefined; readonly member: Member | undefined },
): Either<LedgerError, { readonly account: Account; readonly row: BalanceRow }> => {
  if (known.existing !== undefined) return left(alreadyExists('account', input.accountId))
  if (input.memberId !== undefined && known.member === undefined) return left(unknownMember(input.memberId))
  const account: Account = {
    accountId: input.accountId,
    programId: input.programId,
    ...(input.memberId === undefined ? {} : { memberId: input.memberId }),
    ...(input.householdId === undefined ? {} : { householdId: input.householdId }),
    status: 'open',
    openedAt: input.at,
  }
  return right({ account, row: emptyBalanceRow(account.accountId, input.at) })
}

/**
 * Decides a card issue: the number must be free, the account open (not merged), the member
 * enrolled. A new card is `active`.
 * @category customer
 */
export const planIssueCard = (
  input: IssueCardInput,
  known: {
    readonly existing: Card | undefined
    readonly account: Account | undefined
    readonly member: Member | undefined
  },
): Either<LedgerError, Card> => {
  if (known.existing !== undefined) return left(alreadyExists('card', input.number))
  const account = known.account
  if (account === undefined) return left(unknownAccount(input.accountId))
  if (account.status === 'merged') return left(accountMerged(account.accountId, account.mergedInto))
  if (input.memberId !== undefined && known.member === undefined) return left(unknownMember(input.memberId))
  return right({
    number: input.number,
    accountId: input.accountId,
    ...(input.memberId === undefined ? {} : { memberId: input.memberId }),
    status: 'active',
    issuedAt: input.at,
  })
}

/** Decides a block or unblock: a replaced card stays replaced. @category customer */
export const planCardStatus = (
  number: string,
  card: Card | undefined,
  status: 'active' | 'blocked',
): Either<LedgerError, Card> => {
  if (card === undefined) return left(unknownCard(number))
  if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
  return right({ ...card, status })
}

/**
 * Decides a claim: the card (not replaced) goes to an enrolled member unless another member holds
 * it; its account gets the member as owner when it has no owner and no household.
 * @category customer
 */
export const planClaimCard = (
  number: string,
  memberId: string,
  known: {
    readonly card: Card | undefined
    readonly member: Member | undefined
    readonly account: Account | undefined
  },
): Either<LedgerError, { readonly card: Card; readonly account: Account | undefined }> => {
  const card = known.card
  if (card === undefined) return left(unknownCard(number))
  if (card.status === 'replaced') return left(cardReplaced(number, card.replacedBy))
  if (known.member === undefined) return left(unknownMember(memberId))
  if (card.memberId !== undefined && card.memberId !== memberId) return left(cardAlreadyClaimed(number, card.memberId))
  const account = known.account
  const owned =
    account !== undefined && account.memberId === undefined && account.householdId === undefined
      ? { ...account, memberId }
      : undefined
  return right({ card: { ...card, memberId }, account: owned })
}

/** Decides a household: its account must exist and every member be enrolled. @category customer */
export const planHousehold = (
  household: Household,
  known: { readonly account: Account | undefined; readonly missingMember: string | undefined },
): Either<LedgerError, Household> => {
  if (known.account === undefined) return left(unknownAccount(household.accountId))
  if (known.missingMember !== undefined) return left(unknownMember(known.missingMember))
  return right(household)
}

// ── in a store transaction ───────────────────────────────────────────────────────────────────────

/** Opens an account inside a store transaction ({@link planOpenAccount}). @category customer */
export const openAccountIn = async (
  tx: LoyaltyTransaction,
  input: OpenAccountInput,
): Promise<Either<LedgerError, Account>> => {
  const planned = planOpenAccount(input, {
    existing: await tx.findAccount(input.accountId),
    member: input.memberId === undefined ? undefined : await tx.findMember(input.memberId),
  })
  if (planned._tag === 'Left') return planned
  // Insert-if-absent: a concurrent opening of the same id loses here.
  if (!(await tx.createAccount(planned.right.account, planned.right.row))) {
    return left(alreadyExists('account', input.accountId))
  }
  return right(planned.right.account)
}

/** Issues a card inside a store transaction ({@link planIssueCard}). @category customer */
export const issueCardIn = async (
  tx: LoyaltyTransaction,
  input: IssueCardInput,
): Promise<Either<LedgerError, Card>> => {
  const planned = planIssueCard(input, {
    existing: await tx.findCard(input.number),
    account: await tx.findAccount(input.accountId),
    member: input.memberId === undefined ? undefined : await tx.findMember(input.memberId),
  })
  if (planned._tag === 'Left') return planned
  if (!(await tx.createCard(planned.right))) return left(alreadyExists('card', input.number))
  return right(planned.right)
}

/** Blocks or unblocks a card inside a store transaction ({@link planCardStatus}). @category customer */
export const setCardStatusIn = async (
  tx: LoyaltyTransaction,
  number: string,
  status: 'active' | 'blocked',
): Promise<Either<LedgerError, Card>> => {
  const planned = planCardStatus(number, await tx.lockCard(number), status)
  if (planned._tag === 'Right') await tx.saveCard(planned.right)
  return planned
}

/** Claims an anonymous card inside a store transaction ({@link planClaimCard}). @category customer */
export const claimCardIn = async (
  tx: LoyaltyTransaction,
  number: string,
  memberId: string,
): Promise<Either<LedgerError, Card>> => {
  const card = await tx.lockCard(number)
  const planned = planClaimCard(number, memberId, {
    card,
    member: card === undefined ? undefined : await tx.findMember(memberId),
    account: card === undefined ? undefined : await tx.findAccount(card.accountId),
  })
  if (planned._tag === 'Left') return planned
  await tx.saveCard(planned.right.card)
  if (planned.right.account !== undefined) await tx.saveAccount(planned.right.account)
  return right(planned.right.card)
}

/** Enrols a member inside a store transaction: `AlreadyExists` if the id is taken. @category customer */
export const saveMemberIn = async (tx: LoyaltyTransaction, member: Member): Promise<Either<LedgerError, Member>> =>
  (await tx.createMember(member)) ? right(member) : left(alreadyExists('member', member.memberId))

/** Saves a household inside a store transaction ({@link planHousehold}). @category customer */
export const saveHouseholdIn = async (
  tx: LoyaltyTransaction,
  household: Household,
): Promise<Either<LedgerError, Household>> => {
  let missingMember: string | undefined
  for (const m of household.memberIds) {
    if ((await tx.findMember(m)) === undefined) {
      missingMember = m
      break
    }
  }
  const planned = planHousehold(household, { account: await tx.findAccount(household.accountId), missingMember })
  if (planned._tag === 'Right') await tx.saveHousehold(planned.right)
  return planned
}

/** Saves a club membership inside a store transaction: its member must be enrolled. @category customer */
export const saveMembershipIn = async (
  tx: LoyaltyTransaction,
  membership: ClubMembership,
): Promise<Either<LedgerError, ClubMembership>> => {
  if ((await tx.findMember(membership.memberId)) === undefined) return left(unknownMember(membership.memberId))
  await tx.saveMembership(membership)
  return right(membership)
}

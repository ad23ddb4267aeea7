import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { Card } from '../customer/card.js'
import type { Account } from '../customer/member.js'
import type { CardReplacement, LedgerTransaction, MergeAccountsInput, ReplaceCardInput } from '../ports/LoyaltyStore.js'
import { emptyBalanceRow } from './balance.js'
import { canonicalJson } from './canonical.js'
import {
  accountMerged,
  alreadyExists,
  cardReplaced,
  conflictingReplay,
  entryNotFound,
  invalidPosting,
  type LedgerError,
  unknownAccount,
  unknownCard,
} from './errors.js'
import type {
  AccountState,
  EpochMs,
  ExpireRequest,
  PostingContext,
  PostingRequest,
  PostingResult,
  TransferRequest,
} from './model.js'
import { planPosting, validatePosting } from './plan.js'

/**
 * Runs one posting inside a store transaction: validate → idempotency (same key and same canonical
 * request: the stored result; different: `CONFLICTING_REPLAY`) → resolve the card → load the
 * account(s) locked → {@link planPosting} → write. The store opens the transaction around this call
 * and commits on `Right`, rolls back on `Left` (nothing is written on a `Left` anyway).
 * @category ledger
 */
export const executePosting = async (
  tx: LedgerTransaction,
  request: PostingRequest,
): Promise<Either<LedgerError, PostingResult>> => {
  const valid = validatePosting(request)
  if (valid._tag === 'Left') return valid
  const canonical = canonicalJson(request)
  const existing = await tx.findPosting(request.key)
  if (existing !== undefined) {
    return existing.request === canonical ? right(existing.result) : left(conflictingReplay(request.key))
  }
  const planned = await planIn(tx, request)
  if (planned._tag === 'Left') return planned
  const { plan } = planned.right
  await tx.write(plan, { key: request.key, request: canonical, result: plan.result })
  return right(plan.result)
}

/** Loads what a request needs and plans it (no write). */
const planIn = async (tx: LedgerTransaction, request: PostingRequest) => {
  let card: Card | undefined
  let accountId: string
  if (request.kind === 'transfer') accountId = request.from.accountId
  else if ('card' in request.account) {
    card = await tx.findCard(request.account.card)
    if (card === undefined) return left(unknownCard(request.account.card))
    accountId = card.accountId
  } else accountId = request.account.accountId

  let account: AccountState | undefined
  let counterparty: AccountState | undefined
  if (request.kind === 'transfer') {
    // Lock both accounts in accountId order, so two opposite transfers cannot deadlock.
    const ids = [request.from.accountId, request.to.accountId].sort()
    const loaded = new Map<string, AccountState | undefined>()
    for (const id of ids) loaded.set(id, await tx.loadAccountState(id))
    account = loaded.get(request.from.accountId)
    counterparty = loaded.get(request.to.accountId)
    if (counterparty === undefined) return left(unknownAccount(request.to.accountId))
  } else account = await tx.loadAccountState(accountId)
  if (account === undefined) return left(unknownAccount(accountId))

  let reversal: PostingContext['reversal']
  if (request.kind === 'reverse') {
    const original = await tx.findEntry(request.ofKey)
    if (original === undefined) return left(entryNotFound(request.ofKey))
    // The reversed posting must be on this account, or on an account merged into it (card replacement).
    let holder = original.accountId
    for (let hop = 0; holder !== accountId && hop < 32; hop++) {
      const next = (await tx.findAccount(holder))?.mergedInto
      if (next === undefined) break
      holder = next
    }
    if (holder !== accountId) {
      return left(
        invalidPosting('ofKey', `posting ${request.ofKey} is on account ${original.accountId}, not on ${accountId}`),
      )
    }
    reversal = { original, alreadyReversed: await tx.reversedSoFar(request.ofKey) }
  }
  const policy = await tx.policy(account.account.programId)
  const context: PostingContext = {
    account,
    ...(counterparty === undefined ? {} : { counterparty }),
    ...(card === undefined ? {} : { card }),
    ...(reversal === undefined ? {} : { reversal }),
  }
  const plan = planPosting(context, request, policy)
  return plan._tag === 'Left' ? plan : right({ plan: plan.right })
}

/**
 * The request the expiry sweep posts for one account: an `expire` keyed `<sweepKey>/<accountId>`.
 * @category ledger
 */
export const sweepRequest = (sweepKey: string, accountId: string, asOf: EpochMs): ExpireRequest => ({
  kind: 'expire',
  key: `${sweepKey}/${accountId}`,
  at: asOf,
  account: { accountId },
})

/**
 * Replaces a lost card inside a store transaction: opens `newAccountId` (same program and holder),
 * moves everything with a `transfer` keyed `input.key` (the old account becomes `merged`, its other
 * cards follow), issues `replacement` on the new account (same member) and marks the lost card
 * `replaced`. A replay with the same key and input returns the first result; with a different input,
 * `CONFLICTING_REPLAY`.
 * @category ledger
 */
export const replaceCardIn = async (
  tx: LedgerTransaction,
  input: ReplaceCardInput,
): Promise<Either<LedgerError, CardReplacement>> => {
  const canonical = canonicalJson({ replaceCard: input })
  const existing = await tx.findPosting(input.key)
  if (existing !== undefined) {
    if (existing.request !== canonical) return left(conflictingReplay(input.key))
    const card = await tx.findCard(input.replacement)
    if (card === undefined) throw new RangeError(`ledger invariant: replacement card ${input.replacement} missing`)
    return right({ card, transfer: existing.result })
  }
  const lost = await tx.findCard(input.lost)
  if (lost === undefined) return left(unknownCard(input.lost))
  if (lost.status === 'replaced') return left(cardReplaced(lost.number, lost.replacedBy))
  if ((await tx.findCard(input.replacement)) !== undefined) return left(alreadyExists('card', input.replacement))
  if ((await tx.findAccount(input.newAccountId)) !== undefined)
    return left(alreadyExists('account', input.newAccountId))
  const source = await tx.loadAccountState(lost.accountId)
  if (source === undefined) return left(unknownAccount(lost.accountId))
  const old = source.account
  if (old.status === 'merged') return left(accountMerged(old.accountId, old.mergedInto))
  const fresh: Account = {
    accountId: input.newAccountId,
    programId: old.programId,
    ...(old.memberId === undefined ? {} : { memberId: old.memberId }),
    ...(old.householdId === undefined ? {} : { householdId: old.householdId }),
    status: 'open',
    openedAt: input.at,
  }
  const destination: AccountState = {
    account: fresh,
    row: emptyBalanceRow(fresh.accountId, input.at),
    lots: [],
    reservations: [],
  }
  const plan = planPosting(
    { account: source, counterparty: destination },
    {
      kind: 'transfer',
      key: input.key,
      at: input.at,
      from: { accountId: old.accountId },
      to: { accountId: fresh.accountId },
      reason: `card ${lost.number} replaced by ${input.replacement}`,
    },
    await tx.policy(old.programId),
  )
  if (plan._tag === 'Left') return plan
  await tx.saveAccount(fresh)
  await tx.write(plan.right, { key: input.key, request: canonical, result: plan.right.result })
  const card: Card = {
    number: input.replacement,
    accountId: fresh.accountId,
    ...(lost.memberId === undefined ? {} : { memberId: lost.memberId }),
    status: 'active',
    issuedAt: input.at,
  }
  await tx.saveCard(card)
  await tx.saveCard({ ...lost, accountId: fresh.accountId, status: 'replaced', replacedBy: input.replacement })
  return right({ card, transfer: plan.right.result })
}

/**
 * The posting that merges account `from` into `into`: a `transfer` keyed `input.key` that moves
 * every lot and any debt; the source becomes `merged`, and its cards and households follow.
 * @category ledger
 */
export const mergeRequest = (input: MergeAccountsInput): TransferRequest => ({
  kind: 'transfer',
  key: input.key,
  at: input.at,
  from: { accountId: input.from },
  to: { accountId: input.into },
  reason: `account ${input.from} merged into ${input.into}`,
})

/**
 * Merges account `from` into `into` inside a store transaction ({@link mergeRequest}).
 * @category ledger
 */
export const mergeAccountsIn = (
  tx: LedgerTransaction,
  input: MergeAccountsInput,
): Promise<Either<LedgerError, PostingResult>> => executePosting(tx, mergeRequest(input))

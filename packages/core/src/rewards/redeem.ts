import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { LedgerError } from '../ledger/errors.js'
import type { Balance, EpochMs, PostingResult } from '../ledger/model.js'
import type { LedgerStore } from '../ports/LoyaltyStore.js'
import type { Reward } from '../rules/campaign.codec.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** A reward of the catalogue: what it costs in points and what it grants (the shape of `Program.rewards[i]`). @category rewards */
export interface CatalogueReward {
  readonly id: string
  readonly cost: number
  readonly grants: Reward
}

/** What the rewards functions read from a Program: its catalogue. Any `Program` fits. @category rewards */
export interface RewardsProgram {
  readonly rewards?: readonly CatalogueReward[]
}

/** A request to buy a reward with points. @category rewards */
export interface RedeemRewardRequest {
  /** The member's scanned card. */
  readonly card: string
  readonly rewardId: string
  /** The idempotency key of the redemption (the ledger posting's key): a retry with it redeems once. */
  readonly key: string
  /** When (epoch ms), from the till or the request, never the store's clock. */
  readonly at: EpochMs
}

/**
 * What a redemption granted, for the checkout to hand over:
 * - `voucher`: the reward's `grants` as a personal voucher for the card; the checkout turns the
 *   grant into a code (its `grantId` is a stable, unique serial for that).
 * - `gift`: an item the till adds at zero (a `freeItem` reward).
 * The same request replayed gives the identical grant.
 * @category rewards
 */
export type RewardGrant = VoucherGrant | GiftGrant

/** Fields of every grant. @category rewards */
export interface GrantBase {
  /** The redemption's key: unique, stable across retries. */
  readonly grantId: string
  readonly rewardId: string
  readonly card: string
  readonly accountId: string
  /** Points debited. */
  readonly points: number
  readonly at: EpochMs
  /** The account's balance just after the redemption. */
  readonly balance: Balance
}

/** A personal voucher: the reward to apply on a later basket of this card. @category rewards */
export interface VoucherGrant extends GrantBase {
  readonly kind: 'voucher'
  readonly reward: Reward
  /** Only this card may use it. */
  readonly personalTo: string
}

/** A gift: an item handed over at zero. @category rewards */
export interface GiftGrant extends GrantBase {
  readonly kind: 'gift'
  readonly sku: string
  readonly quantity: number
}

/** Why a reward cannot be redeemed (the ledger's own refusals come as {@link LedgerError}). @category errors */
export type RewardError = UnknownReward | InvalidRewardRequest

/** The program has no reward with this id. @category errors */
export interface UnknownReward {
  readonly _tag: 'UnknownReward'
  readonly rewardId: string
  readonly known: readonly string[]
  readonly message: string
}

/** A field of the request is refused (`card`, `rewardId`). @category errors */
export interface InvalidRewardRequest {
  readonly _tag: 'InvalidRewardRequest'
  readonly path: string
  readonly reason: string
  readonly message: string
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const invalid = (path: string, reason: string): InvalidRewardRequest => ({
  _tag: 'InvalidRewardRequest',
  path,
  reason,
  message: `${path}: ${reason}`,
})

/** The reward of the program with this id, or `UnknownReward`. @category rewards */
export const findReward = (program: RewardsProgram, rewardId: string): Either<UnknownReward, CatalogueReward> => {
  const rewards = program.rewards ?? []
  const reward = rewards.find((r) => r.id === rewardId)
  if (reward !== undefined) return right(reward)
  const known = rewards.map((r) => r.id)
  return left({
    _tag: 'UnknownReward',
    rewardId,
    known,
    message: `no reward "${rewardId}" in the program (rewards: ${known.join(', ') || 'none'})`,
  })
}

/** The reason written on a redemption's ledger entry: it names the reward, so a key replayed for another reward conflicts. */
const redeemReason = (rewardId: string) => `reward:${rewardId}`

/**
 * The grant of a reward paid by a posting. Pure: the same posting gives the same grant.
 * @category rewards
 */
export const grantOf = (reward: CatalogueReward, card: string, posting: PostingResult, at: EpochMs): RewardGrant => {
  const base: GrantBase = {
    grantId: posting.key,
    rewardId: reward.id,
    card,
    accountId: posting.accountId,
    points: reward.cost,
    at,
    balance: posting.balance,
  }
  const grants = reward.grants
  if ('freeItem' in grants) {
    return { ...base, kind: 'gift', sku: grants.freeItem.sku, quantity: grants.freeItem.quantity ?? 1 }
  }
  return { ...base, kind: 'voucher', reward: grants, personalTo: card }
}

/**
 * Buys a catalogue reward with points: ONE keyed ledger `redeem` of the reward's cost on the card's
 * account (atomic in the store), then the grant. Idempotent by `key`: a retry returns the identical
 * grant and debits nothing more; the same key used for another reward is refused by the ledger as
 * `ConflictingReplay` (the entry's reason names the reward). Not enough points: the ledger's
 * `InsufficientPoints`, nothing debited, nothing granted. A blocked or replaced card: the ledger's
 * `CardBlocked` / `CardReplaced`.
 * @category rewards
 */
export const redeemReward = async (
  store: Pick<LedgerStore, 'post'>,
  program: RewardsProgram,
  request: RedeemRewardRequest,
): Promise<Either<RewardError | LedgerError, RewardGrant>> => {
  if (typeof request.card !== 'string' || request.card.trim() === '') {
    return left(invalid('card', 'must be a non-empty card number'))
  }
  if (typeof request.rewardId !== 'string' || request.rewardId === '') {
    return left(invalid('rewardId', 'must be a non-empty reward id'))
  }
  const reward = findReward(program, request.rewardId)
  if (reward._tag === 'Left') return reward
  const posted = await store.post({
    kind: 'redeem',
    key: request.key,
    at: request.at,
    account: { card: request.card },
    points: reward.right.cost,
    reason: redeemReason(reward.right.id),
  })
  if (posted._tag === 'Left') return posted
  return right(grantOf(reward.right, request.card, posted.right, request.at))
}

/** A catalogue line as a member sees it: can they afford it, and how many points are missing. @category rewards */
export interface CatalogueLine {
  readonly reward: CatalogueReward
  readonly affordable: boolean
  readonly missingPoints: number
}

/**
 * The catalogue for a member with `available` points: every reward, cheapest first (then by id),
 * with whether it is affordable and how many points are missing.
 * @category rewards
 */
export const catalogueFor = (program: RewardsProgram, available: number): readonly CatalogueLine[] =>
  [...(program.rewards ?? [])]
    .sort((a, b) => a.cost - b.cost || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((reward) => ({
      reward,
      affordable: available >= reward.cost,
      missingPoints: Math.max(0, reward.cost - available),
    }))

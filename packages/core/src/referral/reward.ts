import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { Card } from '../customer/card.js'
import { addMonthsUtc } from '../customer/member.js'
import {
  cardBlocked,
  cardReplaced,
  type LedgerError,
  unknownAccount,
  unknownCard,
  unknownHousehold,
} from '../ledger/errors.js'
import { executePosting } from '../ledger/execute.js'
import type { EarnRequest, PostingResult } from '../ledger/model.js'
import type { LoyaltyStore, LoyaltyTransaction, StoredPosting } from '../ports/LoyaltyStore.js'
import { DAY_MS, MINUTE_MS } from '../time/duration.js'
import { type IsoDateTime, isIsoDateTime, offsetMinutesOf } from '../time/time.codec.js'
import { type InvalidReferralCode, parseReferralCode, type ReferralSecret, referralCode } from './code.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * A program's referral scheme (the shape of `Program.referral`): points for each side once the
 * referee's first purchase reaches `qualifyingSpend`, and an optional cap on rewarded referrals per
 * referrer per calendar month.
 * @category referral
 */
export interface ReferralRules {
  readonly referrerPoints: number
  readonly refereePoints: number
  readonly qualifyingSpend: number
  readonly monthlyCap?: number
}

/** What the referral functions read from a Program. Any `Program` fits. @category referral */
export interface ReferralProgram {
  readonly referral?: ReferralRules
  /** Referral points are pending this many days, like earned points (the purchase may be returned). */
  readonly pendingDays?: number
  /** Referral points expire like earned points. */
  readonly expiry?: { readonly afterMonths: number }
}

/** One side of a referral: a member and the card they use. @category referral */
export interface ReferralParty {
  readonly memberId: string
  readonly card: string
}

/**
 * A referee's purchase that may qualify the referral. `at` carries its offset: the monthly cap counts
 * calendar months in that offset.
 * @category referral
 */
export interface QualifyingPurchase {
  /** Minor units paid (after discounts). */
  readonly spend: number
  readonly at: IsoDateTime | string
}

/** A request to reward a referral on a referee's purchase. @category referral */
export interface RewardReferralRequest {
  readonly referrer: ReferralParty
  readonly referee: ReferralParty
  /** The referral code the referee gave when joining: it must be the referrer's. */
  readonly code: string
  readonly purchase: QualifyingPurchase
}

/** Settings of {@link rewardReferral}. @category referral */
export interface ReferralOptions {
  readonly secret: ReferralSecret
  /** Overrides the program's `monthlyCap`. */
  readonly monthlyCap?: number
}

/**
 * What a referral earned: the referee's posting, and the referrer's unless their monthly cap was
 * reached (then `referrerCapped` says why; the referee is still rewarded). A side the program gives
 * 0 points gets no posting.
 * @category referral
 */
export interface ReferralReward {
  readonly referee: PostingResult | undefined
  readonly referrer: PostingResult | undefined
  readonly referrerCapped: ReferralCapReached | undefined
}

/** A referral refusal (the ledger's own refusals come as {@link LedgerError}). @category errors */
export type ReferralError =
  | NoReferralScheme
  | InvalidReferralRequest
  | InvalidReferralCode
  | ReferralCodeMismatch
  | SelfReferral
  | CardNotOfMember
  | NotQualifyingPurchase
  | RefereeAlreadyRewarded

/** The program has no `referral` block. @category errors */
export interface NoReferralScheme {
  readonly _tag: 'NoReferralScheme'
  readonly message: string
}
/** A field of the request is refused (`purchase.spend`). @category errors */
export interface InvalidReferralRequest {
  readonly _tag: 'InvalidReferralRequest'
  readonly path: string
  readonly reason: string
  readonly message: string
}
/** The code is well-formed but is not the referrer's. @category errors */
export interface ReferralCodeMismatch {
  readonly _tag: 'ReferralCodeMismatch'
  readonly code: string
  readonly referrerMemberId: string
  readonly message: string
}
/** Referrer and referee are the same person, card, account or household. @category errors */
export interface SelfReferral {
  readonly _tag: 'SelfReferral'
  readonly reason: 'SAME_MEMBER' | 'SAME_CARD' | 'SAME_ACCOUNT' | 'SAME_HOUSEHOLD'
  readonly message: string
}
/** A party's card is anonymous or belongs to another member. @category errors */
export interface CardNotOfMember {
  readonly _tag: 'CardNotOfMember'
  readonly card: string
  readonly memberId: string
  readonly message: string
}
/** The purchase is below the program's qualifying spend. @category errors */
export interface NotQualifyingPurchase {
  readonly _tag: 'NotQualifyingPurchase'
  readonly required: number
  readonly actual: number
  readonly message: string
}
/** The referee's referral was already rewarded, on an earlier purchase. @category errors */
export interface RefereeAlreadyRewarded {
  readonly _tag: 'RefereeAlreadyRewarded'
  readonly refereeMemberId: string
  /** When the earlier reward was posted (epoch ms). */
  readonly rewardedAt: number
  readonly message: string
}
/** The referrer already had `cap` referrals rewarded in this calendar month (`YYYY-MM`). @category errors */
export interface ReferralCapReached {
  readonly _tag: 'ReferralCapReached'
  readonly referrerMemberId: string
  readonly cap: number
  readonly month: string
  readonly message: string
}

// ── keys ─────────────────────────────────────────────────────────────────────────────────────────

/** The ledger key of the referrer's reward for a referee: one per referee, ever. @category referral */
export const referrerKey = (refereeMemberId: string): string => `referral:${refereeMemberId}:referrer`

/** The ledger key of the referee's own reward. @category referral */
export const refereeKey = (refereeMemberId: string): string => `referral:${refereeMemberId}:referee`

const REFERRER_KEY = /^referral:.+:referrer$/

/** Whether a ledger key is a referrer's reward ({@link referrerKey}): a successful referral. @category referral */
export const isReferrerKey = (key: string): boolean => REFERRER_KEY.test(key)

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

const invalid = (path: string, reason: string): InvalidReferralRequest => ({
  _tag: 'InvalidReferralRequest',
  path,
  reason,
  message: `${path}: ${reason}`,
})

const selfReferral = (reason: SelfReferral['reason'], what: string): SelfReferral => ({
  _tag: 'SelfReferral',
  reason,
  message: `a member cannot refer ${what}`,
})

/** [start, end) of the calendar month of an instant, in its offset, and its `YYYY-MM` name. */
const monthOf = (at: string): { readonly start: number; readonly end: number; readonly name: string } => {
  const offset = offsetMinutesOf(at) * MINUTE_MS
  const local = new Date(Date.parse(at) + offset)
  const y = local.getUTCFullYear()
  const m = local.getUTCMonth()
  return {
    start: Date.UTC(y, m, 1) - offset,
    end: Date.UTC(y, m + 1, 1) - offset,
    name: `${y}-${String(m + 1).padStart(2, '0')}`,
  }
}

const checkRequest = (request: RewardReferralRequest): InvalidReferralRequest | undefined => {
  for (const side of ['referrer', 'referee'] as const) {
    const party = request[side]
    if (typeof party?.memberId !== 'string' || party.memberId === '') {
      return invalid(`${side}.memberId`, 'must be a non-empty member id')
    }
    if (typeof party.card !== 'string' || party.card === '') return invalid(`${side}.card`, 'must be a card number')
  }
  const { spend, at } = request.purchase
  if (!Number.isSafeInteger(spend) || spend < 0) {
    return invalid('purchase.spend', `must be an integer ≥ 0 (minor units), got ${spend}`)
  }
  if (typeof at !== 'string' || !isIsoDateTime(at)) {
    return invalid('purchase.at', `must be an ISO-8601 date-time with an offset, got ${JSON.stringify(at)}`)
  }
  return undefined
}

const usable = (card: Card): LedgerError | undefined =>
  card.status === 'blocked'
    ? cardBlocked(card.number)
    : card.status === 'replaced'
      ? cardReplaced(card.number, card.replacedBy)
      : undefined

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Rewards a referral on a referee's purchase, as the program says: `refereePoints` to the referee,
 * `referrerPoints` to the referrer, as two keyed ledger `earn`s (`referral:<refereeMemberId>:referee`
 * and `…:referrer`), pending and expiring like earned points.
 *
 * Guards, in order, each a named `Left` with nothing posted:
 * 1. the program has a referral scheme; the fields are valid;
 * 2. the code is well-formed and is the referrer's ({@link referralCode} with the secret);
 * 3. no self-referral: same member, same card, same account, same household;
 * 4. each card is active and belongs to its member;
 * 5. the purchase reaches `qualifyingSpend`;
 * 6. one reward per referee: a referee rewarded on an earlier purchase is refused
 *    (`RefereeAlreadyRewarded`); the same request retried replays the same postings and rewards once;
 * 7. the referrer's monthly cap (their referral rewards in the purchase's calendar month): once
 *    reached, the referee is still rewarded, the referrer is not (`referrerCapped`).
 *
 * Everything runs in ONE store transaction ({@link LoyaltyStore.transact}): both postings land
 * together or not at all, and the cap is BOOKED there, on a counter row per referrer and month
 * (`referral-cap:<memberId>:<YYYY-MM>`) raised by a conditional update, so concurrent referrals of
 * one referrer on different tills never pay past the cap.
 * @category referral
 */
export const rewardReferral = (
  store: Pick<LoyaltyStore, 'transact'>,
  program: ReferralProgram,
  request: RewardReferralRequest,
  options: ReferralOptions,
): Promise<Either<ReferralError | LedgerError, ReferralReward>> =>
  store.transact((tx) => rewardReferralIn(tx, program, request, options))

/** The counter row that books a referrer's monthly cap. @category referral */
export const referralCapCounter = (referrerMemberId: string, month: string): string =>
  `referral-cap:${referrerMemberId}:${month}`

/** The `at` of a stored posting's request (canonical JSON of a {@link PostingRequest}). */
const atOf = (posting: StoredPosting): number => (JSON.parse(posting.request) as { at: number }).at

/**
 * {@link rewardReferral} inside a transaction the caller holds: every read, the cap booking and both
 * postings go through `tx`.
 * @category referral
 */
export const rewardReferralIn = async (
  tx: LoyaltyTransaction,
  program: ReferralProgram,
  request: RewardReferralRequest,
  options: ReferralOptions,
): Promise<Either<ReferralError | LedgerError, ReferralReward>> => {
  const rules = program.referral
  if (rules === undefined) {
    return left({ _tag: 'NoReferralScheme', message: 'the program has no referral scheme ("referral" block)' })
  }
  const bad = checkRequest(request)
  if (bad) return left(bad)
  const { referrer, referee, purchase } = request

  const code = parseReferralCode(request.code)
  if (code._tag === 'Left') return code
  if (code.right !== referralCode(referrer.memberId, options.secret)) {
    return left({
      _tag: 'ReferralCodeMismatch',
      code: code.right,
      referrerMemberId: referrer.memberId,
      message: `referral code ${code.right} is not the code of member ${referrer.memberId}`,
    })
  }

  if (referrer.memberId === referee.memberId) return left(selfReferral('SAME_MEMBER', 'themselves'))
  if (referrer.card === referee.card) return left(selfReferral('SAME_CARD', 'their own card'))
  const cards: Card[] = []
  for (const party of [referrer, referee]) {
    const card = await tx.findCard(party.card)
    if (card === undefined) return left(unknownCard(party.card))
    if (card.memberId !== party.memberId) {
      return left({
        _tag: 'CardNotOfMember',
        card: party.card,
        memberId: party.memberId,
        message:
          card.memberId === undefined
            ? `card ${party.card} is anonymous: the member must claim it before a referral`
            : `card ${party.card} does not belong to member ${party.memberId}`,
      })
    }
    const unusable = usable(card)
    if (unusable) return left(unusable)
    cards.push(card)
  }
  const [referrerCard, refereeCard] = cards as [Card, Card]
  if (referrerCard.accountId === refereeCard.accountId) {
    return left(selfReferral('SAME_ACCOUNT', 'a card of their own account'))
  }
  for (const [card, other] of [
    [referrerCard, referee.memberId],
    [refereeCard, referrer.memberId],
  ] as const) {
    const account = await tx.findAccount(card.accountId)
    if (account === undefined) return left(unknownAccount(card.accountId))
    // The account's household, and every household saved on the account (a household may be
    // saved without the account naming it).
    const households = [...(await tx.householdsOf(card.accountId))]
    if (account.householdId !== undefined) {
      const named = await tx.findHousehold(account.householdId)
      if (named === undefined) return left(unknownHousehold(account.householdId))
      households.push(named)
    }
    if (households.some((h) => h.memberIds.includes(other))) {
      return left(selfReferral('SAME_HOUSEHOLD', 'their own household'))
    }
  }

  if (purchase.spend < rules.qualifyingSpend) {
    return left({
      _tag: 'NotQualifyingPurchase',
      required: rules.qualifyingSpend,
      actual: purchase.spend,
      message: `a referral needs a purchase of at least ${rules.qualifyingSpend} minor units, this one is ${purchase.spend}`,
    })
  }

  const at = Date.parse(purchase.at)
  const refereePrior = await tx.findPosting(refereeKey(referee.memberId))
  const referrerPrior = await tx.findPosting(referrerKey(referee.memberId))
  const before = [refereePrior, referrerPrior].find((p) => p !== undefined && atOf(p) !== at)
  if (before !== undefined) {
    return left({
      _tag: 'RefereeAlreadyRewarded',
      refereeMemberId: referee.memberId,
      rewardedAt: atOf(before),
      message: `the referral of member ${referee.memberId} was already rewarded`,
    })
  }

  const earn = (key: string, card: string, points: number): EarnRequest => ({
    kind: 'earn',
    key,
    at,
    account: { card },
    points,
    reason: `referral of ${referee.memberId} by ${referrer.memberId}`,
    ...(program.pendingDays ? { availableFrom: at + program.pendingDays * DAY_MS } : {}),
    ...(program.expiry ? { expiresAt: addMonthsUtc(at, program.expiry.afterMonths) } : {}),
  })
  // Locks in the global order of the loyalty store: the counter row first, then the accounts by id.
  // The cap is booked, not only checked: a counter row per referrer and month, raised only while
  // below the cap (a replay of a paid referral finds its posting and books nothing again).
  const cap = options.monthlyCap ?? rules.monthlyCap
  let referrerCapped: ReferralCapReached | undefined
  if (rules.referrerPoints > 0 && cap !== undefined && referrerPrior === undefined) {
    const month = monthOf(purchase.at)
    const booked = cap > 0 && (await tx.bumpCounter(referralCapCounter(referrer.memberId, month.name), cap))
    if (!booked) {
      referrerCapped = {
        _tag: 'ReferralCapReached',
        referrerMemberId: referrer.memberId,
        cap,
        month: month.name,
        message: `member ${referrer.memberId} already had ${cap} referrals rewarded in ${month.name} (the cap)`,
      }
    }
  }
  const postings: { side: 'referee' | 'referrer'; accountId: string; request: EarnRequest }[] = []
  if (rules.refereePoints > 0) {
    postings.push({
      side: 'referee',
      accountId: refereeCard.accountId,
      request: earn(refereeKey(referee.memberId), referee.card, rules.refereePoints),
    })
  }
  if (referrerCapped === undefined && rules.referrerPoints > 0) {
    postings.push({
      side: 'referrer',
      accountId: referrerCard.accountId,
      request: earn(referrerKey(referee.memberId), referrer.card, rules.referrerPoints),
    })
  }
  postings.sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
  const posted: { referee?: PostingResult; referrer?: PostingResult } = {}
  for (const p of postings) {
    const result = await executePosting(tx, p.request)
    if (result._tag === 'Left') return result
    posted[p.side] = result.right
  }
  const refereePosting = posted.referee
  const referrerPosting = posted.referrer
  return right({ referee: refereePosting, referrer: referrerPosting, referrerCapped })
}

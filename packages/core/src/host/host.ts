import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { Basket } from '../basket/basket.codec.js'
import type { OpenCheckout } from '../checkout/checkout.codec.js'
import type { CheckoutError } from '../checkout/errors.js'
import { type Identity, identityOf } from '../checkout/identity.js'
import type {
  CardWarning,
  CheckoutStore,
  CloseRequest,
  Pricer,
  Receipt,
  ReturnReceipt,
  ReturnRequest,
} from '../checkout/model.js'
import type { CouponPolicy } from '../checkout/plan.js'
import { enginePricer } from '../checkout/pricer.js'
import {
  type Checkout,
  type CheckoutSession,
  type CodeJudgement,
  createCheckout,
  judgeStored,
  normaliseCode,
  type Priced,
} from '../checkout/session.js'
import { decodeWith } from '../codec/decode.js'
import { NonEmptyString } from '../codec/primitive.js'
import type { Keyring } from '../coupons/signature.js'
import {
  type Card,
  type CardNumberError,
  type CardNumberRange,
  cardNumberFromSerial,
  DEFAULT_CARD_RANGE,
} from '../customer/card.js'
import type { Customer } from '../customer/customer.codec.js'
import type { Account } from '../customer/member.js'
import type { ProfileOptions } from '../customer/profile.js'
import type { LedgerError } from '../ledger/errors.js'
import type { Balance, EpochMs } from '../ledger/model.js'
import type { CurrencyCode } from '../money/currency.js'
import type { Points } from '../money/Money.js'
import type { Clock } from '../ports/Clock.js'
import type { Ids } from '../ports/Ids.js'
import type { CardReplacement, LoyaltyStore } from '../ports/LoyaltyStore.js'
import { type RewardError, type RewardGrant, redeemReward } from '../rewards/redeem.js'
import type { Campaign, Program } from '../rules/campaign.codec.js'
import type { CompileOptions } from '../rules/compile.js'
import { type TierProgress, tierProgress } from '../tiers/progress.js'
import { IsoDateTimeCodec } from '../time/time.codec.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What a host needs: the two stores of one backend (they share one connection or pool), the
 * program and campaigns, the coupon signing keys, the clock (code holds only), the store's time
 * zone, and the ids of new accounts. Everything else has a default: the engine as pricer, the
 * card number range of new cards, the coupon policy and the lifecycle rules.
 * @category host
 */
export interface HostConfig {
  readonly stores: { readonly loyalty: LoyaltyStore; readonly checkout: CheckoutStore }
  readonly program?: Program
  readonly campaigns: readonly Campaign[]
  readonly keyring: Keyring
  readonly keyId: string
  readonly clock: Clock
  readonly storeTimeZone: string
  readonly ids: Ids
  readonly pricer?: Pricer
  readonly compile?: CompileOptions
  readonly cardRange?: CardNumberRange
  readonly couponPolicy?: CouponPolicy
  readonly codeHoldMs?: number
  readonly profile?: ProfileOptions
  /** The currency of tier progress sentences (default EUR). */
  readonly currency?: CurrencyCode
}

/**
 * A card as a till, an app or a back office shows it: the customer as the store knows them (the
 * card-status policy applied: absent for an unknown, blocked or replaced card, with the warning),
 * the points balance (available, pending, reserved), the progress to the next tier.
 * @category host
 */
export interface CardView {
  readonly card: string
  readonly status: Card['status'] | 'unknown'
  readonly customer?: Customer
  readonly balance?: Balance
  readonly tier?: TierProgress
  readonly warnings: readonly CardWarning[]
}

/** A request to price a basket: the basket, the caller's customer document, extra codes. @category host */
export interface HostPriceRequest {
  readonly basket: Basket
  readonly customer?: Customer
  /** Added to the basket's own `codes` (a shop's coupon field). */
  readonly codes?: readonly string[]
  /** Hold the accepted codes for the basket's transaction id until it closes or is voided. */
  readonly hold?: boolean
}

/** A new member's card: the account and the card, numbered from the range when none is given. @category host */
export interface EnrolRequest {
  /** Idempotency key: the account id is derived from it, so a retry enrols once. */
  readonly key: string
  readonly at: EpochMs
  /** A pre-printed card number; absent, the next number of the range. */
  readonly card?: string
  readonly memberId?: string
  readonly householdId?: string
}

/** What an enrolment opened. @category host */
export interface Enrolment {
  readonly account: Account
  readonly card: Card
}

/** A lost card replaced by a new one, its points moved. @category host */
export interface ReplaceCardRequest {
  readonly lost: string
  /** Absent: the next number of the range. */
  readonly replacement?: string
  readonly key: string
  readonly at: EpochMs
}

/** A reward bought with points. @category host */
export interface HostRedeemRequest {
  readonly card: string
  readonly rewardId: string
  readonly key: string
  readonly at: EpochMs
}

/** A code to judge without a sale: as a shop's coupon field or a till's "check code" key does. @category host */
export interface ValidateCodeRequest {
  readonly code: string
  /** The card presented with it (a personal code is `NOT_YOURS` for another card, or none). */
  readonly card?: string
  /** When it would be used (ISO with offset; default now). */
  readonly at?: string
}

/** Why a loyalty operation of the host was refused. @category host */
export type HostError = CheckoutError | LedgerError | RewardError | CardNumberError

/**
 * The loyalty host: the one facade that tills, servers and adapters call. Stateless: every sale
 * lives in the checkout store (`open`/`resume` hand a session over by transaction id), so a server
 * holds nothing in memory between requests.
 * @category host
 */
export interface LoyaltyHost {
  /** The card as the loyalty store knows it at `at` (ISO; default now). */
  readonly identify: (card: string, at?: string) => Promise<Either<HostError, CardView>>
  readonly price: (request: HostPriceRequest) => Promise<Either<CheckoutError, Priced>>
  readonly close: (request: CloseRequest) => Promise<Either<CheckoutError, Receipt>>
  readonly void: (transactionId: string) => Promise<Either<CheckoutError, void>>
  readonly return: (request: ReturnRequest) => Promise<Either<CheckoutError, ReturnReceipt>>
  readonly open: (input: OpenCheckout) => Promise<Either<CheckoutError, CheckoutSession>>
  readonly resume: (transactionId: string) => Promise<Either<CheckoutError, CheckoutSession>>
  readonly redeemReward: (request: HostRedeemRequest) => Promise<Either<HostError, RewardGrant>>
  readonly enrol: (request: EnrolRequest) => Promise<Either<HostError, Enrolment>>
  readonly replaceCard: (request: ReplaceCardRequest) => Promise<Either<HostError, CardReplacement>>
  /**
   * Judges a code as a sale would (unknown, a typo of a pool's pattern, not yet valid, expired or
   * withdrawn, another card's, already redeemed, held by another till), holding nothing.
   */
  readonly validateCode: (request: ValidateCodeRequest) => Promise<Either<CheckoutError, CodeJudgement>>
  /** The checkout service underneath, for what the facade does not cover. */
  readonly checkout: Checkout
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

const decodeCardNumber = decodeWith(t.type({ card: NonEmptyString }), 'card')
const decodeIdentify = decodeWith(
  t.intersection([t.type({ card: NonEmptyString }), t.partial({ at: IsoDateTimeCodec })]),
  'card',
)
const decodeKeyed = decodeWith(t.type({ key: NonEmptyString, at: t.number }), 'request')
const decodeCodeRequest = decodeWith(
  t.intersection([t.type({ code: NonEmptyString }), t.partial({ card: NonEmptyString, at: IsoDateTimeCodec })]),
  'request',
)

/** The account id of an enrolment or replacement key: a retry with the key finds the same account. */
const accountIdOf = (prefix: string, key: string) => `${prefix}:${key}`

/** The request's extra codes after the basket's own; a malformed `codes` is left for the basket codec to name. */
const withCodes = (basket: Basket, codes: readonly string[] | undefined): Basket => {
  if (codes === undefined || codes.length === 0 || typeof basket !== 'object' || basket === null) return basket
  const own: unknown = (basket as { codes?: unknown }).codes
  return own === undefined || Array.isArray(own) ? { ...basket, codes: [...(own ?? []), ...codes] } : basket
}

// ── the host ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Creates the loyalty host over one backend's stores. The pricer defaults to the engine over the
 * campaigns (compiled once, with the store's time zone).
 * @category host
 */
export const createLoyaltyHost = (config: HostConfig): LoyaltyHost => {
  const { loyalty } = config.stores
  const program: Program = config.program ?? { id: 'default' }
  const range = config.cardRange ?? DEFAULT_CARD_RANGE
  const pricer =
    config.pricer ??
    enginePricer(config.campaigns, { storeTimeZone: config.storeTimeZone, ...config.compile }, config.program)
  const checkout = createCheckout({
    store: config.stores.checkout,
    price: pricer,
    campaigns: config.campaigns,
    ...(config.program !== undefined ? { program: config.program } : {}),
    keyring: config.keyring,
    keyId: config.keyId,
    clock: config.clock,
    storeTimeZone: config.storeTimeZone,
    ...(config.couponPolicy !== undefined ? { couponPolicy: config.couponPolicy } : {}),
    ...(config.codeHoldMs !== undefined ? { codeHoldMs: config.codeHoldMs } : {}),
    ...(config.profile !== undefined ? { profile: config.profile } : {}),
  })

  const nextCardNumber = async (): Promise<Either<HostError, string>> => {
    const serial = await loyalty.nextSerial(`card:${range.prefix}`)
    if (isLeft(serial)) return serial
    return cardNumberFromSerial(range, serial.right)
  }

  const identify = async (card: string, at?: string): Promise<Either<HostError, CardView>> => {
    const named = decodeIdentify({ card, ...(at !== undefined ? { at } : {}) })
    if (isLeft(named)) return named
    const when = at ?? new Date(config.clock.now()).toISOString()
    // One read of what the stores know of the card: its status, holder and purchases.
    const standing = await config.stores.checkout.standing(card)
    const identity: Identity = identityOf(card, standing, program, when, config.profile)
    const held = standing.card
    const status = held === undefined ? 'unknown' : held.status
    if (identity.customer === undefined || held === undefined)
      return right({ card, status, warnings: identity.warnings })
    const balance = await loyalty.balance(held.accountId, Date.parse(when))
    if (isLeft(balance)) return balance
    const activity = standing.purchases
      .filter((p) => Date.parse(p.at) <= Date.parse(when))
      .map((p) => ({ at: p.at, spend: p.amount, points: p.points }))
    const progress =
      (program.tiers ?? []).length === 0
        ? undefined
        : tierProgress(activity, undefined, program, when, { currency: config.currency ?? ('EUR' as CurrencyCode) })
    return right({
      card,
      status,
      customer: { ...identity.customer, pointsBalance: balance.right.available as Points },
      balance: balance.right,
      ...(progress?._tag === 'Right' ? { tier: progress.right } : {}),
      warnings: identity.warnings,
    })
  }

  const enrol = async (request: EnrolRequest): Promise<Either<HostError, Enrolment>> => {
    const keyed = decodeKeyed(request)
    if (isLeft(keyed)) return keyed
    const accountId = accountIdOf('enrol', request.key)
    const existing = await loyalty.account(accountId)
    if (!isLeft(existing)) {
      const cards = await loyalty.cardsOf(accountId)
      if (isLeft(cards)) return cards
      const first = cards.right[0]
      if (first !== undefined) return right({ account: existing.right, card: first })
    }
    const account = isLeft(existing)
      ? await loyalty.openAccount({
          accountId,
          programId: program.id,
          ...(request.memberId !== undefined ? { memberId: request.memberId } : {}),
          ...(request.householdId !== undefined ? { householdId: request.householdId } : {}),
          at: request.at,
        })
      : existing
    if (isLeft(account)) return account
    const number = request.card !== undefined ? right(request.card) : await nextCardNumber()
    if (isLeft(number)) return number
    const card = await loyalty.issueCard({
      number: number.right,
      accountId,
      ...(request.memberId !== undefined ? { memberId: request.memberId } : {}),
      at: request.at,
    })
    if (isLeft(card)) return card
    return right({ account: account.right, card: card.right })
  }

  const replaceCard = async (request: ReplaceCardRequest): Promise<Either<HostError, CardReplacement>> => {
    const keyed = decodeKeyed(request)
    if (isLeft(keyed)) return keyed
    const lost = decodeCardNumber({ card: request.lost })
    if (isLeft(lost)) return lost
    const old = await loyalty.card(request.lost)
    if (isLeft(old)) return old
    // A retry of a replacement already made answers what it made, without numbering another card.
    if (old.right.status === 'replaced' && old.right.replacedBy !== undefined && request.replacement === undefined) {
      return loyalty.replaceCard({
        lost: request.lost,
        replacement: old.right.replacedBy,
        newAccountId: accountIdOf('replace', request.key),
        key: request.key,
        at: request.at,
      })
    }
    const replacement = request.replacement !== undefined ? right(request.replacement) : await nextCardNumber()
    if (isLeft(replacement)) return replacement
    return loyalty.replaceCard({
      lost: request.lost,
      replacement: replacement.right,
      newAccountId: accountIdOf('replace', request.key),
      key: request.key,
      at: request.at,
    })
  }

  const validateCode = async (request: ValidateCodeRequest): Promise<Either<CheckoutError, CodeJudgement>> => {
    const decoded = decodeCodeRequest(request)
    if (isLeft(decoded)) return decoded
    const code = normaliseCode(request.code)
    const at = request.at ?? new Date(config.clock.now()).toISOString()
    const judged = judgeStored(
      await config.stores.checkout.code(code),
      code,
      request.card,
      '',
      config.clock.now(),
      await config.stores.checkout.pools(),
      Date.parse(at),
    )
    if (isLeft(judged)) {
      const e = judged.left
      return e._tag === 'CodeRejected'
        ? right({ code, accepted: false, reason: e.reason, message: e.message })
        : left(e)
    }
    return right({ code, accepted: true, pool: judged.right.pool })
  }

  return {
    identify,
    validateCode,
    price: (request) =>
      checkout.price({
        basket: withCodes(request.basket, request.codes),
        ...(request.customer !== undefined ? { customer: request.customer } : {}),
        ...(request.hold !== undefined ? { hold: request.hold } : {}),
      }),
    close: checkout.close,
    void: checkout.void,
    return: checkout.return,
    open: checkout.open,
    resume: checkout.resume,
    redeemReward: (request) => redeemReward(loyalty, program, request),
    enrol,
    replaceCard,
    checkout,
  }
}

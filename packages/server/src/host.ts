import {
  type Account,
  type Balance,
  type Basket,
  type Campaign,
  type Card,
  type CardNumberError,
  type CardReplacement,
  type CardWarning,
  type CheckoutError,
  type CheckoutStore,
  type Clock,
  type CloseRequest,
  type CurrencyCode,
  type Customer,
  cardNumberFromSerial,
  createCheckout,
  DEFAULT_CARD_RANGE,
  enginePricer,
  type Keyring,
  type LedgerError,
  type LoyaltyStore,
  type Points,
  type Priced,
  type Program,
  type Receipt,
  type ReturnReceipt,
  type ReturnRequest,
  type RewardError,
  type RewardGrant,
  redeemReward,
  type TierProgress,
  tierProgress,
} from '@tessera/core'
import { type Either, isLeft, right } from 'fp-ts/lib/Either.js'

/*
 * The calls the server makes, in the shape of the core's host facade (`createLoyaltyHost`, being
 * added to @tessera/core): when it lands, `createHost` becomes `createLoyaltyHost` and this file goes.
 */

/** A card as a till shows it. @category server */
export interface CardView {
  readonly card: string
  readonly status: Card['status'] | 'unknown'
  readonly customer?: Customer
  readonly balance?: Balance
  readonly tier?: TierProgress
  readonly warnings: readonly CardWarning[]
}

/** Why a loyalty operation was refused. @category server */
export type HostError = CheckoutError | LedgerError | RewardError | CardNumberError

/** The host calls of the routes. @category server */
export interface Host {
  readonly identify: (card: string, at?: string) => Promise<Either<HostError, CardView>>
  readonly price: (request: {
    readonly basket: Basket
    readonly customer?: Customer
    readonly codes?: readonly string[]
  }) => Promise<Either<CheckoutError, Priced>>
  readonly close: (request: CloseRequest) => Promise<Either<CheckoutError, Receipt>>
  readonly void: (transactionId: string) => Promise<Either<CheckoutError, void>>
  readonly return: (request: ReturnRequest) => Promise<Either<CheckoutError, ReturnReceipt>>
  readonly redeemReward: (request: {
    readonly card: string
    readonly rewardId: string
    readonly key: string
    readonly at: number
  }) => Promise<Either<HostError, RewardGrant>>
  readonly enrol: (request: {
    readonly key: string
    readonly at: number
    readonly card?: string
    readonly memberId?: string
  }) => Promise<Either<HostError, { readonly account: Account; readonly card: Card }>>
  readonly replaceCard: (request: {
    readonly lost: string
    readonly replacement?: string
    readonly key: string
    readonly at: number
  }) => Promise<Either<HostError, CardReplacement>>
}

/** What {@link createHost} needs. @category server */
export interface HostConfig {
  readonly stores: { readonly loyalty: LoyaltyStore; readonly checkout: CheckoutStore }
  readonly program?: Program
  readonly campaigns: readonly Campaign[]
  readonly keyring: Keyring
  readonly keyId: string
  readonly clock: Clock
  readonly storeTimeZone: string
}

/** The host over one backend's stores (interim, see the note above). @category server */
export const createHost = (config: HostConfig): Host => {
  const { loyalty, checkout: store } = config.stores
  const program: Program = config.program ?? { id: 'default' }
  const checkout = createCheckout({
    store,
    price: enginePricer(config.campaigns, { storeTimeZone: config.storeTimeZone }, config.program),
    campaigns: config.campaigns,
    ...(config.program !== undefined ? { program: config.program } : {}),
    keyring: config.keyring,
    keyId: config.keyId,
    clock: config.clock,
    storeTimeZone: config.storeTimeZone,
  })
  const nextCardNumber = async (): Promise<Either<HostError, string>> => {
    const serial = await loyalty.nextSerial(`card:${DEFAULT_CARD_RANGE.prefix}`)
    return isLeft(serial) ? serial : cardNumberFromSerial(DEFAULT_CARD_RANGE, serial.right)
  }
  const accountIdOf = (prefix: string, key: string) => `${prefix}:${key}`

  return {
    identify: async (card, at) => {
      const when = at ?? new Date(config.clock.now()).toISOString()
      const identity = await checkout.identify(card, when)
      const held = await loyalty.card(card)
      const status = isLeft(held) ? 'unknown' : held.right.status
      if (identity.customer === undefined || isLeft(held)) return right({ card, status, warnings: identity.warnings })
      const balance = await loyalty.balance(held.right.accountId, Date.parse(when))
      if (isLeft(balance)) return balance
      const standing = await store.standing(card)
      const activity = standing.purchases
        .filter((p) => Date.parse(p.at) <= Date.parse(when))
        .map((p) => ({ at: p.at, spend: p.amount, points: p.points }))
      const progress =
        (program.tiers ?? []).length === 0
          ? undefined
          : tierProgress(activity, undefined, program, when, { currency: 'EUR' as CurrencyCode })
      return right({
        card,
        status,
        customer: { ...identity.customer, pointsBalance: balance.right.available as Points },
        balance: balance.right,
        ...(progress?._tag === 'Right' ? { tier: progress.right } : {}),
        warnings: identity.warnings,
      })
    },
    price: ({ basket, customer, codes }) =>
      checkout.price({
        basket:
          codes !== undefined && codes.length > 0 ? { ...basket, codes: [...(basket.codes ?? []), ...codes] } : basket,
        ...(customer !== undefined ? { customer } : {}),
      }),
    close: checkout.close,
    void: checkout.void,
    return: checkout.return,
    redeemReward: (request) => redeemReward(loyalty, program, request),
    enrol: async (request) => {
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
      return isLeft(card) ? card : right({ account: account.right, card: card.right })
    },
    replaceCard: async (request) => {
      const old = await loyalty.card(request.lost)
      if (isLeft(old)) return old
      const replacement =
        request.replacement !== undefined
          ? right(request.replacement)
          : old.right.status === 'replaced' && old.right.replacedBy !== undefined
            ? right(old.right.replacedBy)
            : await nextCardNumber()
      if (isLeft(replacement)) return replacement
      return loyalty.replaceCard({
        lost: request.lost,
        replacement: replacement.right,
        newAccountId: accountIdOf('replace', request.key),
        key: request.key,
        at: request.at,
      })
    },
  }
}

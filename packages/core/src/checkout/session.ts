import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type Basket, BasketCodec, type BasketLine, BasketLineCodec } from '../basket/basket.codec.js'
import { decodeWith } from '../codec/decode.js'
import { NonEmptyString } from '../codec/primitive.js'
import { checkCodeFormat } from '../coupons/codes.js'
import { judgeCode } from '../coupons/judge.js'
import { type Keyring, signCoupon } from '../coupons/signature.js'
import { type Customer, CustomerCodec } from '../customer/customer.codec.js'
import type { ProfileOptions } from '../customer/profile.js'
import { canonicalJson } from '../ledger/canonical.js'
import type { PostingResult } from '../ledger/model.js'
import type { Clock } from '../ports/Clock.js'
import type { Campaign, Program } from '../rules/campaign.codec.js'
import type { Evaluation } from '../rules/evaluation.codec.js'
import { decodeOpenCheckout, decodeReturnRequest, decodeTenders, type OpenCheckout } from './checkout.codec.js'
import {
  type CheckoutError,
  checkoutCodeRejected,
  checkoutConflictingReplay,
  duplicateLine,
  emptyBasket,
  ledgerFailed,
  sessionClosed,
  tendersShort,
  unknownLine,
  unknownSession,
  unknownTransaction,
} from './errors.js'
import { cardOfRequest, checkCustomer, type Identity, identityOf } from './identity.js'
import type {
  AcceptedCode,
  CampaignUsageRow,
  CardWarning,
  CheckoutStore,
  CheckoutTransaction,
  CloseRecord,
  CloseRequest,
  CodePool,
  CustomerUsageKey,
  Pricer,
  PurchaseRecord,
  Receipt,
  ReceiptNote,
  ReturnReceipt,
  ReturnRequest,
  SessionData,
  Standing,
  StoredCode,
  UsageRows,
} from './model.js'
import { type CouponPolicy, DEFAULT_COUPON_POLICY, planClose, planGiveBack, planReturn, receiptOf } from './plan.js'
import { bucketOf, customerKeyOf, customerUsageKeys, limitedCandidates, limitNotes, usageSnapshotOf } from './usage.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What a checkout needs: the store, the evaluator, the campaigns (their limits, code pools and
 * coupon templates), the program (tiers, pending days, expiry), the keyring and key id that sign
 * checkout coupons, the clock (code holds and their TTL), the store's time zone (limit periods),
 * the coupon policy, how long a code stays held by an open session (default 15 minutes), and the
 * lifecycle rules of customer profiles.
 * @category checkout
 */
export interface CheckoutConfig {
  readonly store: CheckoutStore
  readonly price: Pricer
  readonly campaigns: readonly Campaign[]
  readonly program?: Program
  readonly keyring: Keyring
  readonly keyId: string
  readonly clock: Clock
  readonly storeTimeZone: string
  readonly couponPolicy?: CouponPolicy
  readonly codeHoldMs?: number
  readonly profile?: ProfileOptions
}

/** Where a session stands. @category checkout */
export type SessionState = SessionData['state']

/**
 * A stateless price request: the basket (its `codes` are judged, not booked), an optional customer
 * document (checked against the store, which decides), and whether to hold the accepted codes for
 * the basket's transaction id until it closes or is voided (a code held elsewhere is then
 * `RESERVED_ELSEWHERE` for other tills).
 * @category checkout
 */
export interface PriceRequest {
  readonly basket: Basket
  readonly customer?: Customer
  readonly hold?: boolean
}

/** How one code of a price request was judged. @category checkout */
export interface CodeJudgement {
  readonly code: string
  readonly accepted: boolean
  readonly pool?: string
  readonly reason?: string
  readonly message?: string
}

/**
 * The answer of a price request: the evaluation within the limits as the store has them now, the
 * customer as the store knows them, each code's judgement, why a card brought no member benefit,
 * and the limit notes (`LIMIT_REACHED`, `BUDGET_PARTIAL`…).
 * @category checkout
 */
export interface Priced {
  readonly evaluation: Evaluation
  readonly customer?: Customer
  readonly codes: readonly CodeJudgement[]
  readonly warnings: readonly CardWarning[]
  readonly notes: readonly ReceiptNote[]
}

/**
 * One sale at a till, as a handle over its {@link SessionData}: changes to lines and card are kept
 * in the handle and saved to the store with every asynchronous call (codes, price, close, void) or
 * `save()`, so another process can `resume` it. Every call returns an `Either`; once closed or
 * voided, changes are refused with `SessionClosed` (a closed session's `close` may be retried and
 * returns the same receipt).
 * @category checkout
 */
export interface CheckoutSession {
  readonly transactionId: string
  readonly state: () => SessionState
  /** The basket as it stands (accepted codes and the scanned card included). */
  readonly basket: () => Basket
  /** The session as data (serialisable; `resume` takes its transaction id). */
  readonly data: () => SessionData
  /** Records the scanned card; who it belongs to is judged by the store at price and close. */
  readonly identify: (card: string) => Either<CheckoutError, Basket>
  readonly setLines: (lines: readonly BasketLine[]) => Either<CheckoutError, Basket>
  readonly addLine: (line: BasketLine) => Either<CheckoutError, Basket>
  readonly removeLine: (lineId: string) => Either<CheckoutError, Basket>
  /** Judges a code and holds it for this session (TTL `codeHoldMs`); `CodeRejected` with the reason otherwise. */
  readonly applyCode: (code: string) => Promise<Either<CheckoutError, AcceptedCode>>
  /** Releases a code this session holds. */
  readonly removeCode: (code: string) => Promise<Either<CheckoutError, Basket>>
  /** Evaluates the basket within the limits and budgets as the store has them now. Books nothing. */
  readonly price: () => Promise<Either<CheckoutError, Evaluation>>
  /** Like `price`, with the customer as the store knows them, the card warnings and the limit notes. */
  readonly priced: () => Promise<Either<CheckoutError, Priced>>
  /** Commits the sale atomically and idempotently; see {@link Checkout.close}. */
  readonly close: (
    tenders: readonly { readonly type: string; readonly amount: number }[],
  ) => Promise<Either<CheckoutError, Receipt>>
  /** Abandons the sale and releases the codes it holds. */
  readonly void: () => Promise<Either<CheckoutError, void>>
  /** Saves the session's data now. */
  readonly save: () => Promise<void>
}

/**
 * The checkout service over a store: stateless `price`, `close`, `void` and `return` (what a
 * server calls), and sessions (`open`, `resume`) for tills that scan line by line.
 * @category checkout
 */
export interface Checkout {
  readonly open: (input: OpenCheckout) => Promise<Either<CheckoutError, CheckoutSession>>
  /** The open (or closed) session of a transaction id, from the store. */
  readonly resume: (transactionId: string) => Promise<Either<CheckoutError, CheckoutSession>>
  /** Who a card belongs to, as the store knows them at `at` (the card-status policy applies). */
  readonly identify: (card: string, at: string) => Promise<Identity>
  /** Prices a basket within the limits as the store has them now; books nothing (holds codes if asked). */
  readonly price: (request: PriceRequest) => Promise<Either<CheckoutError, Priced>>
  /**
   * In ONE store transaction: replay check (same id + same content → the stored receipt; other
   * content → `CONFLICTING_REPLAY`), judge the card in the loyalty store (an unknown, blocked or
   * replaced card closes as anonymous with a warning), check the caller's customer document
   * against it, re-judge and lock the codes, lock the usage rows of every limited campaign the
   * basket concerns (sorted) and price within them, check the tenders, redeem the codes, book the
   * usage, record the purchase, post the points (last), issue the coupons (capped), store the
   * snapshot and the receipt.
   */
  readonly close: (request: CloseRequest) => Promise<Either<CheckoutError, Receipt>>
  /** Releases the codes held for a transaction and marks its session voided. */
  readonly void: (transactionId: string) => Promise<Either<CheckoutError, void>>
  /** Refunds units of a closed sale from its snapshot; keyed by `returnId`. */
  readonly return: (request: ReturnRequest) => Promise<Either<CheckoutError, ReturnReceipt>>
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

const decodeLine = decodeWith(BasketLineCodec, 'line')
const decodeBasket = decodeWith(BasketCodec, 'basket')
const decodeCustomer = decodeWith(CustomerCodec, 'customer')
const decodeCard = decodeWith(t.type({ card: NonEmptyString }), 'card')
const decodeCode = decodeWith(t.type({ code: NonEmptyString }), 'code')

/** Normalises a typed or scanned code: surrounding spaces dropped, upper-case (codes are issued upper-case). */
export const normaliseCode = (code: string): string => code.trim().toUpperCase()

/** A basket's codes normalised, without duplicates, sorted (the order codes are locked in). */
const normalisedCodes = (basket: Basket): readonly string[] =>
  [...new Set((basket.codes ?? []).map(normaliseCode))].sort()

const withCodes = (basket: Basket, codes: readonly string[]): Basket => {
  const { codes: _codes, ...rest } = basket
  return codes.length > 0 ? { ...rest, codes } : rest
}

/** The basket the engine sees: the card only when it brings member benefits. */
const effectiveBasket = (basket: Basket, card: string | undefined, identity: Identity): Basket => {
  const { card: _card, ...rest } = basket
  return identity.customer !== undefined && card !== undefined ? { ...rest, card } : rest
}

/** The customer key of a stored sale: its member, else its card (as `customerKeyOf` made it). */
const customerKeyOfSale = (sale: CloseRecord): string | undefined =>
  sale.receipt.memberId !== undefined
    ? `member:${sale.receipt.memberId}`
    : sale.card !== undefined
      ? `card:${sale.card}`
      : undefined

const sumTenders = (tenders: readonly { readonly amount: number }[]) => tenders.reduce((s, x) => s + x.amount, 0)

// ── the service ──────────────────────────────────────────────────────────────────────────────────

/** Up to this many limited campaigns, a price reads all their usage at once and evaluates once. */
const UPFRONT_LIMITED = 64

/**
 * Creates the checkout service. Reads the clock (through `config.clock`) for code holds only; the
 * basket's own `at` dates everything else (validity of codes and campaigns, limit periods, points).
 * @category checkout
 */

export const createCheckout = (config: CheckoutConfig): Checkout => {
  const { store, clock, storeTimeZone } = config
  const campaigns: ReadonlyMap<string, Campaign> = new Map(config.campaigns.map((c) => [c.id, c]))
  /** Every campaign with limits or budgets, by id: what a price reads up front when they are few. */
  const limitedIds = config.campaigns
    .filter((c) => c.limits !== undefined)
    .map((c) => c.id)
    .sort()
  const couponPolicy = config.couponPolicy ?? DEFAULT_COUPON_POLICY
  const holdMs = config.codeHoldMs ?? 15 * 60_000
  const tierProgram = config.program ?? {}

  /** The card a request names, judged on the store's standing; the caller's document must agree. */
  const identifyIn = async (
    read: (card: string) => Promise<Standing>,
    basket: Basket,
    customer: Customer | undefined,
  ): Promise<Either<CheckoutError, { readonly card: string | undefined; readonly identity: Identity }>> => {
    const named = cardOfRequest(basket.card, customer)
    if (isLeft(named)) return named
    const card = named.right
    const identity = identityOf(
      card,
      card === undefined ? undefined : await read(card),
      tierProgram,
      basket.at,
      config.profile,
    )
    const agreed = checkCustomer(customer, identity.customer)
    if (isLeft(agreed)) return agreed
    return right({ card, identity })
  }

  /**
   * Prices within usage read by `read` (unlocked for `price`, locked for `close`): a first
   * evaluation finds the limited campaigns that concern the basket, their rows are read in one
   * sorted step, and the basket is priced again with them — the engine judges every limit. An
   * unlocked read (`upfront`) of a program with few limited campaigns reads them all first and
   * prices once: the usage of a campaign that does not concern the basket changes nothing, so the
   * answer is the same, for one evaluation instead of two. A close locks only the rows it needs.
   */
  const priceWithin = async (
    basket: Basket,
    customer: Customer | undefined,
    codes: readonly AcceptedCode[],
    read: (ids: readonly string[], keys: readonly CustomerUsageKey[]) => Promise<UsageRows>,
    upfront = false,
  ) => {
    const customerKey = customerKeyOf(basket, customer)
    const input = { basket, ...(customer !== undefined ? { customer } : {}), codes }
    if (upfront && limitedIds.length > 0 && limitedIds.length <= UPFRONT_LIMITED) {
      const usage = await read(
        limitedIds,
        customerUsageKeys(limitedIds, campaigns, customerKey, basket.at, storeTimeZone),
      )
      const snapshot = usageSnapshotOf(usage, limitedIds, campaigns, customerKey, basket.at, storeTimeZone)
      return { evaluation: config.price({ ...input, usage: snapshot }), usage, customerKey }
    }
    const first = config.price({ ...input, usage: {} })
    const limited = limitedCandidates(first, campaigns)
    if (limited.length === 0) {
      return { evaluation: first, usage: { campaigns: [], customers: [] } as UsageRows, customerKey }
    }
    const usage = await read(limited, customerUsageKeys(limited, campaigns, customerKey, basket.at, storeTimeZone))
    const snapshot = usageSnapshotOf(usage, limited, campaigns, customerKey, basket.at, storeTimeZone)
    return { evaluation: config.price({ ...input, usage: snapshot }), usage, customerKey }
  }

  const identify = async (card: string, at: string): Promise<Identity> =>
    identityOf(card, await store.standing(card), tierProgram, at, config.profile)

  // ── price ──────────────────────────────────────────────────────────────────────────────────────

  const price = async (request: PriceRequest): Promise<Either<CheckoutError, Priced>> => {
    const decoded = decodeBasket(request.basket)
    if (isLeft(decoded)) return decoded
    const customerDoc = request.customer === undefined ? undefined : decodeCustomer(request.customer)
    if (customerDoc !== undefined && isLeft(customerDoc)) return customerDoc
    const basket = decoded.right
    if (basket.lines.length === 0) return left(emptyBasket(basket.id))
    const who = await identifyIn(store.standing, basket, customerDoc?.right)
    if (isLeft(who)) return who
    const { card, identity } = who.right
    const effective = effectiveBasket(basket, card, identity)
    const wanted = normalisedCodes(basket)
    const now = clock.now()
    const atMs = Date.parse(basket.at)
    const pools = wanted.length > 0 ? await store.pools() : []
    const judgements: CodeJudgement[] = []
    const accepted: AcceptedCode[] = []
    const judge = (row: StoredCode | undefined, code: string) => {
      const judged = judgeStored(row, code, effective.card, basket.id, now, pools, atMs)
      if (isLeft(judged)) {
        if (judged.left._tag !== 'CodeRejected') return
        judgements.push({ code, accepted: false, reason: judged.left.reason, message: judged.left.message })
      } else {
        accepted.push(judged.right)
        judgements.push({ code, accepted: true, pool: judged.right.pool })
      }
    }
    if (request.hold === true && wanted.length > 0) {
      const held = await store.transact(async (tx) => {
        const rows = await tx.lockCodes(wanted)
        for (const code of wanted)
          judge(
            rows.find((r) => r.code === code),
            code,
          )
        await tx.saveCodes(holdRows(rows, accepted, basket.id, effective.card, now, holdMs))
        return right(undefined)
      })
      if (isLeft(held)) return held
      await store.saveSession(sessionOf(basket, accepted))
    } else {
      for (const code of wanted) judge(await store.code(code), code)
    }
    const priced = await priceWithin(
      withCodes(
        effective,
        accepted.map((c) => c.code),
      ),
      identity.customer,
      accepted,
      (ids, keys) => store.usage(ids, keys),
      true,
    )
    return right({
      evaluation: priced.evaluation,
      ...(identity.customer !== undefined ? { customer: identity.customer } : {}),
      codes: judgements,
      warnings: identity.warnings,
      notes: limitNotes(priced.evaluation),
    })
  }

  // ── close ──────────────────────────────────────────────────────────────────────────────────────

  const closeIn = async (
    tx: CheckoutTransaction,
    request: CloseRequest,
    requestJson: string,
  ): Promise<Either<CheckoutError, Receipt>> => {
    const basket = request.basket
    const wanted = basket.codes ?? []
    const prior = await tx.findClose(basket.id, { card: basket.card ?? request.customer?.card, codes: wanted })
    if (prior !== undefined) {
      if (prior.request !== requestJson) return left(checkoutConflictingReplay(basket.id, 'transaction'))
      await tx.closeSession(basket.id)
      return right(prior.receipt)
    }
    const who = await identifyIn(tx.standing, basket, request.customer)
    if (isLeft(who)) return who
    const { card, identity } = who.right
    const effective = effectiveBasket(basket, card, identity)
    // Locks in the global order: codes, campaign usage, customer usage, coupon usage, the account.
    const now = clock.now()
    const rows = await tx.lockCodes(wanted)
    const accepted: AcceptedCode[] = []
    for (const code of wanted) {
      const judged = judgeStored(
        rows.find((r) => r.code === code),
        code,
        effective.card,
        basket.id,
        now,
        [],
        Date.parse(basket.at),
      )
      if (isLeft(judged)) return judged
      accepted.push(judged.right)
    }
    const priced = await priceWithin(effective, identity.customer, accepted, async (ids, keys) => ({
      campaigns: await tx.lockCampaignUsage(ids),
      customers: await tx.lockCustomerUsage(keys),
    }))
    const tendered = sumTenders(request.tenders)
    if (request.tenders.length > 0 && tendered < priced.evaluation.total) {
      return left(tendersShort(priced.evaluation.total, tendered))
    }
    const couponKeys =
      priced.customerKey === undefined
        ? []
        : [...new Set(priced.evaluation.coupons.map((c) => c.template))].sort().map((template) => ({
            template,
            customer: priced.customerKey as string,
            bucket: bucketOf(couponPolicy.perCustomer.period, basket.at, storeTimeZone),
          }))
    const couponUsage = await tx.lockCouponUsage(couponKeys)
    const planned = planClose({
      request: { ...request, basket: effective },
      requestJson,
      evaluation: priced.evaluation,
      notes: limitNotes(priced.evaluation),
      codes: accepted,
      codeRows: rows,
      usage: priced.usage,
      couponUsage,
      customer: priced.customerKey,
      ...(identity.customer?.memberId !== undefined ? { memberId: identity.customer.memberId } : {}),
      warnings: identity.warnings,
      campaigns,
      ...(config.program ? { program: config.program } : {}),
      storeTimeZone,
      couponPolicy,
      sign: (coupon) => signCoupon(coupon, config.keyring, config.keyId),
    })
    if (isLeft(planned)) return planned
    const plan = planned.right
    await tx.saveCodes(plan.codes)
    await tx.saveUsage(plan.customerUsage, plan.couponUsage)
    if (plan.purchase !== undefined) await tx.savePurchases([plan.purchase])
    // The posting locks the account's balance, then the campaigns' counters are added: as in every path.
    let earned: PostingResult | undefined
    if (plan.earn !== undefined) {
      const posted = await tx.post(plan.earn)
      if (isLeft(posted)) return left(ledgerFailed(posted.left))
      earned = posted.right
    }
    await tx.addCampaignUsage(plan.record.bookings.campaigns)
    const receipt = receiptOf(plan, earned)
    await tx.saveClose({
      ...plan.record,
      receipt,
      bookings: { ...plan.record.bookings, ...(earned ? { earnAccountId: earned.accountId } : {}) },
    })
    await tx.closeSession(basket.id)
    return right(receipt)
  }

  const close = async (request: CloseRequest): Promise<Either<CheckoutError, Receipt>> => {
    const basketChecked = decodeBasket(request.basket)
    if (isLeft(basketChecked)) return basketChecked
    const tendersChecked = decodeTenders(request.tenders)
    if (isLeft(tendersChecked)) return tendersChecked
    const customerChecked = request.customer === undefined ? undefined : decodeCustomer(request.customer)
    if (customerChecked !== undefined && isLeft(customerChecked)) return customerChecked
    if (basketChecked.right.lines.length === 0) return left(emptyBasket(basketChecked.right.id))
    // What is booked and compared on a retry is the decoded request: unknown fields dropped, codes
    // normalised, so a retry with a lower-case code or a vendor field is the same close.
    const decoded: CloseRequest = {
      basket: withCodes(basketChecked.right, normalisedCodes(basketChecked.right)),
      ...(customerChecked !== undefined ? { customer: customerChecked.right } : {}),
      tenders: tendersChecked.right,
    }
    const requestJson = canonicalJson(decoded)
    // The session, if the till opened one, is marked closed inside the close's transaction.
    return store.transact((tx) => closeIn(tx, decoded, requestJson))
  }

  // ── void ───────────────────────────────────────────────────────────────────────────────────────

  const release = (transactionId: string, toRelease: readonly string[]) =>
    store.transact(async (tx) => {
      const rows = await tx.lockCodes([...toRelease].sort())
      await tx.saveCodes(
        rows.map((r) => ({ ...r, reservations: r.reservations.filter((h) => h.sessionId !== transactionId) })),
      )
      return right(undefined)
    })

  const voidSale = async (transactionId: string): Promise<Either<CheckoutError, void>> => {
    const decoded = decodeWith(t.type({ transactionId: NonEmptyString }), 'void')({ transactionId })
    if (isLeft(decoded)) return decoded
    const session = await store.findSession(transactionId)
    if (session === undefined) {
      if ((await store.findClose(transactionId)) !== undefined) return left(sessionClosed(transactionId, 'closed'))
      return right(undefined)
    }
    if (session.state === 'closed') return left(sessionClosed(transactionId, 'closed'))
    if (session.state === 'voided') return right(undefined)
    const released = await release(
      transactionId,
      session.codes.map((c) => c.code),
    )
    if (isLeft(released)) return released
    await store.saveSession({ ...session, state: 'voided', codes: [] })
    return right(undefined)
  }

  // ── returns ────────────────────────────────────────────────────────────────────────────────────

  const returnSale = async (request: ReturnRequest): Promise<Either<CheckoutError, ReturnReceipt>> => {
    const checked = decodeReturnRequest(request)
    if (isLeft(checked)) return checked
    const requestJson = canonicalJson(checked.right)
    return store.transact(async (tx): Promise<Either<CheckoutError, ReturnReceipt>> => {
      const prior = await tx.findReturn(request.returnId)
      if (prior !== undefined) {
        return prior.request === requestJson
          ? right(prior.receipt)
          : left(checkoutConflictingReplay(request.returnId, 'return'))
      }
      const sale = await tx.findClose(request.transactionId)
      if (sale === undefined) return left(unknownTransaction(request.transactionId))
      const planned = planReturn(sale, await tx.returnsOf(request.transactionId), checked.right)
      if (isLeft(planned)) return planned
      const plan = planned.right
      let revoked: readonly string[] = []
      let campaignsBack: readonly CampaignUsageRow[] = []
      if (plan.receipt.full) {
        // Locks in the global order: codes, limited campaigns' usage, customer usage, coupon usage,
        // then the account; campaigns without limits are given back last, like a close adds them.
        const b = sale.bookings
        const codes = await tx.lockCodes([...b.codes, ...b.issuedCodes].sort())
        await tx.lockCampaignUsage(
          b.campaigns
            .map((c) => c.campaignId)
            .filter((id) => campaigns.get(id)?.limits !== undefined)
            .sort(),
        )
        const customers = await tx.lockCustomerUsage(b.customers)
        const coupons = await tx.lockCouponUsage(b.coupons)
        const back = planGiveBack(sale, { customers, coupons, codes }, request.returnId, Date.parse(request.at))
        revoked = back.revoked
        campaignsBack = back.campaigns
        await tx.saveCodes(back.rows.codes)
        await tx.saveUsage(back.rows.customers, back.rows.coupons)
      }
      const customer = customerKeyOfSale(sale)
      if (customer !== undefined) {
        const purchase: PurchaseRecord = {
          customer,
          id: `${request.transactionId}/return/${request.returnId}`,
          at: request.at,
          amount: -plan.receipt.refund,
          points: -plan.receipt.pointsClawedBack,
        }
        await tx.savePurchases([purchase])
      }
      let balance: PostingResult['balance'] | undefined
      if (plan.reverse !== undefined) {
        const posted = await tx.post(plan.reverse)
        if (isLeft(posted)) return left(ledgerFailed(posted.left))
        balance = posted.right.balance
      }
      await tx.addCampaignUsage(campaignsBack)
      const receipt: ReturnReceipt = { ...plan.receipt, revokedCoupons: revoked, ...(balance ? { balance } : {}) }
      await tx.saveReturn({
        returnId: request.returnId,
        transactionId: request.transactionId,
        request: requestJson,
        receipt,
      })
      return right(receipt)
    })
  }

  // ── sessions ───────────────────────────────────────────────────────────────────────────────────

  const open = async (input: OpenCheckout): Promise<Either<CheckoutError, CheckoutSession>> => {
    const decoded = decodeOpenCheckout(input)
    if (isLeft(decoded)) return decoded
    const existing = await store.findSession(input.transactionId)
    if (existing !== undefined || (await store.findClose(input.transactionId)) !== undefined) {
      return left(checkoutConflictingReplay(input.transactionId, 'transaction'))
    }
    const data: SessionData = {
      transactionId: input.transactionId,
      storeId: input.storeId,
      terminalId: input.terminalId,
      channel: input.channel ?? 'store',
      currency: input.currency,
      pricesIncludeTax: input.pricesIncludeTax ?? true,
      at: input.at,
      state: 'open',
      lines: [],
      codes: [],
    }
    await store.saveSession(data)
    return right(handleOf(data))
  }

  const resume = async (transactionId: string): Promise<Either<CheckoutError, CheckoutSession>> => {
    const data = await store.findSession(transactionId)
    return data === undefined ? left(unknownSession(transactionId)) : right(handleOf(data))
  }

  const handleOf = (initial: SessionData): CheckoutSession => {
    let data = initial
    const transactionId = data.transactionId
    const basket = (): Basket => basketOfSession(data)
    const save = () => store.saveSession(data)
    const whileOpen = <A>(f: () => Either<CheckoutError, A>): Either<CheckoutError, A> =>
      data.state === 'open' ? f() : left(sessionClosed(transactionId, data.state))
    const change = (next: Partial<SessionData>): Either<CheckoutError, Basket> => {
      data = { ...data, ...next }
      return right(basket())
    }
    return {
      transactionId,
      state: () => data.state,
      basket,
      data: () => data,
      save,
      identify: (scanned) =>
        whileOpen(() => {
          const decoded = decodeCard({ card: scanned })
          return isLeft(decoded) ? decoded : change({ card: decoded.right.card })
        }),
      setLines: (next) =>
        whileOpen(() => {
          const decoded = decodeBasket({ ...basket(), lines: next })
          return isLeft(decoded) ? decoded : change({ lines: decoded.right.lines })
        }),
      addLine: (line) =>
        whileOpen(() => {
          const decoded = decodeLine(line)
          if (isLeft(decoded)) return decoded
          if (data.lines.some((l) => l.id === line.id)) return left(duplicateLine(line.id))
          return change({ lines: [...data.lines, decoded.right] })
        }),
      removeLine: (lineId) =>
        whileOpen(() =>
          data.lines.some((l) => l.id === lineId)
            ? change({ lines: data.lines.filter((l) => l.id !== lineId) })
            : left(unknownLine(lineId, `checkout ${transactionId}`)),
        ),
      applyCode: async (typed) => {
        if (data.state !== 'open') return left(sessionClosed(transactionId, data.state))
        const decoded = decodeCode({ code: typed })
        if (isLeft(decoded)) return decoded
        const code = normaliseCode(typed)
        const pools = await store.pools()
        const now = clock.now()
        const held = await store.transact(async (tx): Promise<Either<CheckoutError, AcceptedCode>> => {
          const [row] = await tx.lockCodes([code])
          const judged = judgeStored(row, code, data.card, transactionId, now, pools, Date.parse(data.at))
          if (isLeft(judged)) return judged
          await tx.saveCodes(holdRows([row as StoredCode], [judged.right], transactionId, data.card, now, holdMs))
          return judged
        })
        if (isLeft(held)) return held
        if (!data.codes.some((c) => c.code === code)) data = { ...data, codes: [...data.codes, held.right] }
        await save()
        return held
      },
      removeCode: async (typed) => {
        if (data.state !== 'open') return left(sessionClosed(transactionId, data.state))
        const code = normaliseCode(typed)
        if (!data.codes.some((c) => c.code === code))
          return left(checkoutCodeRejected(code, 'UNKNOWN', `code ${code} is not applied to this checkout`))
        const released = await release(transactionId, [code])
        if (isLeft(released)) return released
        data = { ...data, codes: data.codes.filter((c) => c.code !== code) }
        await save()
        return right(basket())
      },
      priced: async () => {
        if (data.state === 'voided') return left(sessionClosed(transactionId, data.state))
        await save()
        return price({ basket: basket() })
      },
      price: async () => {
        if (data.state === 'voided') return left(sessionClosed(transactionId, data.state))
        await save()
        const priced = await price({ basket: basket() })
        return isLeft(priced) ? priced : right(priced.right.evaluation)
      },
      close: async (tenders) => {
        if (data.state === 'voided') return left(sessionClosed(transactionId, data.state))
        if (data.state === 'open') await save()
        const closed = await close({ basket: basket(), tenders })
        if (closed._tag === 'Right') {
          data = { ...data, state: 'closed' }
          await save()
        }
        return closed
      },
      void: async () => {
        if (data.state !== 'open') return left(sessionClosed(transactionId, data.state))
        await save()
        const voided = await voidSale(transactionId)
        if (isLeft(voided)) return voided
        data = { ...data, state: 'voided', codes: [] }
        return right(undefined)
      },
    }
  }

  return { open, resume, identify, price, close, void: voidSale, return: returnSale }
}

/** The basket of a session's data. @category checkout */
export const basketOfSession = (data: SessionData): Basket => ({
  id: data.transactionId,
  storeId: data.storeId,
  terminalId: data.terminalId,
  channel: data.channel,
  currency: data.currency,
  pricesIncludeTax: data.pricesIncludeTax,
  at: data.at,
  ...(data.card !== undefined ? { card: data.card } : {}),
  ...(data.codes.length > 0 ? { codes: data.codes.map((c) => c.code) } : {}),
  lines: data.lines,
})

/** The session data of a priced basket whose codes are held (the stateless `price` with `hold`). */
const sessionOf = (basket: Basket, codes: readonly AcceptedCode[]): SessionData => ({
  transactionId: basket.id,
  storeId: basket.storeId,
  terminalId: basket.terminalId,
  channel: basket.channel,
  currency: basket.currency,
  pricesIncludeTax: basket.pricesIncludeTax,
  at: basket.at,
  state: 'open',
  lines: basket.lines,
  ...(basket.card !== undefined ? { card: basket.card } : {}),
  codes,
})

/** Code rows with a fresh hold for `sessionId` on every accepted one (expired holds dropped). */
const holdRows = (
  rows: readonly StoredCode[],
  accepted: readonly AcceptedCode[],
  sessionId: string,
  card: string | undefined,
  now: number,
  holdMs: number,
): StoredCode[] =>
  rows
    .filter((r) => accepted.some((a) => a.code === r.code))
    .map((r) => ({
      ...r,
      reservations: [
        ...r.reservations.filter((h) => h.sessionId !== sessionId && h.expiresAtMs > now),
        { sessionId, ...(card !== undefined ? { card } : {}), expiresAtMs: now + holdMs },
      ],
    }))

/**
 * Judges a stored code for a session: `judgeCode`, plus the checkout's own cases: an unknown code
 * that has the shape of a pool's pattern but a wrong check character is `BAD_CHECK_CHARACTER`, and
 * a coupon revoked by a full return is refused as `EXPIRED` with a message saying why. The validity
 * window is judged at `validAtMs` (the sale's time), holds at `now` (the clock).
 * @category checkout
 */
export const judgeStored = (
  row: StoredCode | undefined,
  code: string,
  card: string | undefined,
  sessionId: string,
  now: number,
  pools: readonly CodePool[] = [],
  validAtMs: number = now,
): Either<CheckoutError, AcceptedCode> => {
  if (row === undefined) {
    const typo = pools.some((p) => {
      if (p.pattern === undefined) return false
      const format = checkCodeFormat(p.pattern, code)
      return isLeft(format) && format.left.reason === 'BAD_CHECK_CHARACTER'
    })
    return left(checkoutCodeRejected(code, typo ? 'BAD_CHECK_CHARACTER' : 'UNKNOWN'))
  }
  if (row.revoked !== undefined) {
    return left(
      checkoutCodeRejected(code, 'EXPIRED', 'This coupon was withdrawn: the purchase that earned it was returned.'),
    )
  }
  const judged = judgeCode(row, { ...(card !== undefined ? { card } : {}), sessionId }, now, code, validAtMs)
  if (isLeft(judged)) return left(checkoutCodeRejected(code, judged.left.reason, judged.left.message))
  return right({ code: row.code, pool: row.pool })
}

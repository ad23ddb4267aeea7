import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type Basket, BasketCodec, type BasketLine, BasketLineCodec } from '../basket/basket.codec.js'
import { decodeWith } from '../codec/decode.js'
import { NonEmptyString } from '../codec/primitive.js'
import { checkCodeFormat } from '../coupons/codes.js'
import { judgeCode } from '../coupons/judge.js'
import { type Keyring, signCoupon } from '../coupons/signature.js'
import type { Customer } from '../customer/customer.codec.js'
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
  unknownLine,
  unknownTransaction,
} from './errors.js'
import type {
  AcceptedCode,
  CampaignUsageRow,
  CheckoutStore,
  CloseRecord,
  CloseRequest,
  CodePool,
  CouponUsage,
  CustomerUsage,
  CustomerUsageKey,
  Pricer,
  Receipt,
  ReturnReceipt,
  ReturnRequest,
  StoredCode,
  Tender,
  UsageRows,
} from './model.js'
import { type CouponPolicy, DEFAULT_COUPON_POLICY, planClose, planReturn, receiptOf } from './plan.js'
import { bucketOf, campaignsUsedBy, customerKeyOf, customerUsageKeys, priceWithinUsage } from './usage.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What a checkout needs: the store, the evaluator, the campaigns (their limits, code pools and
 * coupon templates), the program (pending days, expiry), the keyring and key id that sign checkout
 * coupons, the clock (code holds and their TTL), the store's time zone (limit periods), the coupon
 * policy and how long a code stays held by an open session (default 15 minutes).
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
}

/** Where a session stands. @category checkout */
export type SessionState = 'open' | 'closed' | 'voided'

/**
 * One sale at a till: held in the caller's process (the durable parts, code holds and the close,
 * are in the store). Every call returns an `Either`; once closed or voided, changes are refused
 * with `SessionClosed` (a closed session's `close` may be retried and returns the same receipt).
 * @category checkout
 */
export interface CheckoutSession {
  readonly transactionId: string
  readonly state: () => SessionState
  /** The basket as it stands (accepted codes and identified card included). */
  readonly basket: () => Basket
  /** Identifies the customer by card; `customer` is the profile the engine judges (tier, segments…). */
  readonly identify: (card: string, customer?: Customer) => Either<CheckoutError, Basket>
  readonly setLines: (lines: readonly BasketLine[]) => Either<CheckoutError, Basket>
  readonly addLine: (line: BasketLine) => Either<CheckoutError, Basket>
  readonly removeLine: (lineId: string) => Either<CheckoutError, Basket>
  /** Judges a code and holds it for this session (TTL `codeHoldMs`); `CodeRejected` with the reason otherwise. */
  readonly applyCode: (code: string) => Promise<Either<CheckoutError, AcceptedCode>>
  /** Releases a code this session holds. */
  readonly removeCode: (code: string) => Promise<Either<CheckoutError, Basket>>
  /** Evaluates the basket within the limits and budgets as the store has them now. Books nothing. */
  readonly price: () => Promise<Either<CheckoutError, Evaluation>>
  /** Commits the sale atomically and idempotently; see {@link Checkout.close}. */
  readonly close: (tenders: readonly Tender[]) => Promise<Either<CheckoutError, Receipt>>
  /** Abandons the sale and releases the codes it holds. */
  readonly void: () => Promise<Either<CheckoutError, void>>
}

/**
 * The checkout service over a store. `open` starts a session; `close` and `return` are also
 * callable directly with a full request (a server retrying a close from another process).
 * @category checkout
 */
export interface Checkout {
  readonly open: (input: OpenCheckout) => Either<CheckoutError, CheckoutSession>
  /**
   * In ONE store transaction: replay check (same id + same content → the stored receipt; other
   * content → `CONFLICTING_REPLAY`), re-judge and lock the codes, lock the usage rows of every
   * campaign the basket uses and price within them (a used-up limit drops its campaign, a partly
   * covered budget cuts it: `BUDGET_PARTIAL`), redeem the codes, book the usage, post the points,
   * issue the coupons (capped), store the snapshot and the receipt.
   */
  readonly close: (request: CloseRequest) => Promise<Either<CheckoutError, Receipt>>
  /** Refunds units of a closed sale from its snapshot; keyed by `returnId`. */
  readonly return: (request: ReturnRequest) => Promise<Either<CheckoutError, ReturnReceipt>>
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

const decodeLine = decodeWith(BasketLineCodec, 'line')
const decodeBasket = decodeWith(BasketCodec, 'basket')
const decodeCard = decodeWith(t.type({ card: NonEmptyString }), 'card')
const decodeCode = decodeWith(t.type({ code: NonEmptyString }), 'code')

const emptyUsage: UsageRows = { campaigns: [], customers: [] }

const mergeUsage = (
  a: UsageRows,
  campaigns: readonly CampaignUsageRow[],
  customers: readonly CustomerUsage[],
): UsageRows => ({
  campaigns: [...a.campaigns, ...campaigns],
  customers: [...a.customers, ...customers],
})

/** Normalises a typed or scanned code: surrounding spaces dropped, upper-case (codes are issued upper-case). */
const normaliseCode = (code: string): string => code.trim().toUpperCase()

// ── the service ──────────────────────────────────────────────────────────────────────────────────

/**
 * Creates the checkout service. Reads the clock (through `config.clock`) for code holds only; the
 * basket's own `at` dates everything else.
 * @category checkout
 */
export const createCheckout = (config: CheckoutConfig): Checkout => {
  const { store, clock, storeTimeZone } = config
  const campaigns: ReadonlyMap<string, Campaign> = new Map(config.campaigns.map((c) => [c.id, c]))
  const couponPolicy = config.couponPolicy ?? DEFAULT_COUPON_POLICY
  const holdMs = config.codeHoldMs ?? 15 * 60_000

  /** Prices within usage read by `read`, reading (or locking) more rows until every used campaign is covered. */
  const evaluateWithin = async (
    basket: Basket,
    customer: Customer | undefined,
    codes: readonly AcceptedCode[],
    read: (ids: readonly string[], keys: readonly CustomerUsageKey[]) => Promise<UsageRows>,
  ) => {
    const customerKey = customerKeyOf(basket, customer)
    const price = (exclude: ReadonlySet<string>) =>
      config.price({ basket, ...(customer ? { customer } : {}), codes, exclude })
    const covered = new Set<string>()
    let usage = emptyUsage
    for (;;) {
      const result = priceWithinUsage(price, campaigns, usage, customerKey, basket.at, storeTimeZone)
      const missing = campaignsUsedBy(result.evaluation, campaigns).filter((id) => !covered.has(id))
      if (missing.length === 0) return { ...result, usage, customerKey }
      for (const id of missing) covered.add(id)
      const more = await read(missing, customerUsageKeys(missing, campaigns, customerKey, basket.at, storeTimeZone))
      usage = mergeUsage(usage, more.campaigns, more.customers)
    }
  }

  const close = async (request: CloseRequest): Promise<Either<CheckoutError, Receipt>> => {
    const basketChecked = decodeBasket(request.basket)
    if (isLeft(basketChecked)) return basketChecked
    const tendersChecked = decodeTenders(request.tenders)
    if (isLeft(tendersChecked)) return tendersChecked
    const basket = request.basket
    if (basket.lines.length === 0) return left(emptyBasket(basket.id))
    const requestJson = canonicalJson(request)
    const transactionId = basket.id
    return store.transact(async (tx): Promise<Either<CheckoutError, Receipt>> => {
      const prior = await tx.findClose(transactionId)
      if (prior !== undefined) {
        return prior.request === requestJson
          ? right(prior.receipt)
          : left(checkoutConflictingReplay(transactionId, 'transaction'))
      }
      const now = clock.now()
      const wanted = [...new Set((basket.codes ?? []).map(normaliseCode))].sort()
      const rows = await tx.lockCodes(wanted)
      const accepted: AcceptedCode[] = []
      for (const code of wanted) {
        const row = rows.find((r) => r.code === code)
        const judged = judgeStored(row, code, basket.card, transactionId, now)
        if (isLeft(judged)) return judged
        accepted.push(judged.right)
      }
      const priced = await evaluateWithin(basket, request.customer, accepted, async (ids, keys) => ({
        campaigns: await tx.lockCampaignUsage(ids),
        customers: await tx.lockCustomerUsage(keys),
      }))
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
        request,
        requestJson,
        evaluation: priced.evaluation,
        notes: priced.notes,
        codes: accepted,
        codeRows: rows,
        usage: priced.usage,
        couponUsage,
        customer: priced.customerKey,
        campaigns,
        ...(config.program ? { program: config.program } : {}),
        storeTimeZone,
        couponPolicy,
        sign: (coupon) => signCoupon(coupon, config.keyring, config.keyId),
      })
      if (isLeft(planned)) return planned
      const plan = planned.right
      // The posting is the one write that can fail: it goes first, so nothing else is half-written.
      let earned: PostingResult | undefined
      if (plan.earn !== undefined) {
        const posted = await tx.post(plan.earn)
        if (isLeft(posted)) return left(ledgerFailed(posted.left))
        earned = posted.right
      }
      const receipt = receiptOf(plan, earned)
      const record: CloseRecord = {
        ...plan.record,
        receipt,
        bookings: { ...plan.record.bookings, ...(earned ? { earnAccountId: earned.accountId } : {}) },
      }
      await tx.saveCodes(plan.codes)
      await tx.saveUsage(plan.campaignUsage, plan.customerUsage, plan.couponUsage)
      await tx.saveClose(record)
      return right(receipt)
    })
  }

  const giveBack = (before: number, booked: number) => Math.max(0, before - booked)

  const returnSale = async (request: ReturnRequest): Promise<Either<CheckoutError, ReturnReceipt>> => {
    const checked = decodeReturnRequest(request)
    if (isLeft(checked)) return checked
    const requestJson = canonicalJson(request)
    return store.transact(async (tx): Promise<Either<CheckoutError, ReturnReceipt>> => {
      const prior = await tx.findReturn(request.returnId)
      if (prior !== undefined) {
        return prior.request === requestJson
          ? right(prior.receipt)
          : left(checkoutConflictingReplay(request.returnId, 'return'))
      }
      const sale = await tx.findClose(request.transactionId)
      if (sale === undefined) return left(unknownTransaction(request.transactionId))
      const earlier = await tx.returnsOf(request.transactionId)
      const planned = planReturn(sale, earlier, request)
      if (isLeft(planned)) return planned
      const plan = planned.right
      let balance: PostingResult['balance'] | undefined
      if (plan.reverse !== undefined) {
        const posted = await tx.post(plan.reverse)
        if (isLeft(posted)) return left(ledgerFailed(posted.left))
        balance = posted.right.balance
      }
      const revoked: string[] = []
      if (plan.receipt.full) {
        const b = sale.bookings
        const campaignRows = await tx.lockCampaignUsage(b.campaigns.map((c) => c.campaignId))
        const campaignsBack = campaignRows.map((row) => {
          const booked = b.campaigns.find((c) => c.campaignId === row.campaignId)
          return booked === undefined
            ? row
            : {
                campaignId: row.campaignId,
                redemptions: giveBack(row.redemptions, booked.redemptions),
                discountSpent: giveBack(row.discountSpent, booked.discountSpent),
                pointsSpent: giveBack(row.pointsSpent, booked.pointsSpent),
              }
        })
        const customersBack = (await tx.lockCustomerUsage(b.customers)).map((row) => ({
          ...row,
          count: giveBack(row.count, 1),
        }))
        const codeRows = await tx.lockCodes([...b.codes, ...b.issuedCodes].sort())
        const atMs = Date.parse(request.at)
        const codesBack: StoredCode[] = []
        for (const row of codeRows) {
          if (b.codes.includes(row.code)) {
            codesBack.push({ ...row, redemptions: row.redemptions.filter((r) => r.sessionId !== sale.transactionId) })
          } else if (row.redemptions.length === 0 && row.revoked === undefined) {
            revoked.push(row.code)
            codesBack.push({ ...row, revoked: { by: request.returnId, atMs } })
          }
        }
        const revokedTemplates = sale.receipt.coupons.filter((c) => revoked.includes(c.code)).map((c) => c.template)
        const couponRows = await tx.lockCouponUsage(b.coupons.filter((k) => revokedTemplates.includes(k.template)))
        const couponsBack: CouponUsage[] = couponRows.map((row) => ({ ...row, count: giveBack(row.count, 1) }))
        await tx.saveCodes(codesBack)
        await tx.saveUsage(campaignsBack, customersBack, couponsBack)
      }
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

  const open = (input: OpenCheckout): Either<CheckoutError, CheckoutSession> => {
    const decoded = decodeOpenCheckout(input)
    if (isLeft(decoded)) return decoded
    return right(newSession(input))
  }

  const newSession = (input: OpenCheckout): CheckoutSession => {
    const transactionId = input.transactionId
    let state: SessionState = 'open'
    let lines: readonly BasketLine[] = []
    let codes: readonly AcceptedCode[] = []
    let card: string | undefined
    let customer: Customer | undefined
    const basket = (): Basket => ({
      id: transactionId,
      storeId: input.storeId,
      terminalId: input.terminalId,
      channel: input.channel ?? 'store',
      currency: input.currency,
      pricesIncludeTax: input.pricesIncludeTax ?? true,
      at: input.at,
      ...(card !== undefined ? { card } : {}),
      ...(codes.length > 0 ? { codes: codes.map((c) => c.code) } : {}),
      lines,
    })
    const whileOpen = <A>(f: () => Either<CheckoutError, A>): Either<CheckoutError, A> =>
      state === 'open' ? f() : left(sessionClosed(transactionId, state))
    const release = async (toRelease: readonly string[]) =>
      store.transact(async (tx) => {
        const rows = await tx.lockCodes([...toRelease].sort())
        await tx.saveCodes(
          rows.map((r) => ({ ...r, reservations: r.reservations.filter((h) => h.sessionId !== transactionId) })),
        )
        return right(undefined)
      })
    return {
      transactionId,
      state: () => state,
      basket,
      identify: (scanned, profile) =>
        whileOpen(() => {
          const decoded = decodeCard({ card: scanned })
          if (isLeft(decoded)) return decoded
          card = scanned
          customer = profile ?? { card: scanned }
          return right(basket())
        }),
      setLines: (next) =>
        whileOpen(() => {
          const decoded = decodeBasket({ ...basket(), lines: next })
          if (isLeft(decoded)) return decoded
          lines = next
          return right(basket())
        }),
      addLine: (line) =>
        whileOpen(() => {
          const decoded = decodeLine(line)
          if (isLeft(decoded)) return decoded
          if (lines.some((l) => l.id === line.id)) return left(duplicateLine(line.id))
          lines = [...lines, line]
          return right(basket())
        }),
      removeLine: (lineId) =>
        whileOpen(() => {
          if (!lines.some((l) => l.id === lineId)) return left(unknownLine(lineId, `checkout ${transactionId}`))
          lines = lines.filter((l) => l.id !== lineId)
          return right(basket())
        }),
      applyCode: async (typed) => {
        if (state !== 'open') return left(sessionClosed(transactionId, state))
        const decoded = decodeCode({ code: typed })
        if (isLeft(decoded)) return decoded
        const code = normaliseCode(typed)
        const pools = await store.pools()
        const now = clock.now()
        const held = await store.transact(async (tx): Promise<Either<CheckoutError, AcceptedCode>> => {
          const [row] = await tx.lockCodes([code])
          const judged = judgeStored(row, code, card, transactionId, now, pools)
          if (isLeft(judged)) return judged
          const stored = row as StoredCode
          const reservations = [
            ...stored.reservations.filter((r) => r.sessionId !== transactionId && r.expiresAtMs > now),
            { sessionId: transactionId, ...(card !== undefined ? { card } : {}), expiresAtMs: now + holdMs },
          ]
          await tx.saveCodes([{ ...stored, reservations }])
          return judged
        })
        if (isLeft(held)) return held
        if (!codes.some((c) => c.code === code)) codes = [...codes, held.right]
        return held
      },
      removeCode: async (typed) => {
        if (state !== 'open') return left(sessionClosed(transactionId, state))
        const code = normaliseCode(typed)
        if (!codes.some((c) => c.code === code))
          return left(checkoutCodeRejected(code, 'UNKNOWN', `code ${code} is not applied to this checkout`))
        const released = await release([code])
        if (isLeft(released)) return released
        codes = codes.filter((c) => c.code !== code)
        return right(basket())
      },
      price: async () => {
        if (state === 'voided') return left(sessionClosed(transactionId, state))
        const priced = await evaluateWithin(basket(), customer, codes, (ids, keys) => store.usage(ids, keys))
        return right(priced.evaluation)
      },
      close: async (tenders) => {
        if (state === 'voided') return left(sessionClosed(transactionId, state))
        const closed = await close({ basket: basket(), ...(customer ? { customer } : {}), tenders })
        if (closed._tag === 'Right') state = 'closed'
        return closed
      },
      void: async () => {
        if (state !== 'open') return left(sessionClosed(transactionId, state))
        const released = await release(codes.map((c) => c.code))
        if (isLeft(released)) return released
        state = 'voided'
        codes = []
        return right(undefined)
      },
    }
  }

  return { open, close, return: returnSale }
}

/**
 * Judges a stored code for a session: `judgeCode`, plus the checkout's own cases: an unknown code
 * that has the shape of a pool's pattern but a wrong check character is `BAD_CHECK_CHARACTER`, and
 * a coupon revoked by a full return is refused as `EXPIRED` with a message saying why.
 * @category checkout
 */
export const judgeStored = (
  row: StoredCode | undefined,
  code: string,
  card: string | undefined,
  sessionId: string,
  now: number,
  pools: readonly CodePool[] = [],
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
  const judged = judgeCode(row, { ...(card !== undefined ? { card } : {}), sessionId }, now, code)
  if (isLeft(judged)) return left(checkoutCodeRejected(code, judged.left.reason, judged.left.message))
  return right({ code: row.code, pool: row.pool })
}

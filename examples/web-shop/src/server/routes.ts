import type { Campaign, DecodeError, Evaluation, IssuedCoupon, Program, Reason, Receipt } from '@tessera/core'
import { decodeWith, NonEmptyString, PositiveCount, strictObject } from '@tessera/core'
import { badInput, problem } from '@tessera/server'
import type { FastifyInstance, FastifyReply, InjectOptions } from 'fastify'
import * as t from 'io-ts'
import type { Product } from '../../../till-simulator/src/store/catalog.js'
import { basketOf, type CartLine, type Shelf } from './catalogue.js'

/**
 * The shop's own routes under `/shop/api/`: what the page calls. They take a cart (SKUs and
 * quantities, never prices), build the basket from the catalogue, and call Tessera's routes in the
 * same process (`inject`, with the shop's key, which never leaves the server). Every body is
 * decoded strictly: a wrong or unknown field is a 400 problem naming it, and nothing is called.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** What the routes need from the shop. @category web-shop */
export interface ShopRoutesConfig {
  readonly storeId: string
  readonly shelves: readonly Shelf[]
  /** The products on sale, by SKU (the shelves' and the free gift). */
  readonly sellable: ReadonlyMap<string, Product>
  readonly campaigns: readonly Campaign[]
  readonly program: Program
  /** The shop's API key for Tessera's routes (kept on the server). */
  readonly apiKey: () => string
  /** The local time of a sale (ISO with the shop's offset). */
  readonly now: () => string
  /** The first name of a card's holder, for the greeting (the shop's CRM). */
  readonly holderName?: (card: string) => string | undefined
  /** A stored close of a transaction, for a checkout retried after its answer was lost. */
  readonly findReceipt: (transactionId: string) => Promise<Receipt | undefined>
}

/** A line of the cart page: the product and what the evaluation made of it. @category web-shop */
export interface CartViewLine {
  readonly lineId: string
  readonly sku: string
  readonly name: string
  readonly quantity: number
  readonly unitPrice: number
  readonly amount: number
  readonly discount: number
  readonly net: number
  /** The discounts of this line: each campaign's label and its share of the discount here. */
  readonly discounts: readonly { readonly campaignId: string; readonly label: string; readonly amount: number }[]
}

/** A nudge, with what to add to follow it when the engine confirms that it gives the reward. @category web-shop */
export interface CartNudge {
  readonly campaignId: string
  readonly message: string
  readonly missing: { readonly amount?: number; readonly quantity?: number; readonly unit?: string }
  readonly follow?: { readonly sku: string; readonly name: string; readonly quantity: number }
}

/** A code's judgement on the cart: refused with its reason, or accepted (and whether its offer applied). @category web-shop */
export interface CartCode {
  readonly code: string
  readonly accepted: boolean
  readonly reason?: string
  /** For an accepted code: whether its campaign gave something, and if not, why (the engine's reasons). */
  readonly applied?: boolean
  readonly reasons?: readonly Reason[]
}

/** What the cart page shows after each change. @category web-shop */
export interface CartView {
  readonly lines: readonly CartViewLine[]
  readonly subtotal: number
  readonly discountTotal: number
  readonly total: number
  readonly discounts: readonly { readonly campaignId: string; readonly label: string; readonly amount: number }[]
  readonly gifts: readonly { readonly sku: string; readonly name: string; readonly quantity: number }[]
  readonly nudges: readonly CartNudge[]
  readonly codes: readonly CartCode[]
  readonly points: number
  readonly coupons: readonly { readonly label: string; readonly validUntil?: string }[]
  readonly warnings: readonly string[]
}

// ── codecs ───────────────────────────────────────────────────────────────────────────────────────

const MAX_LINES = 40
const MAX_QUANTITY = 99
const MAX_CODES = 5
/** Pricings spent per request on finding what follows the nudges. */
const FOLLOW_TRIES = 12

const Quantity = new t.Type<number, number, unknown>(
  'Quantity',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 1 && u <= MAX_QUANTITY,
  (u, c) =>
    PositiveCount.is(u) && (u as number) <= MAX_QUANTITY
      ? t.success(u as number)
      : t.failure(u, c, `must be a whole number from 1 to ${MAX_QUANTITY}`),
  t.identity,
)
const CardNumber = new t.Type<string, string, unknown>(
  'CardNumber',
  (u): u is string => typeof u === 'string' && /^\d{6,19}$/.test(u),
  (u, c) => (typeof u === 'string' && /^\d{6,19}$/.test(u) ? t.success(u) : t.failure(u, c, 'must be 6 to 19 digits')),
  t.identity,
)
const Code = new t.Type<string, string, unknown>(
  'Code',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' && u.trim().length > 0 && u.length <= 200 && /^[\x20-\x7e]+$/.test(u)
      ? t.success(u.trim())
      : t.failure(u, c, 'must be 1 to 200 visible characters'),
  t.identity,
)
const bounded = <C extends t.Mixed>(codec: C, max: number, name: string) =>
  new t.Type<t.TypeOf<C>[], t.TypeOf<C>[], unknown>(
    name,
    (u): u is t.TypeOf<C>[] => Array.isArray(u) && u.length <= max,
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, 'must be an array')
      if (u.length > max) return t.failure(u, c, `must hold at most ${max} entries`)
      return t.array(codec).validate(u, c)
    },
    t.identity,
  )

const CartLineCodec = strictObject('CartLine', { sku: NonEmptyString, quantity: Quantity })
const CartCodec = bounded(CartLineCodec, MAX_LINES, 'Cart')
const PriceBody = strictObject(
  'ShopPriceBody',
  { cart: CartCodec },
  { codes: bounded(Code, MAX_CODES, 'Codes'), card: CardNumber },
)
const CheckoutBody = strictObject(
  'ShopCheckoutBody',
  { cart: CartCodec },
  { codes: bounded(Code, MAX_CODES, 'Codes'), card: CardNumber },
)

type PriceBodyT = { cart: CartLine[]; codes?: string[]; card?: string }

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

/** An answer of Tessera's route, as the shop's routes hand it on. */
interface Answered {
  readonly status: number
  readonly body: Record<string, unknown>
  readonly retryAfter?: string
}

/** The guard's name of a shopper: their address (IPv6 kept whole; at most 128 visible characters). */
const shopperId = (ip: string) => `ip:${ip}`.replace(/[^\x21-\x7e]/g, '_').slice(0, 128)

const PROBLEM_JSON = 'application/problem+json'

const sendProblem = (reply: FastifyReply, p: { readonly status: number }) =>
  reply.code(p.status).type(PROBLEM_JSON).send(p)

const fromDecodeError = (e: DecodeError) => badInput(e.message, e.problems)

/** Problems of a decoded cart the codec cannot see: SKUs not on sale, a SKU twice. */
const cartProblems = (cart: readonly CartLine[], sellable: ReadonlyMap<string, Product>) => {
  const problems: { path: string; reason: string }[] = []
  const seen = new Set<string>()
  for (const [i, line] of cart.entries()) {
    if (!sellable.has(line.sku))
      problems.push({ path: `cart.${i}.sku`, reason: 'is not a product on sale in this shop' })
    else if (seen.has(line.sku))
      problems.push({
        path: `cart.${i}.sku`,
        reason: 'appears twice in the cart: send one line with the total quantity',
      })
    seen.add(line.sku)
  }
  return problems
}

/** The pools of the campaigns that take a code, to find the campaign of an accepted code. */
const campaignOfPool = (campaigns: readonly Campaign[]) => {
  const byPool = new Map<string, string>()
  for (const c of campaigns) {
    const pool = (c as { code?: { pool?: string } }).code?.pool
    if (pool !== undefined) byPool.set(pool, c.id)
  }
  return byPool
}

/**
 * The member offers: campaigns for card holders (a card required, or a tier, a lifecycle, a
 * birthday…) that give something on this visit: no code needed, not a coupon for next time.
 */
const memberOffers = (campaigns: readonly Campaign[]) =>
  new Map(
    campaigns
      .filter((c) => {
        const e = (c as { eligibility?: { cardRequired?: boolean; customer?: unknown } }).eligibility
        const reward = c.reward as { issueCoupon?: unknown }
        return (
          (e?.cardRequired === true || e?.customer !== undefined) &&
          (c as { code?: unknown }).code === undefined &&
          reward.issueCoupon === undefined
        )
      })
      .map((c) => [c.id, (c as { name?: string }).name ?? c.id] as const),
  )

const NOT_FOR_THIS_CUSTOMER = new Set(['CUSTOMER_CONDITION', 'CARD_REQUIRED', 'HELD_OUT', 'LIMIT_REACHED'])

// ── the routes ───────────────────────────────────────────────────────────────────────────────────

/**
 * Registers the shop's routes on the app that also serves Tessera's (`createServer`'s instance).
 * @category web-shop
 */
export const registerShopRoutes = (app: FastifyInstance, config: ShopRoutesConfig) => {
  const { sellable, storeId } = config
  const pools = campaignOfPool(config.campaigns)
  const offers = memberOffers(config.campaigns)
  const probeCart = config.shelves.flatMap((s) => s.products.map((p) => ({ sku: p.sku, quantity: 1 })))

  /**
   * Calls Tessera's route with the shop's key, naming the shopper (`Tessera-Shopper`: the visitor's
   * address, `request.ip`, behind the shop's proxy when `trustProxy` is set), so that the server's
   * guard against guessing codes blocks the guesser, not the whole shop.
   */
  const tessera = async (options: InjectOptions, shopper: string) => {
    const answer = await app.inject({
      ...options,
      headers: {
        ...(options.headers ?? {}),
        authorization: `Bearer ${config.apiKey()}`,
        'tessera-shopper': shopperId(shopper),
      },
    })
    const retryAfter = answer.headers['retry-after']
    return {
      status: answer.statusCode,
      body: answer.json() as Record<string, unknown>,
      ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
    }
  }
  /** A refusal of Tessera's answered as is (a 429 keeps its Retry-After). */
  const relay = (reply: FastifyReply, answer: { status: number; body: unknown; retryAfter?: string }) => {
    if (answer.retryAfter !== undefined) reply.header('retry-after', answer.retryAfter)
    return reply.code(answer.status).type(PROBLEM_JSON).send(answer.body)
  }

  const decode = <A>(codec: t.Decoder<unknown, A>, document: string, body: unknown) => {
    const decoded = decodeWith(codec, document)(body)
    if (decoded._tag === 'Left') return { problem: fromDecodeError(decoded.left) }
    const value = decoded.right as unknown as PriceBodyT
    const extra = cartProblems(value.cart, sellable)
    if (extra.length > 0)
      return { problem: badInput(`${document}: the cart names products that cannot be sold`, extra) }
    return { value }
  }

  const basketFor = (body: PriceBodyT, id: string) =>
    basketOf(sellable, body.cart, {
      id,
      storeId,
      at: config.now(),
      ...(body.card !== undefined ? { card: body.card } : {}),
      ...(body.codes !== undefined ? { codes: body.codes } : {}),
    })
  const priceOf = (body: PriceBodyT, id: string, shopper: string, basket = basketFor(body, id)) =>
    tessera({ method: 'POST', url: '/v1/price', payload: { basket } }, shopper)

  /**
   * What to add to follow a quantity nudge: the first product (the cart's first) with which the
   * engine gives the reward. The tries are priced without the cart's codes (a refused code would
   * count again against the guessing guard), at most `budget.left` of them per request.
   */
  const followOf = async (
    body: PriceBodyT,
    nudge: CartNudge,
    budget: { left: number },
    shopper: string,
  ): Promise<CartNudge['follow']> => {
    const quantity = nudge.missing.quantity
    if (quantity === undefined || nudge.missing.unit === 'kg') return undefined
    const units = Math.ceil(quantity)
    const inCart = body.cart.map((l) => l.sku)
    const onShelves = config.shelves.flatMap((s) => s.products.map((p) => p.sku)).filter((s) => !inCart.includes(s))
    for (const sku of [...inCart, ...onShelves].slice(0, 6)) {
      if (budget.left-- <= 0) return undefined
      const cart = inCart.includes(sku)
        ? body.cart.map((l) => (l.sku === sku ? { ...l, quantity: Math.min(MAX_QUANTITY, l.quantity + units) } : l))
        : [...body.cart, { sku, quantity: units }]
      const tried = await priceOf(
        { cart, ...(body.card !== undefined ? { card: body.card } : {}) },
        'WEB-nudge',
        shopper,
      )
      if (tried.status !== 200) continue
      const evaluation = tried.body.evaluation as Evaluation
      if (evaluation.discounts.some((d) => d.campaignId === nudge.campaignId && d.amount > 0))
        return { sku, name: (sellable.get(sku) as Product).name, quantity: units }
    }
    return undefined
  }

  const cartView = async (body: PriceBodyT, priced: Record<string, unknown>, shopper: string): Promise<CartView> => {
    const evaluation = priced.evaluation as Evaluation
    const judged = (priced.codes ?? []) as readonly {
      code: string
      accepted: boolean
      pool?: string
      reason?: string
    }[]
    const lines = evaluation.lines.map((l, i) => {
      const product = sellable.get((body.cart[i] as CartLine).sku) as Product
      return {
        lineId: l.id,
        sku: product.sku,
        name: product.name,
        quantity: (body.cart[i] as CartLine).quantity,
        unitPrice: product.unitPrice,
        amount: l.amount,
        discount: l.discount,
        net: l.net,
        discounts: evaluation.discounts.flatMap((d) =>
          (d.allocations ?? [])
            .filter((a) => a.lineId === l.id && a.amount > 0)
            .map((a) => ({ campaignId: d.campaignId, label: d.label, amount: a.amount })),
        ),
      }
    })
    const nudges: CartNudge[] = []
    const budget = { left: FOLLOW_TRIES }
    for (const n of evaluation.nudges) {
      const nudge: CartNudge = {
        campaignId: n.campaignId,
        message: n.message,
        missing: n.missing as CartNudge['missing'],
      }
      const follow = await followOf(body, nudge, budget, shopper)
      nudges.push(follow !== undefined ? { ...nudge, follow } : nudge)
    }
    const explanation = (campaignId: string | undefined) =>
      evaluation.explanations.find((e) => e.campaignId === campaignId)
    const codes: CartCode[] = judged.map((c) => {
      if (!c.accepted) return { code: c.code, accepted: false, ...(c.reason !== undefined ? { reason: c.reason } : {}) }
      const e = explanation(c.pool !== undefined ? pools.get(c.pool) : undefined)
      return { code: c.code, accepted: true, applied: e?.applied ?? false, reasons: e?.reasons ?? [] }
    })
    return {
      lines,
      subtotal: evaluation.subtotal,
      discountTotal: evaluation.discountTotal,
      total: evaluation.total,
      discounts: evaluation.discounts.map((d) => ({ campaignId: d.campaignId, label: d.label, amount: d.amount })),
      gifts: evaluation.gifts.map((g) => ({
        sku: g.sku,
        name: sellable.get(g.sku)?.name ?? g.sku,
        quantity: g.quantity,
      })),
      nudges,
      codes,
      points: evaluation.points.earned,
      coupons: evaluation.coupons.map((c) => ({
        label: c.label,
        ...(c.validUntil !== undefined ? { validUntil: c.validUntil } : {}),
      })),
      warnings: ((priced.warnings ?? []) as readonly { code: string }[]).map((w) => w.code),
    }
  }

  /** An empty cart: nothing to price (Tessera refuses an empty basket), its codes judged alone. */
  const emptyCartView = async (body: PriceBodyT, shopper: string): Promise<CartView | { refused: Answered }> => {
    const codes: CartCode[] = []
    for (const code of body.codes ?? []) {
      const judged = await tessera(
        {
          method: 'POST',
          url: '/v1/codes/validate',
          payload: { code, ...(body.card !== undefined ? { card: body.card } : {}) },
        },
        shopper,
      )
      if (judged.status !== 200) return { refused: judged }
      const j = judged.body as { accepted?: boolean; reason?: string }
      codes.push(
        j.accepted === true
          ? { code, accepted: true, applied: false, reasons: [] }
          : { code, accepted: false, reason: j.reason ?? String(judged.body.code ?? 'UNKNOWN') },
      )
    }
    return {
      lines: [],
      subtotal: 0,
      discountTotal: 0,
      total: 0,
      discounts: [],
      gifts: [],
      nudges: [],
      codes,
      points: 0,
      coupons: [],
      warnings: [],
    }
  }

  app.get('/shop/api/catalogue', async (_request, reply) =>
    reply.send({ storeId, currency: 'EUR', shelves: config.shelves }),
  )

  app.post('/shop/api/price', async (request, reply) => {
    const body = decode(PriceBody, 'cart', request.body)
    if (body.problem) return sendProblem(reply, body.problem)
    if (body.value.cart.length === 0) {
      const view = await emptyCartView(body.value, request.ip)
      return 'refused' in view ? relay(reply, view.refused) : reply.send(view)
    }
    const priced = await priceOf(body.value, 'WEB-cart', request.ip)
    if (priced.status !== 200) return relay(reply, priced)
    return reply.send(await cartView(body.value, priced.body, request.ip))
  })

  app.get<{ Params: { card: string } }>('/shop/api/cards/:card', async (request, reply) => {
    const card = request.params.card
    if (!/^\d{6,19}$/.test(card))
      return sendProblem(
        reply,
        badInput('not a card number', [{ path: 'params.card', reason: 'must be 6 to 19 digits' }]),
      )
    const view = await tessera({ method: 'GET', url: `/v1/cards/${card}` }, request.ip)
    if (view.status !== 200) return relay(reply, view)
    const v = view.body as {
      status: string
      customer?: { tier?: string; lifecycle?: string; stats?: { visits?: number } }
      balance?: { available: number; pending: number; reserved: number }
      tier?: { current?: string; next?: string; missing: { spend?: number }; message: string }
    }
    if (v.status !== 'active')
      return sendProblem(reply, problem(422, 'CARD_NOT_ACTIVE', `this card is ${v.status}`, { status: v.status }))
    const nextTier = config.program.tiers?.find((x) => x.id === v.tier?.next)
    const threshold = (nextTier?.qualify as { spend?: number } | undefined)?.spend
    const missing = v.tier?.missing.spend
    const available = v.balance?.available ?? 0
    const name = config.holderName?.(card)
    // The card's offers today: the engine judges every member campaign on a probe basket of one of
    // each product on the shelves, with this card; those it does not refuse for who the customer is.
    const probe = await priceOf({ cart: probeCart, card }, 'WEB-offers', request.ip)
    const offered =
      probe.status !== 200
        ? []
        : (probe.body.evaluation as Evaluation).explanations
            .filter((e) => offers.has(e.campaignId) && !e.reasons.some((r) => NOT_FOR_THIS_CUSTOMER.has(r.code)))
            .map((e) => ({ campaignId: e.campaignId, name: offers.get(e.campaignId) as string }))
    return reply.send({
      offers: offered,
      card,
      ...(name !== undefined ? { name } : {}),
      balance: {
        available: v.balance?.available ?? 0,
        pending: v.balance?.pending ?? 0,
        reserved: v.balance?.reserved ?? 0,
      },
      tier: {
        ...(v.tier?.current !== undefined ? { current: v.tier.current } : {}),
        ...(v.tier?.next !== undefined ? { next: v.tier.next } : {}),
        message: v.tier?.message ?? '',
        ...(threshold !== undefined && missing !== undefined
          ? { spent: Math.max(0, threshold - missing), threshold }
          : {}),
      },
      ...(v.customer?.lifecycle !== undefined ? { lifecycle: v.customer.lifecycle } : {}),
      rewards: (config.program.rewards ?? []).map((r) => ({
        id: r.id,
        cost: r.cost,
        affordable: available >= r.cost,
      })),
    })
  })

  app.post('/shop/api/checkout', async (request, reply) => {
    const header = request.headers['idempotency-key']
    const key = typeof header === 'string' ? header : undefined
    if (key === undefined || !/^[A-Za-z0-9-]{8,64}$/.test(key))
      return sendProblem(
        reply,
        badInput('a checkout needs an Idempotency-Key header', [
          {
            path: 'headers.idempotency-key',
            reason:
              key === undefined
                ? 'is required: one per checkout, the same on a retry'
                : 'must be 8 to 64 letters, digits or dashes',
          },
        ]),
      )
    const body = decode(CheckoutBody, 'checkout', request.body)
    if (body.problem) return sendProblem(reply, body.problem)
    if (body.value.cart.length === 0)
      return sendProblem(
        reply,
        badInput('the cart is empty', [{ path: 'cart', reason: 'must hold at least one line' }]),
      )
    const transactionId = `WEB-${key}`
    // A retry after a lost answer: the close is stored, answer its receipt again (nothing is booked).
    const prior = await config.findReceipt(transactionId)
    if (prior !== undefined) return reply.header('idempotent-replayed', 'true').send(receiptView(prior, sellable))
    const basket = basketFor(body.value, transactionId)
    const priced = await priceOf(body.value, transactionId, request.ip, basket)
    if (priced.status !== 200) return relay(reply, priced)
    const evaluation = priced.body.evaluation as Evaluation
    const refused = ((priced.body.codes ?? []) as { code: string; accepted: boolean; reason?: string }[]).filter(
      (c) => !c.accepted,
    )
    if (refused.length > 0)
      return sendProblem(
        reply,
        problem(422, 'CODE_REFUSED', 'remove the refused codes before checking out', {
          codes: refused.map((c) => ({ code: c.code, reason: c.reason })),
        }),
      )
    const closed = await tessera(
      {
        method: 'POST',
        url: '/v1/close',
        headers: { 'idempotency-key': `close-${key}` },
        payload: { transactionId, basket, tenders: [{ type: 'card', amount: evaluation.total }] },
      },
      request.ip,
    )
    if (closed.status === 409) {
      const stored = await config.findReceipt(transactionId)
      if (stored !== undefined) return reply.header('idempotent-replayed', 'true').send(receiptView(stored, sellable))
    }
    if (closed.status !== 200) return relay(reply, closed)
    return reply.send(receiptView(closed.body as unknown as Receipt, sellable))
  })
}

/** The receipt as the thank-you page shows it: what was paid and saved, the points, the coupons to print. */
const receiptView = (r: Receipt, sellable: ReadonlyMap<string, Product>) => ({
  transactionId: r.transactionId,
  at: r.at,
  total: r.total,
  savings: r.savings,
  lines: r.lines.map((l) => ({
    sku: l.sku,
    name: sellable.get(l.sku)?.name ?? l.sku,
    quantity: l.quantity,
    net: l.net,
  })),
  discounts: r.discounts.map((d) => ({ label: d.label, amount: d.amount })),
  points: r.points,
  coupons: r.coupons.map((c: IssuedCoupon) => ({
    label: c.label,
    code: c.code,
    validUntil: c.validUntil,
    barcode: c.barcode,
  })),
  ...(r.card !== undefined ? { card: r.card } : {}),
})

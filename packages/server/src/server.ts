import { createHash, randomUUID } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import {
  type CartToBasketOptions,
  createCommercetoolsExtension,
  ExtensionActionsCodec,
  ExtensionErrorsCodec,
  ExtensionInputCodec,
  type Strategy,
} from '@tessera/adapter-commercetools'
import {
  type Basket,
  type Campaign,
  type Clock,
  type CloseRequest,
  type Customer,
  canonicalJson,
  createLoyaltyHost,
  type DecodeError,
  decodeWith,
  type Ids,
  type Keyring,
  type LoyaltyHost,
  maskCard,
  type Program,
  problemsOf,
  uuidV7Ids,
} from '@tessera/core'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { isLeft } from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { Counter, Histogram, Registry } from 'prom-client'
import { authenticate, type Till } from './keys.js'
import { type FailureLimiter, failureLimiter } from './limiter.js'
import { openApiDocument, type RouteDoc } from './openapi.js'
import { answerPosLog } from './poslog.js'
import { badInput, PROBLEM_JSON, type Problem, problem, problemOfError } from './problems.js'
import {
  type ApiKeyRow,
  type BookingContext,
  bookingContext,
  IdempotencyRefusal,
  type IdempotencyRow,
  isKeyRefusal,
} from './serverStore.js'
import type { ServerStores } from './stores.js'
import {
  CardViewCodec,
  CloseBodyCodec,
  CloseEnvelopeCodec,
  CodeValidationCodec,
  EnrolBodyCodec,
  EnrolmentCodec,
  GrantCodec,
  HealthCodec,
  PosLogBodyCodec,
  PriceBodyCodec,
  PricedCodec,
  PriceEnvelopeCodec,
  ProblemCodec,
  ReceiptCodec,
  RedeemBodyCodec,
  ReplaceBodyCodec,
  ReplacementCodec,
  ReturnBodyCodec,
  ReturnReceiptCodec,
  ValidateBodyCodec,
  VoidBodyCodec,
  VoidedCodec,
} from './wire.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What a server needs: its stores (one backend, {@link openServerStores}), the program and the
 * campaigns, the coupon signing keys, and the clock (code holds, default times of returns and
 * enrolments, the brute-force window). The rest has defaults.
 * @category server
 */
export interface ServerConfig {
  readonly store: ServerStores
  readonly program?: Program
  readonly campaigns: readonly Campaign[]
  /** The keys that sign checkout coupons. */
  readonly keys: { readonly keyring: Keyring; readonly keyId: string }
  readonly clock: Clock
  /** Ids of new accounts (default UUID v7). */
  readonly ids?: Ids
  /** The shop's time zone (limit periods). Default Europe/Paris. */
  readonly storeTimeZone?: string
  /**
   * Failed code attempts allowed per till and per card in `windowMs` (default 10 a minute). A till
   * that serves many shoppers (a web shop) names the shopper of each request in the
   * `Tessera-Shopper` header: its failures then count per shopper (`limit`), and the till as a whole
   * is blocked only past `sharedLimit` (default 10 times `limit`), so one guesser does not lock out
   * the shop. A request without the header is judged against `limit` for the till, as before.
   */
  readonly codeAttempts?: { readonly limit?: number; readonly windowMs?: number; readonly sharedLimit?: number }
  /**
   * Fastify's `trustProxy` (default `false`): whether `request.ip` is read from `X-Forwarded-For`
   * (a shop behind its reverse proxy, which keys its shoppers by address).
   */
  readonly trustProxy?: boolean | string | readonly string[] | number
  /** Largest request body in bytes (default 256 KiB). */
  readonly bodyLimit?: number
  /** Whole-request timeout in milliseconds (default 15 s). */
  readonly requestTimeoutMs?: number
  /** How long an accepted API key is trusted without reading the store again (default 1 s; 0: never cached). */
  readonly keyCacheMs?: number
  /** Fastify's logger option: `false` for none, `true` or pino options for structured logs. Default `false`. */
  readonly logger?: boolean | Record<string, unknown>
  /**
   * Mounts the commercetools Cart API Extension at `POST /v1/commercetools/extension` (absent: no
   * such route). The shop is the key's; the time of the sale is the clock's.
   */
  readonly commercetools?: CommercetoolsRouteOptions
}

/** The commercetools extension route's options: how it writes discounts and reads the cart. @category server */
export interface CommercetoolsRouteOptions {
  readonly strategy?: Strategy
  readonly catalog?: CartToBasketOptions['catalog']
  readonly fields?: CartToBasketOptions['fields']
}

declare module 'fastify' {
  interface FastifyRequest {
    till: Till | undefined
  }
}

const VERSION = '0.1.0'

/** The header in which a till serving many shoppers names the shopper of a request (the code guard's subject). */
const SHOPPER_HEADER = 'tessera-shopper'
const SHOPPER = /^[\x21-\x7e]{1,128}$/

/** A route's answer: the status and the document (serialised once, so a replay sends the same bytes). */
interface Answer {
  readonly status: number
  readonly body: unknown
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/** Card numbers in a URL or message, masked but for their last 4 digits. */
const maskCards = (s: string) => s.replace(/\d{8,}/g, (d) => maskCard(d))

const isoNow = (clock: Clock) => new Date(clock.now()).toISOString()

const answerOfError = (error: { readonly _tag: string; readonly message?: string }): Answer => {
  const p = problemOfError(error)
  return { status: p.status, body: p }
}

const ok = (body: unknown): Answer => ({ status: 200, body })

/**
 * The UTF-8 bytes of an answer, encoded once. A string with one character beyond Latin-1 (a '€' in
 * a message) is held by V8 as UTF-16, and sending it as a string costs a measuring pass
 * (`Buffer.byteLength`, for Content-Length) and then the encoding: on the price's 58 KB answer about
 * 60 + 40 µs, against 40 µs for one `write` into a buffer of the largest size (3 bytes a unit).
 */
const utf8 = (text: string): Buffer => {
  const bytes = Buffer.allocUnsafe(text.length * 3)
  return bytes.subarray(0, bytes.write(text, 'utf8'))
}

/** The shop of a stored close, from its canonical request. */
const shopOfClose = (requestJson: string): string | undefined => {
  try {
    return (JSON.parse(requestJson) as { basket?: { storeId?: string } }).basket?.storeId
  } catch {
    return undefined
  }
}

/** What the routes read of a basket the core has not decoded yet: only strings they can trust. */
const rawBasket = (u: unknown) => {
  const b = (typeof u === 'object' && u !== null ? u : {}) as Record<string, unknown>
  return {
    storeId: typeof b.storeId === 'string' ? b.storeId : undefined,
    card: typeof b.card === 'string' ? b.card : undefined,
    codes: Array.isArray(b.codes) ? b.codes.length : 0,
  }
}

/** A malformed `codes` of the basket is left for the core to name; otherwise the extra codes follow its own. */
const withCodes = (basket: Basket, codes: readonly string[]): Basket => {
  const own: unknown = (basket as { codes?: unknown }).codes
  return own === undefined || Array.isArray(own)
    ? { ...basket, codes: [...((own as string[]) ?? []), ...codes] }
    : basket
}

/** The core names fields below the document it decoded (`basket`, `customer`, `tenders`): put the prefix back. */
const withPrefix = <E extends { readonly _tag: string }>(e: E): E => {
  const d = e as unknown as DecodeError
  if (d._tag !== 'DecodeError' || !['basket', 'customer', 'tenders'].includes(d.document)) return e
  return {
    ...d,
    problems: d.problems.map((p) => ({
      path: p.path === '' ? d.document : `${d.document}.${p.path}`,
      reason: p.reason,
    })),
  } as unknown as E
}

// ── the server ───────────────────────────────────────────────────────────────────────────────────

/**
 * Creates the HTTP loyalty host as a Fastify instance (not listening: call `listen`, or `inject` in
 * a test, or mount it in a shop's own process). Every route decodes its body with the wire codecs,
 * calls the host, and encodes the result; errors are `application/problem+json`.
 * @category server
 */
export const createServer = (config: ServerConfig): FastifyInstance => {
  const { store, clock } = config
  const host: LoyaltyHost = createLoyaltyHost({
    stores: { loyalty: store.loyalty, checkout: store.checkout },
    ...(config.program !== undefined ? { program: config.program } : {}),
    campaigns: config.campaigns,
    keyring: config.keys.keyring,
    keyId: config.keys.keyId,
    clock,
    ids: config.ids ?? uuidV7Ids,
    storeTimeZone: config.storeTimeZone ?? 'Europe/Paris',
  })
  const limiter: FailureLimiter = failureLimiter(config.codeAttempts?.limit, config.codeAttempts?.windowMs)
  const codeLimit = config.codeAttempts?.limit ?? 10
  const sharedLimit = config.codeAttempts?.sharedLimit ?? codeLimit * 10
  const keyCacheMs = config.keyCacheMs ?? 1000
  const keyCache = new Map<string, { readonly row: ApiKeyRow | undefined; readonly until: number }>()
  const findKey = async (keyId: string) => {
    const now = Date.now()
    const cached = keyCache.get(keyId)
    if (cached !== undefined && cached.until > now) return cached.row
    const row = await store.server.findKey(keyId)
    if (keyCacheMs > 0) keyCache.set(keyId, { row, until: now + keyCacheMs })
    return row
  }

  // Logs: structured (pino), with request ids; URLs with card numbers masked, no body, no header.
  const logger =
    config.logger === undefined || config.logger === false
      ? false
      : {
          ...(config.logger === true ? {} : config.logger),
          serializers: {
            req: (req: { method: string; url: string; id: string }) => ({
              method: req.method,
              url: maskCards(req.url),
              reqId: req.id,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        }
  const app = Fastify({
    logger,
    bodyLimit: config.bodyLimit ?? 256 * 1024,
    requestTimeout: config.requestTimeoutMs ?? 15_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 10_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
    },
    requestIdHeader: false,
    // Fastify's overloads take one of its types at a time: the union is read as it is given.
    trustProxy: (config.trustProxy ?? false) as boolean,
  })
  app.decorateRequest('till', undefined)

  // ── metrics ────────────────────────────────────────────────────────────────────────────────────
  const registry = new Registry()
  const requests = new Counter({
    name: 'tessera_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  const closes = new Counter({ name: 'tessera_closes_total', help: 'Sales closed', registers: [registry] })
  const refusals = new Counter({
    name: 'tessera_refusals_total',
    help: 'Requests refused, by problem code',
    labelNames: ['code'] as const,
    registers: [registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown'
    requests.inc({ route, method: request.method, status: String(reply.statusCode) })
    latency.observe({ route }, reply.elapsedTime / 1000)
  })

  // ── parsing: JSON only, malformed JSON is a 400 naming the root ───────────────────────────────
  app.removeAllContentTypeParsers()
  // POSLog (one transaction per request, on /v1/poslog only) is XML: read as text, the adapter parses it.
  app.addContentTypeParser(/^(application|text)\/(.+\+)?xml$/, { parseAs: 'string' }, (request, body, done) => {
    if (request.url.split('?')[0] !== '/v1/poslog') {
      return done(
        Object.assign(new Error('XML is for POST /v1/poslog'), {
          statusCode: 415,
          code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        }),
        undefined,
      )
    }
    done(null, body)
  })
  app.addContentTypeParser(/^application\/(.+\+)?json$/, { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, undefined)
    try {
      done(null, JSON.parse(body as string))
    } catch (e) {
      const err = Object.assign(new Error('malformed JSON'), {
        statusCode: 400,
        problem: badInput('the body is not valid JSON', [
          { path: '', reason: `malformed JSON: ${(e as Error).message}` },
        ]),
      })
      done(err, undefined)
    }
  })

  const send = (reply: FastifyReply, answer: Answer, raw?: string) => {
    const isProblem = answer.status >= 400
    if (isProblem) refusals.inc({ code: String((answer.body as Problem).code) })
    return reply
      .code(answer.status)
      .type(isProblem ? PROBLEM_JSON : 'application/json')
      .send(utf8(raw ?? JSON.stringify(answer.body)))
  }

  app.setErrorHandler((error, request, reply) => {
    const e = error as Error & { statusCode?: number; code?: string; problem?: Problem }
    if (e.problem !== undefined) return send(reply, { status: e.problem.status, body: e.problem })
    const status = e.statusCode ?? 500
    if (status >= 500) request.log.error({ err: { message: maskCards(e.message), code: e.code } }, 'request failed')
    const code =
      e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'BODY_TOO_LARGE'
          : status >= 500
            ? 'INTERNAL'
            : 'BAD_REQUEST'
    const detail =
      code === 'UNSUPPORTED_MEDIA_TYPE'
        ? 'send the body as application/json'
        : status >= 500
          ? 'the server failed; nothing was booked that a retry with the same Idempotency-Key would book twice'
          : maskCards(e.message)
    return send(reply, { status, body: problem(status, code, detail) })
  })
  app.setNotFoundHandler((request, reply) =>
    send(reply, {
      status: 404,
      body: problem(404, 'NOT_FOUND', `no route ${request.method} ${maskCards(request.url)}`),
    }),
  )

  // ── auth ───────────────────────────────────────────────────────────────────────────────────────
  const unauthorized = (reply: FastifyReply) =>
    send(reply.header('www-authenticate', 'Bearer realm="tessera"'), {
      status: 401,
      body: problem(401, 'UNAUTHORIZED', 'a valid API key is required: Authorization: Bearer <key>'),
    })
  const forbidden = (reply: FastifyReply) =>
    send(reply, { status: 403, body: problem(403, 'FORBIDDEN', "this key may not act for this basket's shop") })

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return
    const till = await authenticate(findKey, request.headers.authorization)
    if (till === undefined) return unauthorized(reply)
    request.till = till
    const shopper = request.headers[SHOPPER_HEADER]
    if (shopper !== undefined && !(typeof shopper === 'string' && SHOPPER.test(shopper)))
      return send(reply, {
        status: 400,
        body: badInput(`a bad ${SHOPPER_HEADER} header`, [
          { path: `headers.${SHOPPER_HEADER}`, reason: 'must be 1 to 128 visible ASCII characters, once' },
        ]),
      })
  })

  // ── helpers of the routes ──────────────────────────────────────────────────────────────────────
  const decodeBody = <A>(codec: t.Decoder<unknown, A>, document: string, body: unknown) => {
    const decoded = decodeWith(codec, document)(body)
    return isLeft(decoded)
      ? { problem: badInput(decoded.left.message, decoded.left.problems) }
      : { value: decoded.right }
  }

  /** The shopper a till named for this request (validated by the auth hook), or undefined. */
  const shopperOf = (request: FastifyRequest) => {
    const shopper = request.headers[SHOPPER_HEADER]
    return typeof shopper === 'string' ? shopper : undefined
  }
  // The guard's subjects: the till (every failure of its key), the shopper the till names (a web
  // shop's visitor), the card. A till naming its shoppers is blocked as a whole only past sharedLimit.
  const codeBlocked = (request: FastifyRequest, card: string | undefined): Answer | undefined => {
    const now = clock.now()
    const till = request.till as Till
    const shopper = shopperOf(request)
    const waits = [
      limiter.blockedFor(`till:${till.keyId}`, now, shopper === undefined ? codeLimit : sharedLimit),
      shopper !== undefined ? limiter.blockedFor(`shopper:${till.keyId}:${shopper}`, now) : 0,
      card ? limiter.blockedFor(`card:${card}`, now) : 0,
    ]
    const wait = Math.max(...waits)
    return wait > 0
      ? {
          status: 429,
          body: problem(429, 'TOO_MANY_CODE_ATTEMPTS', 'too many failed code attempts: wait, then try again', {
            retryAfterSeconds: Math.ceil(wait / 1000),
          }),
        }
      : undefined
  }
  const GUESS_REASONS = new Set(['UNKNOWN', 'BAD_CHECK_CHARACTER'])
  const recordGuesses = (request: FastifyRequest, card: string | undefined, failed: number) => {
    const now = clock.now()
    const till = request.till as Till
    const shopper = shopperOf(request)
    for (let i = 0; i < failed; i++) {
      limiter.fail(`till:${till.keyId}`, now)
      if (shopper !== undefined) limiter.fail(`shopper:${till.keyId}:${shopper}`, now)
      if (card !== undefined) limiter.fail(`card:${card}`, now)
    }
  }
  const sendBlocked = (reply: FastifyReply, answer: Answer) =>
    send(reply.header('retry-after', String((answer.body as { retryAfterSeconds: number }).retryAfterSeconds)), answer)

  const conflictingReplay = (reply: FastifyReply) =>
    send(reply, {
      status: 409,
      body: problem(
        409,
        'CONFLICTING_REPLAY',
        'this Idempotency-Key was used with another request; nothing was booked. Use a new key for a new request.',
      ),
    })
  const replay = (reply: FastifyReply, row: IdempotencyRow) => {
    if (row.status === undefined || row.body === undefined) return undefined
    reply.header('idempotent-replayed', 'true')
    return send(reply, { status: row.status, body: JSON.parse(row.body) }, row.body)
  }

  /**
   * A booking route: the body is decoded, then the Idempotency-Key is looked up for (route, body):
   * a stored answer is sent again, byte for byte; another body is a 409. Otherwise the booking runs
   * with the key in its context: each of its store transactions writes the key (and, for a close or
   * a return, the answer) before its commit, so a booking never commits without its key. An answer
   * its transactions could not carry (a refusal, a replay that wrote nothing, an enrolment's two
   * results) is stored after: a crash before that leaves the key unanswered, and the retry runs the
   * booking again, which the core replays by its own ids.
   */
  const booking = async (
    request: FastifyRequest,
    reply: FastifyReply,
    route: string,
    run: (idempotencyKey: string, scope: string) => Promise<Answer>,
    answerIsResult = false,
  ) => {
    const header = request.headers['idempotency-key']
    const key = typeof header === 'string' ? header : undefined
    if (key === undefined || key.length === 0 || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
      return send(reply, {
        status: 400,
        body: badInput('a booking route needs an Idempotency-Key header', [
          {
            path: 'headers.idempotency-key',
            reason: key === undefined ? 'is required on a booking route' : 'must be 1 to 200 visible ASCII characters',
          },
        ]),
      })
    }
    const till = request.till as Till
    const scope = `${till.shop}/${till.till}`
    const requestHash = sha256(`${route}\n${canonicalJson(request.body ?? null)}`)
    // A close or a return always runs its booking transaction, whose hook refuses a key of another
    // request and one already answered (then sent again): no look-up before. The other routes may
    // write nothing on a replay, so their key is read first.
    const prior = answerIsResult ? undefined : await store.server.findIdempotency(scope, key)
    if (prior !== undefined) {
      if (prior.requestHash !== requestHash) return conflictingReplay(reply)
      const replayed = replay(reply, prior)
      if (replayed !== undefined) return replayed
    }
    const atMs = clock.now()
    const context: BookingContext = {
      scope,
      key,
      requestHash,
      atMs,
      ...(answerIsResult ? { answerOf: (result: unknown) => JSON.stringify(result) } : {}),
    }
    let answer: Answer
    try {
      answer = await bookingContext.run(context, () => run(key, `${scope}/${key}`))
    } catch (e) {
      if (!isKeyRefusal(e)) throw e
      // A twin of this request answered first, or another request took the key: this one booked nothing.
      const row = e instanceof IdempotencyRefusal ? e.row : await store.server.findIdempotency(scope, key)
      if (row === undefined) throw e
      return row.requestHash !== requestHash
        ? conflictingReplay(reply)
        : (replay(reply, row) ?? conflictingReplay(reply))
    }
    if (answer.status >= 500 || answer.status === 429) return send(reply, answer)
    // The booking's transaction stored these bytes with it: they are the answer.
    if (context.answered !== undefined && answer.status === 200) return send(reply, answer, context.answered)
    const raw = JSON.stringify(answer.body)
    const { row, stored } = await store.server.complete(
      { scope, key, requestHash, status: answer.status, body: raw },
      atMs,
    )
    if (stored) return send(reply, answer, raw)
    if (row.requestHash !== requestHash) return conflictingReplay(reply)
    return replay(reply, row) ?? send(reply, answer, raw)
  }

  // ── routes ─────────────────────────────────────────────────────────────────────────────────────
  const routes: RouteDoc[] = []
  const doc = (r: RouteDoc) => routes.push(r)

  doc({
    method: 'get',
    path: '/healthz',
    summary: 'Whether the store answers',
    response: HealthCodec,
    auth: false,
    errors: [503],
  })
  app.get('/healthz', async (_request, reply) => {
    try {
      await store.server.ping()
      await store.checkout.findClose('healthz')
      return send(reply, ok({ status: 'ok' }))
    } catch {
      return send(reply, { status: 503, body: problem(503, 'STORE_UNAVAILABLE', 'the store does not answer') })
    }
  })

  doc({
    method: 'post',
    path: '/v1/price',
    summary: 'Prices a basket (books nothing)',
    request: PriceBodyCodec,
    response: PricedCodec,
    errors: [400, 403, 404, 422, 429, 503],
  })
  app.post('/v1/price', async (request, reply) => {
    const body = decodeBody(PriceEnvelopeCodec, 'price request', request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { customer, codes } = body.value
    const basket = body.value.basket as Basket
    const raw = rawBasket(basket)
    if (raw.storeId !== undefined && raw.storeId !== request.till?.shop) return forbidden(reply)
    if (raw.codes + (codes?.length ?? 0) > 0) {
      const blocked = codeBlocked(request, raw.card)
      if (blocked) return sendBlocked(reply, blocked)
    }
    const priced = await host.price({
      basket,
      ...(customer !== undefined ? { customer: customer as Customer } : {}),
      ...(codes !== undefined ? { codes } : {}),
    })
    if (isLeft(priced)) return send(reply, answerOfError(withPrefix(priced.left)))
    recordGuesses(
      request,
      raw.card,
      priced.right.codes.filter((c) => !c.accepted && GUESS_REASONS.has(c.reason ?? '')).length,
    )
    return send(reply, ok(priced.right))
  })

  doc({
    method: 'post',
    path: '/v1/close',
    summary: 'Closes a sale: redeems codes, books usage, earns points, issues coupons; returns the receipt block',
    request: CloseBodyCodec,
    response: ReceiptCodec,
    booking: true,
    errors: [400, 403, 404, 409, 422, 429, 503],
  })
  app.post('/v1/close', async (request, reply) => {
    const body = decodeBody(CloseEnvelopeCodec, 'close request', request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { customer, codes } = body.value
    const basket = body.value.basket as Basket
    const tenders = body.value.tenders as CloseRequest['tenders']
    const raw = rawBasket(basket)
    if (raw.storeId !== undefined && raw.storeId !== request.till?.shop) return forbidden(reply)
    if (raw.codes + (codes?.length ?? 0) > 0) {
      const blocked = codeBlocked(request, raw.card)
      if (blocked) return sendBlocked(reply, blocked)
    }
    return booking(
      request,
      reply,
      '/v1/close',
      async () => {
        const closed = await host.close({
          basket: codes !== undefined && codes.length > 0 ? withCodes(basket, codes) : basket,
          ...(customer !== undefined ? { customer: customer as Customer } : {}),
          tenders,
        })
        if (isLeft(closed)) {
          if (closed.left._tag === 'CodeRejected' && GUESS_REASONS.has(closed.left.reason))
            recordGuesses(request, raw.card, 1)
          return answerOfError(withPrefix(closed.left))
        }
        closes.inc()
        return ok(closed.right)
      },
      true,
    )
  })

  doc({
    method: 'post',
    path: '/v1/void',
    summary: 'Voids a sale: releases the codes its session holds',
    request: VoidBodyCodec,
    response: VoidedCodec,
    booking: true,
    errors: [400, 403, 409, 503],
  })
  app.post('/v1/void', async (request, reply) => {
    const body = decodeBody(VoidBodyCodec, 'void request', request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { transactionId } = body.value
    const session = await store.checkout.findSession(transactionId)
    if (session !== undefined && session.storeId !== request.till?.shop) return forbidden(reply)
    return booking(request, reply, '/v1/void', async () => {
      const voided = await host.void(transactionId)
      return isLeft(voided) ? answerOfError(voided.left) : ok({ transactionId, voided: true })
    })
  })

  doc({
    method: 'post',
    path: '/v1/returns',
    summary: 'Returns units of a closed sale: what is refunded and clawed back',
    request: ReturnBodyCodec,
    response: ReturnReceiptCodec,
    booking: true,
    errors: [400, 403, 404, 409, 422, 503],
  })
  app.post('/v1/returns', async (request, reply) => {
    const body = decodeBody(ReturnBodyCodec, 'return request', request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { returnId, originalTransactionId, lines, at } = body.value
    const sale = await store.checkout.findClose(originalTransactionId)
    if (sale !== undefined && shopOfClose(sale.request) !== request.till?.shop) return forbidden(reply)
    return booking(
      request,
      reply,
      '/v1/returns',
      async () => {
        const back = await host.return({
          returnId,
          transactionId: originalTransactionId,
          at: at ?? isoNow(clock),
          lines,
        })
        return isLeft(back) ? answerOfError(back.left) : ok(back.right)
      },
      true,
    )
  })

  doc({
    method: 'post',
    path: '/v1/codes/validate',
    summary: "A code's judgement and reason (holds and redeems nothing)",
    request: ValidateBodyCodec,
    response: CodeValidationCodec,
    errors: [400, 429, 503],
  })
  app.post('/v1/codes/validate', async (request, reply) => {
    const body = decodeBody(ValidateBodyCodec, 'code validation', request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { code: typed, card, at } = body.value
    const blocked = codeBlocked(request, card)
    if (blocked) return sendBlocked(reply, blocked)
    const validated = await host.validateCode({
      code: typed,
      ...(card !== undefined ? { card } : {}),
      ...(at !== undefined ? { at } : {}),
    })
    if (isLeft(validated)) return send(reply, answerOfError(validated.left))
    const judged = validated.right
    if (!judged.accepted && GUESS_REASONS.has(judged.reason ?? '')) recordGuesses(request, card, 1)
    return send(reply, ok(judged))
  })

  doc({
    method: 'get',
    path: '/v1/cards/:card',
    summary: 'A card: balance (available, pending, reserved), tier and progress, lifecycle stage',
    response: CardViewCodec,
    errors: [400, 404, 503],
  })
  app.get<{ Params: { card: string } }>('/v1/cards/:card', async (request, reply) => {
    const card = request.params.card
    if (!/^\d{6,19}$/.test(card))
      return send(reply, {
        status: 400,
        body: badInput('not a card number', [{ path: 'params.card', reason: 'must be 6 to 19 digits' }]),
      })
    const view = await host.identify(card, isoNow(clock))
    if (isLeft(view)) return send(reply, answerOfError(view.left))
    if (view.right.status === 'unknown')
      return send(reply, { status: 404, body: problem(404, 'UNKNOWN_CARD', `no card ${maskCard(card)} in this store`) })
    const lifecycle = view.right.customer?.lifecycle
    return send(reply, ok({ ...view.right, ...(lifecycle !== undefined ? { lifecycle } : {}) }))
  })

  doc({
    method: 'post',
    path: '/v1/cards',
    summary: 'Enrols a card (identified or anonymous)',
    request: EnrolBodyCodec,
    response: EnrolmentCodec,
    booking: true,
    errors: [400, 409, 422, 503],
  })
  app.post('/v1/cards', async (request, reply) => {
    const body = decodeBody(EnrolBodyCodec, 'enrolment', request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { card, memberId, at } = body.value
    return booking(request, reply, '/v1/cards', async (_key, scoped) => {
      const enrolled = await host.enrol({
        key: scoped,
        at: at !== undefined ? Date.parse(at) : clock.now(),
        ...(card !== undefined ? { card } : {}),
        ...(memberId !== undefined ? { memberId } : {}),
      })
      return isLeft(enrolled) ? answerOfError(enrolled.left) : ok(enrolled.right)
    })
  })

  doc({
    method: 'post',
    path: '/v1/cards/:card/replace',
    summary: 'Replaces a lost card, its balance moved to the new card',
    request: ReplaceBodyCodec,
    response: ReplacementCodec,
    booking: true,
    errors: [400, 404, 409, 422, 503],
  })
  app.post<{ Params: { card: string } }>('/v1/cards/:card/replace', async (request, reply) => {
    const body = decodeBody(ReplaceBodyCodec, 'card replacement', request.body === undefined ? {} : request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { replacement, at } = body.value
    return booking(request, reply, `/v1/cards/${request.params.card}/replace`, async (_key, scoped) => {
      const replaced = await host.replaceCard({
        lost: request.params.card,
        key: scoped,
        at: at !== undefined ? Date.parse(at) : clock.now(),
        ...(replacement !== undefined ? { replacement } : {}),
      })
      return isLeft(replaced) ? answerOfError(replaced.left) : ok(replaced.right)
    })
  })

  doc({
    method: 'post',
    path: '/v1/rewards/redeem',
    summary: 'Buys a reward (voucher or gift) with points',
    request: RedeemBodyCodec,
    response: GrantCodec,
    booking: true,
    errors: [400, 404, 409, 422, 503],
  })
  app.post('/v1/rewards/redeem', async (request, reply) => {
    const body = decodeBody(RedeemBodyCodec, 'reward redemption', request.body)
    if (body.problem) return send(reply, { status: 400, body: body.problem })
    const { card, rewardId, at } = body.value
    return booking(request, reply, '/v1/rewards/redeem', async (_key, scoped) => {
      const granted = await host.redeemReward({
        card,
        rewardId,
        key: scoped,
        at: at !== undefined ? Date.parse(at) : clock.now(),
      })
      return isLeft(granted) ? answerOfError(granted.left) : ok(granted.right)
    })
  })

  doc({
    method: 'post',
    path: '/v1/poslog',
    summary:
      'One ARTS POSLog transaction through the checkout: a sale is closed (idempotent by its transaction id) and answered as the POSLog of its receipt; a return as JSON',
    request: PosLogBodyCodec,
    requestType: 'application/xml',
    response: PosLogBodyCodec,
    responseType: 'application/xml',
    errors: [400, 403, 415, 422, 503],
  })
  app.post('/v1/poslog', async (request, reply) => {
    if (typeof request.body !== 'string' || request.body.trim() === '') {
      return send(reply, {
        status: 400,
        body: badInput('send one POSLog transaction as the body (Content-Type: application/xml)', [
          { path: '', reason: 'is empty or not XML' },
        ]),
      })
    }
    const answer = await answerPosLog(request.body, {
      host,
      checkout: store.checkout,
      shop: request.till?.shop,
      accept: request.headers.accept,
    })
    if (answer.type === 'application/xml') return reply.code(200).type('application/xml').send(answer.xml)
    if (answer.type === 'application/json') return send(reply, ok(answer.body))
    return send(reply, { status: answer.status, body: answer.body })
  })

  if (config.commercetools !== undefined) {
    const options = config.commercetools
    doc({
      method: 'post',
      path: '/v1/commercetools/extension',
      summary: 'commercetools Cart API Extension: prices the cart, answers update actions (books nothing)',
      description:
        "Register it as a commercetools API Extension (HTTP destination, `AuthorizationHeader` `Bearer <key>`, cart trigger on Create and Update). A 400 is commercetools' own `{ errors }` body, which the platform hands on to its caller.",
      request: ExtensionInputCodec,
      response: ExtensionActionsCodec,
      errors: [400, 403, 429, 500],
      errorBodies: {
        400: {
          contentType: 'application/json',
          codec: ExtensionErrorsCodec,
          description: 'Bad input: one InvalidInput error per refused field of the extension input',
        },
        500: {
          contentType: 'application/json',
          codec: ExtensionErrorsCodec,
          description: 'Tessera could not price the cart (the platform fails the update)',
        },
      },
    })
    app.register(async (scope) => {
      // The body reaches the adapter as text: malformed JSON is its 400 in commercetools' format.
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser(/^application\/(.+\+)?json$/, { parseAs: 'string' }, (_req, body, done) =>
        done(null, body),
      )
      scope.post('/v1/commercetools/extension', async (request, reply) => {
        const till = request.till as Till
        const text = typeof request.body === 'string' ? request.body : ''
        let parsed: unknown = text
        try {
          parsed = JSON.parse(text)
        } catch {
          // left as text: the adapter names it
        }
        const raw = (
          parsed as {
            resource?: { obj?: { store?: { key?: unknown }; custom?: { fields?: Record<string, unknown> } } }
          }
        )?.resource?.obj
        const storeKey = raw?.store?.key
        if (typeof storeKey === 'string' && storeKey !== till.shop) return forbidden(reply)
        const card = raw?.custom?.fields?.[options.fields?.card ?? 'tesseraCard']
        const cardText = typeof card === 'string' ? card : undefined
        const codes = raw?.custom?.fields?.[options.fields?.codes ?? 'tesseraCodes']
        if (Array.isArray(codes) && codes.length > 0) {
          const blocked = codeBlocked(request, cardText)
          if (blocked) return sendBlocked(reply, blocked)
        }
        const extension = createCommercetoolsExtension(
          {
            price: async (req) => {
              const priced = await host.price(req)
              if (!isLeft(priced)) {
                const failed = priced.right.codes.filter((c) => !c.accepted && GUESS_REASONS.has(c.reason ?? '')).length
                recordGuesses(request, cardText, failed)
              }
              return priced
            },
          },
          {
            ...(options.strategy !== undefined ? { strategy: options.strategy } : {}),
            ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
            ...(options.fields !== undefined ? { fields: options.fields } : {}),
          },
        )
        const answer = await extension(parsed, { storeId: till.shop, terminalId: till.till, at: isoNow(clock) })
        if (answer.status !== 200) refusals.inc({ code: `commercetools:${answer.body.errors[0]?.code ?? 'General'}` })
        return reply.code(answer.status).type('application/json').send(JSON.stringify(answer.body))
      })
    })
  }

  // ── the document, its reference page, the metrics ──────────────────────────────────────────────
  const document = openApiDocument(routes, ProblemCodec, VERSION)
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(document))
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()))
  app.register(swagger, { mode: 'static', specification: { document: document as never } })
  app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } })

  return app
}

/** The problems of a value against a codec (tests check real answers against the published schemas with it). @category server */
export const problemsAgainst = (codec: t.Any, value: unknown) => {
  const r = codec.decode(value)
  return r._tag === 'Right' ? [] : problemsOf(r.left)
}

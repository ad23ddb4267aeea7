import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { Basket } from '../../basket/basket.codec.js'
import { BasketCodec } from '../../basket/basket.codec.js'
import type { AcceptedCode } from '../../checkout/model.js'
import type { CouponPolicy } from '../../checkout/plan.js'
import { type DecodeError, decodeError, decodeWith, type FieldProblem, parseJson } from '../../codec/decode.js'
import { looseObject, strictObject } from '../../codec/object.js'
import { Count, NonEmptyString, oneOf, PositiveCount } from '../../codec/primitive.js'
import type { Customer } from '../../customer/customer.codec.js'
import { CustomerCodec } from '../../customer/customer.codec.js'
import { MinorUnitsCodec, PointsCodec } from '../../money/money.codec.js'
import { type Campaign, decodeCampaigns, decodeProgram, type Program } from '../../rules/campaign.codec.js'
import { IsoDateTimeCodec } from '../../time/time.codec.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What a past sale booked, as its receipt said: the total paid, the discount, the points earned and
 * the checkout coupons issued. Optional on a history line; when present, the replay carries the
 * difference a draft makes into the customer's later state (points balance, 12-month spend, tier).
 * @category simulate
 */
export interface Booked {
  readonly total: number
  readonly discount: number
  readonly points: number
  readonly coupons: number
}

/**
 * One past sale: the basket, the codes the checkout accepted with their pools (when given, they
 * replace the basket's `codes`, as the checkout's pricer does; otherwise the basket's codes are taken
 * as accepted), the customer as the loyalty store knew them at that moment (absent: anonymous), and
 * what the sale booked.
 * @category simulate
 */
export interface HistorySale {
  readonly kind: 'sale'
  readonly basket: Basket
  readonly codes?: readonly AcceptedCode[]
  readonly customer?: Customer
  readonly booked?: Booked
}

/**
 * One past return: which sale, when, whether it returned the whole sale (a full return gives
 * back the sale's usage of limits and budgets, as the checkout does) and, optionally, what it
 * refunded (minor units; the value models take it off the member's spend).
 * @category simulate
 */
export interface HistoryReturn {
  readonly kind: 'return'
  readonly id: string
  readonly of: string
  readonly at: string
  readonly full: boolean
  readonly refund?: number
}

/** A line of a history file. @category simulate */
export type HistoryEntry = HistorySale | HistoryReturn

/**
 * A history line that did not decode: its line number (1-based, in its file) and each refused
 * field with the reason. The replay reports it and goes on.
 * @category simulate
 */
export interface HistoryLineError {
  readonly _tag: 'HistoryLineError'
  readonly line: number
  readonly problems: readonly FieldProblem[]
  readonly message: string
}

/**
 * A draft to simulate: its campaigns, and optionally the program (points, tiers), the store's time
 * zone (limit periods, campaigns without a zone) and the checkout's coupon policy.
 * @category simulate
 */
export interface Draft {
  readonly campaigns: readonly Campaign[]
  readonly program?: Program
  readonly storeTimeZone?: string
  readonly couponPolicy?: CouponPolicy
}

// ── codecs ───────────────────────────────────────────────────────────────────────────────────────

const BookedCodec = strictObject('Booked', {
  total: MinorUnitsCodec,
  discount: MinorUnitsCodec,
  points: PointsCodec,
  coupons: Count,
})

const AcceptedCodeCodec = strictObject('AcceptedCode', { code: NonEmptyString, pool: NonEmptyString })

const SaleLineCodec = looseObject(
  'HistorySale',
  { basket: BasketCodec },
  { codes: t.readonlyArray(AcceptedCodeCodec), customer: CustomerCodec, booked: BookedCodec },
)

const ReturnLineCodec = looseObject('HistoryReturnLine', {
  return: strictObject(
    'HistoryReturn',
    {
      id: NonEmptyString,
      of: NonEmptyString,
      at: IsoDateTimeCodec,
      full: t.boolean,
    },
    { refund: MinorUnitsCodec },
  ),
})

const decodeSaleLine = decodeWith(SaleLineCodec, 'history line')
const decodeReturnLine = decodeWith(ReturnLineCodec, 'history line')

const lineError = (line: number, problems: readonly FieldProblem[]): HistoryLineError => ({
  _tag: 'HistoryLineError',
  line,
  problems,
  message: `line ${line}: ${problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ')}`,
})

/**
 * Decodes one line of a history file (JSONL): `{ "basket", "codes"?, "customer"?, "booked"? }` for a sale,
 * `{ "return": { "id", "of", "at", "full", "refund"? } }` for a return. `undefined` for a blank line.
 * @category simulate
 */
export const decodeHistoryLine = (text: string, line: number): Either<HistoryLineError, HistoryEntry | undefined> => {
  if (text.trim() === '') return right(undefined)
  const json = parseJson(text, 'history line')
  if (isLeft(json)) return left(lineError(line, json.left.problems))
  const u = json.right
  if (typeof u === 'object' && u !== null && !Array.isArray(u) && 'return' in u) {
    const r = decodeReturnLine(u)
    if (isLeft(r)) return left(lineError(line, r.left.problems))
    return right({ kind: 'return', ...r.right.return })
  }
  const s = decodeSaleLine(u)
  if (isLeft(s)) return left(lineError(line, s.left.problems))
  const { basket, codes, customer, booked } = s.right as {
    readonly basket: Basket
    readonly codes?: readonly AcceptedCode[]
    readonly customer?: Customer
    readonly booked?: Booked
  }
  return right({
    kind: 'sale',
    basket,
    ...(codes !== undefined ? { codes } : {}),
    ...(customer !== undefined ? { customer } : {}),
    ...(booked !== undefined ? { booked } : {}),
  })
}

const CouponPolicyCodec = strictObject('CouponPolicy', {
  perCustomer: strictObject('CouponCap', {
    count: PositiveCount,
    period: oneOf('LimitPeriod', ['day', 'week', 'month', 'campaign'] as const),
  }),
  anonymous: oneOf('AnonymousCoupons', ['none', 'bearer'] as const),
})

const DraftEnvelopeCodec = strictObject(
  'Draft',
  { campaigns: t.unknown },
  { program: t.unknown, storeTimeZone: NonEmptyString, couponPolicy: CouponPolicyCodec },
)
const decodeEnvelope = decodeWith(DraftEnvelopeCodec, 'draft')

const prefixed = (e: DecodeError, prefix: string): DecodeError =>
  decodeError(
    'draft',
    e.problems.map((p) => ({ path: p.path === '' ? prefix : `${prefix}.${p.path}`, reason: p.reason })),
  )

/**
 * Decodes a draft with the strict campaign codec: a JSON array of campaigns, or
 * `{ "campaigns": [..], "program"?, "storeTimeZone"?, "couponPolicy"? }`. Any refused field stops
 * here, with its path (`campaigns.2.reward.percentOff.percent`), before anything is replayed.
 * @category simulate
 */
export const decodeDraft = (u: unknown): Either<DecodeError, Draft> => {
  if (Array.isArray(u)) {
    const campaigns = decodeCampaigns(u)
    return isLeft(campaigns) ? left(prefixed(campaigns.left, 'campaigns')) : right({ campaigns: campaigns.right })
  }
  const envelope = decodeEnvelope(u)
  if (isLeft(envelope)) return envelope
  const e = envelope.right as {
    readonly campaigns: unknown
    readonly program?: unknown
    readonly storeTimeZone?: string
    readonly couponPolicy?: CouponPolicy
  }
  const campaigns = decodeCampaigns(e.campaigns)
  if (isLeft(campaigns)) return left(prefixed(campaigns.left, 'campaigns'))
  const program = e.program === undefined ? undefined : decodeProgram(e.program)
  if (program !== undefined && isLeft(program)) return left(prefixed(program.left, 'program'))
  return right({
    campaigns: campaigns.right,
    ...(program !== undefined ? { program: program.right } : {}),
    ...(e.storeTimeZone !== undefined ? { storeTimeZone: e.storeTimeZone } : {}),
    ...(e.couponPolicy !== undefined ? { couponPolicy: e.couponPolicy } : {}),
  })
}

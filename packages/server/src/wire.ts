import {
  BasketCodec,
  Count,
  CustomerCodec,
  EvaluationCodec,
  FiniteNumber,
  IsoDateTimeCodec,
  looseObject,
  MinorUnitsCodec,
  NonEmptyString,
  oneOf,
  ReasonCodec,
  ReturnLineCodec,
  SignedMinorUnitsCodec,
  strictObject,
  TenderCodec,
  TendersCodec,
  Text,
} from '@tessera/core'
import * as t from 'io-ts'

/*
 * The documents of the HTTP API, as io-ts codecs built from the core's: requests are decoded with
 * them (unknown fields refused, naming the path) and the OpenAPI document is generated from them
 * (`toJsonSchema`, as `tessera schema` does). Responses have codecs too, so a test can check every
 * real answer against the schema the document publishes.
 */

const Codes = t.readonlyArray(NonEmptyString, 'Codes')

// ── requests ─────────────────────────────────────────────────────────────────────────────────────

/**
 * `POST /v1/poslog`: one ARTS POSLog document holding one `Transaction` (XML text), and the POSLog
 * of its receipt in the answer. @category wire
 */
export const PosLogBodyCodec = t.string

/** `POST /v1/price`. @category wire */
export const PriceBodyCodec = strictObject(
  'PriceRequest',
  { basket: BasketCodec },
  { customer: CustomerCodec, codes: Codes },
  { description: 'A basket to price (books nothing): its codes and `codes` are judged, not held.' },
)

/** `POST /v1/close`. @category wire */
export const CloseBodyCodec = strictObject(
  'CloseRequest',
  { transactionId: NonEmptyString, basket: BasketCodec, tenders: TendersCodec },
  { customer: CustomerCodec, codes: Codes },
  {
    description: 'Closes a sale: `transactionId` is the basket id (the till receipt number).',
    check: (r, c) =>
      typeof r.basket === 'object' &&
      r.basket !== null &&
      typeof (r.basket as { id?: unknown }).id === 'string' &&
      (r.basket as { id?: unknown }).id !== r.transactionId
        ? [
            {
              value: r.transactionId,
              context: [...c, { key: 'transactionId', type: t.unknown, actual: r.transactionId }],
              message: `must equal basket.id (${JSON.stringify((r.basket as { id?: unknown }).id)})`,
            },
          ]
        : [],
  },
)

/*
 * What the price and close routes decode themselves: the envelope, strictly; the basket, customer
 * and tenders inside are left to the core, which decodes them with the codecs above (once, not
 * twice: a 40-line basket is most of the work of a price). Their errors come back from the core
 * with paths below `basket`, `customer` or `tenders`, and the route puts the prefix back.
 */

/** The envelope of `POST /v1/price` as the route decodes it. @category wire */
export const PriceEnvelopeCodec = strictObject(
  'PriceRequest',
  { basket: t.unknown },
  { customer: t.unknown, codes: Codes },
)

/** The envelope of `POST /v1/close` as the route decodes it. @category wire */
export const CloseEnvelopeCodec = strictObject(
  'CloseRequest',
  { transactionId: NonEmptyString, basket: t.unknown, tenders: t.unknown },
  { customer: t.unknown, codes: Codes },
  { check: (r, c) => CloseBodyCodec.options.check?.(r, c) ?? [] },
)

/** `POST /v1/void`. @category wire */
export const VoidBodyCodec = strictObject('VoidRequest', { transactionId: NonEmptyString })

/** `POST /v1/returns`. @category wire */
export const ReturnBodyCodec = strictObject(
  'ReturnRequestBody',
  { returnId: NonEmptyString, originalTransactionId: NonEmptyString, lines: t.readonlyArray(ReturnLineCodec) },
  { at: IsoDateTimeCodec },
  { description: 'Returns units of a closed sale; `at` defaults to the server clock.' },
)

/** `POST /v1/codes/validate`. @category wire */
export const ValidateBodyCodec = strictObject(
  'ValidateCodeRequest',
  { code: NonEmptyString },
  { card: NonEmptyString, at: IsoDateTimeCodec },
  { description: 'Judges a code for a card at a time (default now), without holding or redeeming it.' },
)

/** `POST /v1/cards`. @category wire */
export const EnrolBodyCodec = strictObject(
  'EnrolRequest',
  {},
  { card: NonEmptyString, memberId: NonEmptyString, at: IsoDateTimeCodec },
  { description: 'Enrols a card: identified (with a member id) or anonymous; numbered when `card` is absent.' },
)

/** `POST /v1/cards/{card}/replace`. @category wire */
export const ReplaceBodyCodec = strictObject(
  'ReplaceCardRequest',
  {},
  { replacement: NonEmptyString, at: IsoDateTimeCodec },
  { description: 'Replaces a lost card; its points move to the replacement.' },
)

/** `POST /v1/rewards/redeem`. @category wire */
export const RedeemBodyCodec = strictObject(
  'RedeemRequest',
  { card: NonEmptyString, rewardId: NonEmptyString },
  { at: IsoDateTimeCodec },
  { description: 'Buys a reward of the program with points.' },
)

// ── responses ────────────────────────────────────────────────────────────────────────────────────

const BalanceCodec = looseObject('Balance', {
  accountId: t.string,
  asOf: FiniteNumber,
  available: FiniteNumber,
  pending: FiniteNumber,
  reserved: FiniteNumber,
})

const CardWarningCodec = looseObject(
  'CardWarning',
  {
    code: oneOf('CardWarningCode', ['UNKNOWN_CARD', 'CARD_BLOCKED', 'CARD_REPLACED'] as const),
    card: t.string,
    message: t.string,
  },
  { replacedBy: t.string },
)

const NoteCodec = looseObject('ReceiptNote', { campaignId: t.string, reason: ReasonCodec })

const CodeJudgementCodec = looseObject(
  'CodeJudgement',
  { code: t.string, accepted: t.boolean },
  { pool: t.string, reason: t.string, message: t.string },
)

/** The answer of `POST /v1/price`. @category wire */
export const PricedCodec = looseObject(
  'Priced',
  {
    evaluation: EvaluationCodec,
    codes: t.readonlyArray(CodeJudgementCodec),
    warnings: t.readonlyArray(CardWarningCodec),
    notes: t.readonlyArray(NoteCodec),
  },
  { customer: CustomerCodec },
)

const IssuedCouponCodec = looseObject(
  'IssuedCoupon',
  {
    campaignId: t.string,
    template: t.string,
    pool: t.string,
    label: t.string,
    code: t.string,
    validFrom: t.string,
    validUntil: t.string,
    barcode: looseObject('CouponBarcode', { code128: t.string, qrcode: t.string }),
  },
  { card: t.string },
)

/** The receipt block of `POST /v1/close`. @category wire */
export const ReceiptCodec = looseObject(
  'Receipt',
  {
    transactionId: t.string,
    at: t.string,
    currency: t.string,
    lines: t.readonlyArray(
      looseObject('ReceiptLine', {
        id: t.string,
        sku: t.string,
        quantity: FiniteNumber,
        unit: t.string,
        amount: MinorUnitsCodec,
        discount: MinorUnitsCodec,
        net: MinorUnitsCodec,
      }),
    ),
    discounts: t.readonlyArray(
      looseObject(
        'ReceiptDiscount',
        { campaignId: t.string, label: t.string, amount: MinorUnitsCodec },
        { reasons: t.readonlyArray(ReasonCodec) },
      ),
    ),
    subtotal: MinorUnitsCodec,
    discountTotal: MinorUnitsCodec,
    total: MinorUnitsCodec,
    savings: MinorUnitsCodec,
    tenders: t.readonlyArray(TenderCodec),
    points: looseObject('ReceiptPoints', { earned: Count }, { pendingUntil: t.string, balance: BalanceCodec }),
    coupons: t.readonlyArray(IssuedCouponCodec),
    notes: t.readonlyArray(NoteCodec),
  },
  { card: t.string, memberId: t.string, warnings: t.readonlyArray(CardWarningCodec) },
)

/** The answer of `POST /v1/void`. @category wire */
export const VoidedCodec = looseObject('Voided', { transactionId: t.string, voided: t.boolean })

/** The answer of `POST /v1/returns`. @category wire */
export const ReturnReceiptCodec = looseObject(
  'ReturnReceipt',
  {
    returnId: t.string,
    transactionId: t.string,
    lines: t.readonlyArray(
      looseObject('ReturnedLine', {
        lineId: t.string,
        quantity: FiniteNumber,
        fromUnit: Count,
        units: Count,
        amount: MinorUnitsCodec,
        discount: MinorUnitsCodec,
        refund: SignedMinorUnitsCodec,
        points: FiniteNumber,
      }),
    ),
    refund: SignedMinorUnitsCodec,
    pointsClawedBack: FiniteNumber,
    full: t.boolean,
    revokedCoupons: t.readonlyArray(t.string),
  },
  { balance: BalanceCodec },
)

/** The answer of `POST /v1/codes/validate`. @category wire */
export const CodeValidationCodec = looseObject(
  'CodeValidation',
  { code: t.string, accepted: t.boolean },
  { pool: t.string, reason: t.string, message: t.string },
)

const TierProgressCodec = looseObject(
  'TierProgress',
  { missing: looseObject('TierMissing', {}, { spend: FiniteNumber, points: FiniteNumber }), message: t.string },
  { current: t.string, next: t.string, windowMonths: FiniteNumber },
)

/** The answer of `GET /v1/cards/{card}`. @category wire */
export const CardViewCodec = looseObject(
  'CardView',
  {
    card: t.string,
    status: oneOf('CardStatus', ['active', 'blocked', 'replaced', 'unknown'] as const),
    warnings: t.readonlyArray(CardWarningCodec),
  },
  { customer: CustomerCodec, balance: BalanceCodec, tier: TierProgressCodec, lifecycle: t.string },
)

const CardCodec = looseObject(
  'Card',
  { number: t.string, accountId: t.string, status: t.string },
  { memberId: t.string, replacedBy: t.string },
)

/** The answer of `POST /v1/cards`. @category wire */
export const EnrolmentCodec = looseObject('Enrolment', {
  card: CardCodec,
  account: looseObject('Account', { accountId: t.string, programId: t.string }, { memberId: t.string }),
})

/** The answer of `POST /v1/cards/{card}/replace`. @category wire */
export const ReplacementCodec = looseObject('CardReplacement', {
  card: CardCodec,
  transfer: looseObject('Transfer', {}, { balance: BalanceCodec }),
})

/** The answer of `POST /v1/rewards/redeem`. @category wire */
export const GrantCodec = looseObject(
  'RewardGrant',
  {
    kind: oneOf('GrantKind', ['voucher', 'gift'] as const),
    grantId: t.string,
    rewardId: t.string,
    card: t.string,
    accountId: t.string,
    points: FiniteNumber,
    at: FiniteNumber,
    balance: BalanceCodec,
  },
  {},
)

/** An error answer (RFC 9457). @category wire */
export const ProblemCodec = looseObject(
  'Problem',
  { type: t.string, title: t.string, status: Count, detail: Text, code: t.string },
  { errors: t.readonlyArray(looseObject('FieldProblem', { path: t.string, reason: t.string })) },
)

/** `GET /healthz`. @category wire */
export const HealthCodec = looseObject('Health', { status: oneOf('HealthStatus', ['ok', 'unavailable'] as const) })

import * as t from 'io-ts'
import { fieldError, looseObject, recordOf } from '../codec/object.js'
import { Count, NonEmptyString, oneOf, PositiveCount, primitive, scalarOf } from '../codec/primitive.js'
import type { Points } from '../money/Money.js'
import { MinorUnitsCodec, SignedPointsCodec } from '../money/money.codec.js'
import { type IsoDateTime, IsoDateTimeCodec, type LocalDate, LocalDateCodec } from '../time/time.codec.js'

/**
 * Where a customer stands on the loyalty ladder.
 * @category customer
 */
export const LIFECYCLE_STAGES = ['new', 'satisfied', 'happy', 'ambassador', 'wavering', 'lapsed'] as const

/** A lifecycle stage. @category customer */
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number]

/** The lifecycle stage codec. @category codecs */
export const LifecycleStageCodec = oneOf('LifecycleStage', LIFECYCLE_STAGES)

/** A customer attribute value: a string, number, boolean or a list of strings. @category customer */
export type AttributeValue = string | number | boolean | readonly string[]

/** Purchase history summary of a customer. @category customer */
export interface CustomerStats {
  readonly visits?: number
  readonly firstPurchaseAt?: IsoDateTime
  readonly lastPurchaseAt?: IsoDateTime
  readonly spend12m?: number
}

/**
 * A member's predicted value, from a stored snapshot of a customer-value fit (`tessera value
 * predict`, `rankByValue`): CLV in integer minor units, the probability they are still an active
 * customer, and the share of the population's predicted value carried by the members ranked above
 * them (0 for the most valuable). The value conditions of the campaign DSL read it.
 * @category customer
 */
export interface CustomerValue {
  readonly clv: number
  readonly pAlive: number
  readonly shareAbove: number
  readonly rank?: number
  /** The last day of the calibration the snapshot was fitted on. */
  readonly asOf?: LocalDate
}

/**
 * The customer as the engine sees them (wire contract v1). Every field is optional except `card`
 * or `memberId`; an anonymous basket has no customer at all.
 * @category customer
 */
export interface Customer {
  readonly card?: string
  readonly memberId?: string
  readonly tier?: string
  readonly segments?: readonly string[]
  readonly lifecycle?: LifecycleStage
  readonly birthday?: LocalDate
  readonly attributes?: Readonly<Record<string, AttributeValue>>
  readonly stats?: CustomerStats
  readonly pointsBalance?: Points
  readonly value?: CustomerValue
}

const StatsCodec = looseObject(
  'CustomerStats',
  {},
  { visits: Count, firstPurchaseAt: IsoDateTimeCodec, lastPurchaseAt: IsoDateTimeCodec, spend12m: MinorUnitsCodec },
)

/** A probability or a share: a number within [0, 1]. @category codecs */
export const UnitIntervalCodec = primitive<number>(
  'UnitInterval',
  (u) =>
    typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= 1 ? undefined : 'must be a number within [0, 1]',
  { type: 'number', minimum: 0, maximum: 1 },
)

const ValueCodec = looseObject(
  'CustomerValue',
  { clv: MinorUnitsCodec, pAlive: UnitIntervalCodec, shareAbove: UnitIntervalCodec },
  { rank: PositiveCount, asOf: LocalDateCodec },
)

/**
 * The customer codec. Unknown fields are dropped; `card` or `memberId` is required.
 * @category codecs
 */
export const CustomerCodec = looseObject(
  'Customer',
  {},
  {
    card: NonEmptyString,
    memberId: NonEmptyString,
    tier: NonEmptyString,
    segments: t.readonlyArray(NonEmptyString),
    lifecycle: LifecycleStageCodec,
    birthday: LocalDateCodec,
    attributes: recordOf('Attributes', scalarOf('AttributeValue', ['string', 'number', 'boolean'], ['string'])),
    stats: StatsCodec,
    pointsBalance: SignedPointsCodec,
    value: ValueCodec,
  },
  {
    description: 'The customer as the engine sees them (wire contract v1). `card` or `memberId` is required.',
    check: (customer, c) =>
      customer.card === undefined && customer.memberId === undefined
        ? [
            fieldError(
              c,
              ['card'],
              undefined,
              'a customer needs "card" or "memberId"; send no customer for an anonymous basket',
            ),
          ]
        : [],
  },
) as unknown as t.Type<Customer, unknown, unknown>

import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { UNITS } from '../basket/units.js'
import { type DecodeError, decodeError, decodeWith } from '../codec/decode.js'
import { fieldError, strictObject } from '../codec/object.js'
import { Count, NonEmptyString, oneOf, PositiveCount, primitive, scalarOf, Text } from '../codec/primitive.js'
import { LIFECYCLE_STAGES, type LifecycleStage, UnitIntervalCodec } from '../customer/customer.codec.js'
import { MinorUnitsCodec, PointsCodec } from '../money/money.codec.js'
import { epochMs, type IsoDateTime, IsoDateTimeCodec } from '../time/time.codec.js'
import { isKnownTimeZone } from '../time/zone.js'
import { keyedUnion } from './keyed.js'
import { type Reward, RewardCodec } from './rewards/index.js'
import type { Plain } from './rewards/kind.js'
import type { PointsSpec } from './rewards/points.js'
import type { TieredPercentOffSpec } from './rewards/tiered-percent-off.js'
import { MultiplierCodec, type Selector, SelectorCodec, type UnitsOfCodec } from './selector.codec.js'

export { MultiplierCodec, type Selector, SelectorCodec, SelectorOrBasketCodec, UnitsOfCodec } from './selector.codec.js'

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** A measure unit a `measure` condition counts in. @category rules */
export type MeasureUnitName = Exclude<(typeof UNITS)[number], 'each'>

/** Whether a spend threshold counts money before (`gross`) or after (`net`) earlier discounts. @category rules */
export type SpendBasis = 'gross' | 'net'

/**
 * A condition on the basket (a campaign's `trigger`).
 * @category rules
 */
export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly quantity: { readonly of: Selector; readonly atLeast: number } }
  | { readonly measure: { readonly of: Selector; readonly unit: MeasureUnitName; readonly atLeast: number } }
  | { readonly spend: { readonly of?: Selector; readonly atLeast: number; readonly basis?: SpendBasis } }
  | { readonly distinct: { readonly of: Selector; readonly atLeast: number } }
  | { readonly contains: Selector }
  | { readonly code: string }
  | { readonly channel: readonly ('store' | 'online')[] }
  | { readonly store: readonly string[] }

/** A value a customer attribute condition accepts. @category rules */
export type AttributeMatch = string | number | boolean

/**
 * A condition on the customer (`eligibility.customer`).
 * @category rules
 */
export type CustomerCondition =
  | { readonly all: readonly CustomerCondition[] }
  | { readonly any: readonly CustomerCondition[] }
  | { readonly not: CustomerCondition }
  | { readonly tier: { readonly in: readonly string[] } }
  | { readonly segment: { readonly in: readonly string[] } }
  | { readonly lifecycle: { readonly in: readonly LifecycleStage[] } }
  | { readonly attribute: { readonly name: string; readonly in: readonly AttributeMatch[] } }
  | { readonly birthday: { readonly withinDays: number } }
  | { readonly visits: { readonly atLeast: number } }
  | { readonly firstPurchase: boolean }
  | { readonly inactiveDays: { readonly atLeast: number } }
  | { readonly value: { readonly topShare: number } }
  | { readonly alive: { readonly below?: number; readonly atLeast?: number } }

/** Some units of the lines a selector picks. @category rules */
export type UnitsOf = Plain<t.TypeOf<typeof UnitsOfCodec>>

/** One step of a tiered percentage. @category rules */
export type PercentTier = TieredPercentOffSpec['tiers'][number]

/** Points a campaign gives: exactly one of `fixed`, `perAmount` or `multiplier`. @category rules */
export type PointsReward = PointsSpec

export type { Reward, RewardSpec } from './rewards/index.js'

/** A day of the week in a validity window. @category rules */
export type DayOfWeek = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'

/** The days of the week, Monday first. @category rules */
export const DAYS_OF_WEEK: readonly DayOfWeek[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/** When a campaign runs. `from` inclusive, `until` exclusive, judged in `timeZone`. @category rules */
export interface Validity {
  readonly from?: IsoDateTime
  readonly until?: IsoDateTime
  readonly timeZone?: string
  readonly daysOfWeek?: readonly DayOfWeek[]
  readonly hours?: readonly { readonly from: string; readonly until: string }[]
}

/** Who may get a campaign. @category rules */
export interface Eligibility {
  readonly cardRequired?: boolean
  readonly customer?: CustomerCondition
}

/** The code a campaign needs: one from `pool` among the basket's codes. @category rules */
export interface CodeRequirement {
  readonly required?: boolean
  readonly pool: string
}

/** How a campaign stacks with others. @category rules */
export interface Stacking {
  readonly priority?: number
  readonly exclusive?: boolean
  readonly group?: string
}

/** The period a per-customer limit counts over. @category rules */
export type LimitPeriod = 'day' | 'week' | 'month' | 'campaign'

/** How often and how much a campaign may give. @category rules */
export interface Limits {
  readonly perBasket?: number
  readonly perCustomer?: { readonly count: number; readonly period: LimitPeriod }
  readonly total?: number
  readonly budget?: { readonly discount?: number; readonly points?: number }
}

/** A campaign's lifecycle status; only `active` campaigns evaluate. @category rules */
export type CampaignStatus = 'draft' | 'active' | 'paused' | 'ended'

/**
 * A campaign (wire contract v1).
 * @category rules
 */
export interface Campaign {
  readonly id: string
  readonly name?: string
  readonly status: CampaignStatus
  readonly validity?: Validity
  readonly eligibility?: Eligibility
  readonly code?: CodeRequirement
  readonly trigger?: Condition
  readonly reward: Reward
  readonly stacking?: Stacking
  readonly limits?: Limits
  readonly holdout?: { readonly share: number }
  readonly labels?: { readonly receipt?: string; readonly nudge?: string }
}

/** A tier of a program. @category rules */
export interface ProgramTier {
  readonly id: string
  /** Qualify by spend (minor units) or points over a rolling window; at least one of the two. */
  readonly qualify: { readonly spend?: number; readonly points?: number; readonly windowMonths: number }
  readonly multiplier: number
}

/**
 * A loyalty program (one per card scheme): how points are earned, when they vest and expire, the
 * tiers, the rewards points buy, and referral.
 * @category rules
 */
export interface Program {
  readonly id: string
  readonly earn?: {
    readonly points: number
    readonly per: number
    readonly basis?: SpendBasis
    readonly exclude?: Selector
  }
  readonly pendingDays?: number
  readonly expiry?: { readonly afterMonths: number }
  readonly tiers?: readonly ProgramTier[]
  readonly rewards?: readonly { readonly id: string; readonly cost: number; readonly grants: Reward }[]
  readonly referral?: {
    readonly referrerPoints: number
    readonly refereePoints: number
    readonly qualifyingSpend: number
    /** At most this many referral rewards per referrer per calendar month. */
    readonly monthlyCap?: number
  }
  /**
   * The lifecycle ladder judged on P(alive) (a customer-value snapshot) instead of day counts:
   * below `lapsedBelowAlive` is lapsed, below `waveringBelowAlive` wavering (docs/analytics.md).
   */
  readonly lifecycle?: { readonly lapsedBelowAlive?: number; readonly waveringBelowAlive?: number }
}

// ---------------------------------------------------------------------------------------------
// codecs
// ---------------------------------------------------------------------------------------------

const Strings = t.readonlyArray(NonEmptyString)

/** A number > 0 (a measure threshold, in its unit). @category codecs */
export const PositiveNumberCodec = primitive<number>(
  'PositiveNumber',
  (u) => (typeof u === 'number' && Number.isFinite(u) && u > 0 ? undefined : 'must be a number > 0'),
  { type: 'number', exclusiveMinimum: 0 },
)

/** A share from 0 to 1 (a holdout's control group). @category codecs */
export const ShareCodec = primitive<number>(
  'Share',
  (u) => (typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= 1 ? undefined : 'must be a share from 0 to 1'),
  { type: 'number', minimum: 0, maximum: 1 },
)

/** A campaign priority: a whole number, higher applies first. @category codecs */
export const PriorityCodec = primitive<number>(
  'Priority',
  (u) =>
    typeof u === 'number' && Number.isSafeInteger(u) ? undefined : 'must be a whole number (higher applies first)',
  { type: 'integer' },
)

/** A local time of day `HH:MM` (00:00–24:00). @category codecs */
export const TimeOfDayCodec = primitive<string>(
  'TimeOfDay',
  (u) => (typeof u === 'string' && /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/.test(u) ? undefined : 'must be a time "HH:MM"'),
  { type: 'string', pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$' },
)

// Checking a zone builds an Intl.DateTimeFormat (slow): remember the answer per name.
const ZONES = new Map<string, boolean>()

/** An IANA time zone name such as `Europe/Paris`. @category codecs */
export const TimeZoneCodec = primitive<string>(
  'TimeZone',
  (u) => {
    if (typeof u !== 'string' || u.length === 0) return 'must be an IANA time zone such as "Europe/Paris"'
    let known = ZONES.get(u)
    if (known === undefined) {
      known = isKnownTimeZone(u)
      ZONES.set(u, known)
    }
    return known ? undefined : 'is not a known IANA time zone (e.g. "Europe/Paris")'
  },
  { type: 'string', minLength: 1 },
)

/** The basket condition codec. @category codecs */
export const ConditionCodec: t.Type<Condition, Condition, unknown> = keyedUnion<Condition>(
  'Condition',
  'condition',
  () => ({
    all: t.readonlyArray(ConditionCodec),
    any: t.readonlyArray(ConditionCodec),
    not: ConditionCodec,
    quantity: strictObject('QuantityCondition', { of: SelectorCodec, atLeast: PositiveCount }),
    measure: strictObject('MeasureCondition', {
      of: SelectorCodec,
      unit: oneOf('MeasureUnit', UNITS.filter((u) => u !== 'each') as MeasureUnitName[]),
      atLeast: PositiveNumberCodec,
    }),
    spend: strictObject(
      'SpendCondition',
      { atLeast: MinorUnitsCodec },
      { of: SelectorCodec, basis: oneOf('SpendBasis', ['gross', 'net'] as const) },
    ),
    distinct: strictObject('DistinctCondition', { of: SelectorCodec, atLeast: PositiveCount }),
    contains: SelectorCodec,
    code: NonEmptyString,
    channel: t.readonlyArray(oneOf('Channel', ['store', 'online'] as const)),
    store: Strings,
  }),
  [],
  'A condition on the basket.',
)

/** A top share of value: a number within (0, 1]. */
const TopShareCodec = primitive<number>(
  'TopShare',
  (u) =>
    typeof u === 'number' && Number.isFinite(u) && u > 0 && u <= 1
      ? undefined
      : 'must be a share within (0, 1], such as 0.2',
  { type: 'number', exclusiveMinimum: 0, maximum: 1 },
)

const In = (name: string, values: t.Any) => strictObject(name, { in: t.readonlyArray(values) })

/** The customer condition codec. @category codecs */
export const CustomerConditionCodec: t.Type<CustomerCondition, CustomerCondition, unknown> =
  keyedUnion<CustomerCondition>(
    'CustomerCondition',
    'customer condition',
    () => ({
      all: t.readonlyArray(CustomerConditionCodec),
      any: t.readonlyArray(CustomerConditionCodec),
      not: CustomerConditionCodec,
      tier: In('TierCondition', NonEmptyString),
      segment: In('SegmentCondition', NonEmptyString),
      lifecycle: In('LifecycleCondition', oneOf('LifecycleStage', LIFECYCLE_STAGES)),
      attribute: strictObject('AttributeCondition', {
        name: NonEmptyString,
        in: t.readonlyArray(scalarOf('AttributeValue', ['string', 'number', 'boolean'])),
      }),
      birthday: strictObject('BirthdayCondition', { withinDays: Count }),
      visits: strictObject('VisitsCondition', { atLeast: Count }),
      firstPurchase: t.boolean,
      inactiveDays: strictObject('InactiveDaysCondition', { atLeast: Count }),
      value: strictObject('ValueCondition', { topShare: TopShareCodec }),
      alive: strictObject(
        'AliveCondition',
        {},
        { below: UnitIntervalCodec, atLeast: UnitIntervalCodec },
        {
          check: (spec, c) =>
            spec.below === undefined && spec.atLeast === undefined
              ? [fieldError(c, ['below'], undefined, 'give "below", "atLeast" or both')]
              : [],
        },
      ),
    }),
    [],
    'A condition on the customer.',
  )

export { RewardCodec } from './rewards/index.js'

const ValidityCodec = strictObject(
  'Validity',
  {},
  {
    from: IsoDateTimeCodec,
    until: IsoDateTimeCodec,
    timeZone: TimeZoneCodec,
    daysOfWeek: t.readonlyArray(oneOf('DayOfWeek', DAYS_OF_WEEK as readonly DayOfWeek[])),
    hours: t.readonlyArray(strictObject('Hours', { from: TimeOfDayCodec, until: TimeOfDayCodec })),
  },
  {
    description: '`from` inclusive, `until` exclusive; days and hours judged in `timeZone` (default: the store zone).',
    check: (v, c) =>
      typeof v.from === 'string' && typeof v.until === 'string' && epochMs(v.from) >= epochMs(v.until)
        ? [fieldError(c, ['until'], v.until, `must be after "from" (${v.from})`)]
        : [],
  },
)

/**
 * The campaign codec: strict, so a typo (`rewrd`) is refused at its path instead of silently
 * changing what a shop gives away.
 * @category codecs
 */
export const CampaignCodec: t.Type<Campaign, Campaign, unknown> = strictObject(
  'Campaign',
  {
    id: NonEmptyString,
    status: oneOf('CampaignStatus', ['draft', 'active', 'paused', 'ended'] as const),
    reward: RewardCodec,
  },
  {
    name: Text,
    validity: ValidityCodec,
    eligibility: strictObject('Eligibility', {}, { cardRequired: t.boolean, customer: CustomerConditionCodec }),
    code: strictObject('CodeRequirement', { pool: NonEmptyString }, { required: t.boolean }),
    trigger: ConditionCodec,
    stacking: strictObject(
      'Stacking',
      {},
      { priority: PriorityCodec, exclusive: t.boolean, group: NonEmptyString },
      {
        check: (s, c) =>
          s.exclusive === true && s.group !== undefined
            ? [
                fieldError(
                  c,
                  ['group'],
                  s.group,
                  'an exclusive campaign applies alone, so a stacking group would be ignored: drop "group" or "exclusive"',
                ),
              ]
            : [],
      },
    ),
    limits: strictObject(
      'Limits',
      {},
      {
        perBasket: PositiveCount,
        perCustomer: strictObject('PerCustomerLimit', {
          count: PositiveCount,
          period: oneOf('LimitPeriod', ['day', 'week', 'month', 'campaign'] as const),
        }),
        total: PositiveCount,
        budget: strictObject('Budget', {}, { discount: MinorUnitsCodec, points: PointsCodec }),
      },
    ),
    holdout: strictObject('Holdout', { share: ShareCodec }),
    labels: strictObject('Labels', {}, { receipt: Text, nudge: Text }),
  },
  { description: 'A campaign (wire contract v1). Unknown fields are refused.' },
) as unknown as t.Type<Campaign, Campaign, unknown>

/**
 * The program codec: strict, like campaigns.
 * @category codecs
 */
export const ProgramCodec: t.Type<Program, Program, unknown> = strictObject(
  'Program',
  { id: NonEmptyString },
  {
    earn: strictObject(
      'Earn',
      { points: PositiveCount, per: PositiveCount },
      { basis: oneOf('SpendBasis', ['gross', 'net'] as const), exclude: SelectorCodec },
    ),
    pendingDays: Count,
    expiry: strictObject('Expiry', { afterMonths: PositiveCount }),
    tiers: t.readonlyArray(
      strictObject('ProgramTier', {
        id: NonEmptyString,
        qualify: strictObject(
          'TierQualification',
          { windowMonths: PositiveCount },
          { spend: MinorUnitsCodec, points: PointsCodec },
          {
            check: (q, c) =>
              q.spend === undefined && q.points === undefined
                ? [fieldError(c, ['spend'], undefined, 'a tier qualifies by "spend" or "points" (or both)')]
                : [],
          },
        ),
        multiplier: MultiplierCodec,
      }),
    ),
    rewards: t.readonlyArray(
      strictObject('ProgramReward', { id: NonEmptyString, cost: PositiveCount, grants: RewardCodec }),
    ),
    referral: strictObject(
      'Referral',
      { referrerPoints: PointsCodec, refereePoints: PointsCodec, qualifyingSpend: MinorUnitsCodec },
      { monthlyCap: PositiveCount },
    ),
    lifecycle: strictObject(
      'ProgramLifecycle',
      {},
      { lapsedBelowAlive: UnitIntervalCodec, waveringBelowAlive: UnitIntervalCodec },
      {
        check: (l, c) =>
          typeof l.lapsedBelowAlive === 'number' &&
          typeof l.waveringBelowAlive === 'number' &&
          l.lapsedBelowAlive > l.waveringBelowAlive
            ? [fieldError(c, ['lapsedBelowAlive'], l.lapsedBelowAlive, 'must not exceed waveringBelowAlive')]
            : [],
      },
    ),
  },
  {
    description: 'A loyalty program (wire contract v1). Unknown fields are refused.',
    check: (p, c) => {
      const seen = new Set<string>()
      const errors: t.Errors = []
      for (const [i, tier] of ((p.tiers ?? []) as readonly ProgramTier[]).entries()) {
        if (seen.has(tier.id)) errors.push(fieldError(c, ['tiers', i, 'id'], tier.id, `duplicate tier id "${tier.id}"`))
        seen.add(tier.id)
      }
      return errors
    },
  },
) as unknown as t.Type<Program, Program, unknown>

const decodeCampaignArray = decodeWith(t.readonlyArray(CampaignCodec), 'campaigns')

/**
 * Decodes a JSON array of campaigns; campaign ids must be unique.
 * @category rules
 */
export const decodeCampaigns = (u: unknown): Either<DecodeError, readonly Campaign[]> => {
  if (!Array.isArray(u)) {
    return left(decodeError('campaigns', [{ path: '', reason: 'must be a JSON array of campaigns' }]))
  }
  const r = decodeCampaignArray(u)
  if (r._tag === 'Left') return r
  const seen = new Map<string, number>()
  const problems = []
  for (const [i, c] of r.right.entries()) {
    const first = seen.get(c.id)
    if (first !== undefined)
      problems.push({ path: `${i}.id`, reason: `duplicate campaign id "${c.id}" (also at ${first})` })
    else seen.set(c.id, i)
  }
  return problems.length > 0 ? left(decodeError('campaigns', problems)) : right(r.right)
}

/** Decodes one campaign. @category rules */
export const decodeCampaign: (u: unknown) => Either<DecodeError, Campaign> = decodeWith(CampaignCodec, 'campaign')

/** Decodes a program. @category rules */
export const decodeProgram: (u: unknown) => Either<DecodeError, Program> = decodeWith(ProgramCodec, 'program')

import {
  type DecodeError,
  decodeWith,
  IsoDateTimeCodec,
  looseObject,
  NonEmptyString,
  oneOf,
  parseJson,
} from '@tessera/core'
import { type Either, isLeft } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The kinds of domain events the head office publishes, each on the JetStream subject
 * `tessera.events.<kind>` (so `tessera.events.points.>` is every points event).
 * @category events
 */
export const EVENT_KINDS = [
  'member.enrolled',
  'points.earned',
  'points.redeemed',
  'points.reversed',
  'points.expired',
  'tier.changed',
  'lifecycle.changed',
  'coupon.issued',
  'coupon.redeemed',
  'coupon.revoked',
] as const

/** One kind of domain event. @category events */
export type EventKind = (typeof EVENT_KINDS)[number]

/** The subject prefix of every domain event. @category events */
export const EVENT_SUBJECT_PREFIX = 'tessera.events'

/** Who an event concerns, as a CRM keys its contacts. Absent fields are unknown. @category events */
export interface EventParty {
  readonly card?: string
  readonly accountId?: string
  readonly memberId?: string
}

/** The data of each kind of event (points are whole numbers; a balance is the available points after). @category events */
export interface EventData {
  readonly 'member.enrolled': EventParty & { readonly householdId?: string }
  readonly 'points.earned': EventParty & {
    readonly transactionId: string
    readonly points: number
    /** The points are pending (inside the return window) until then. */
    readonly pendingUntil?: string
    readonly balance?: number
  }
  readonly 'points.redeemed': EventParty & {
    readonly rewardId: string
    readonly grantId: string
    readonly points: number
    readonly balance: number
  }
  readonly 'points.reversed': EventParty & {
    readonly transactionId: string
    readonly returnId: string
    readonly points: number
    readonly balance?: number
  }
  readonly 'points.expired': EventParty & { readonly points: number; readonly balance: number }
  readonly 'tier.changed': EventParty & { readonly from?: string; readonly to?: string }
  readonly 'lifecycle.changed': EventParty & { readonly from?: string; readonly to?: string }
  readonly 'coupon.issued': EventParty & {
    readonly transactionId: string
    readonly campaignId: string
    readonly template: string
    readonly pool: string
    /** The signed coupon text, as printed (what a newsletter would put in its barcode). */
    readonly code: string
    readonly validFrom: string
    readonly validUntil: string
  }
  readonly 'coupon.redeemed': EventParty & { readonly transactionId: string; readonly code: string }
  readonly 'coupon.revoked': EventParty & {
    readonly transactionId: string
    readonly returnId: string
    readonly code: string
  }
}

/**
 * One domain event: a deterministic `id` (derived from the booking's own idempotency key, so
 * booking the same thing twice yields the same ids), its kind, when it happened (the booking's
 * time, never a clock), the CloudEvents `subject` and the data.
 * @category events
 */
export interface DomainEvent<K extends EventKind = EventKind> {
  readonly id: string
  readonly kind: K
  readonly time: string
  readonly subject: string
  readonly data: EventData[K]
}

/** Any domain event, as a union over the kinds (so `kind` narrows `data`). @category events */
export type AnyDomainEvent = { readonly [K in EventKind]: DomainEvent<K> }[EventKind]

/**
 * A domain event in a CloudEvents 1.0 envelope (structured JSON mode), as published on JetStream
 * and sent by webhook.
 * @category events
 */
export interface CloudEvent<K extends EventKind = EventKind> {
  readonly specversion: '1.0'
  readonly id: string
  readonly source: string
  /** `tessera.<kind>`, e.g. `tessera.points.earned`. */
  readonly type: string
  readonly time: string
  readonly subject: string
  readonly datacontenttype: 'application/json'
  readonly data: EventData[K]
}

/** The CloudEvents `source` of the head office unless told otherwise. @category events */
export const DEFAULT_EVENT_SOURCE = '/tessera/head-office'

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** The JetStream subject of a kind: `tessera.events.points.earned`. @category events */
export const subjectOf = (kind: EventKind): string => `${EVENT_SUBJECT_PREFIX}.${kind}`

/** The CloudEvents `type` of a kind: `tessera.points.earned`. @category events */
export const typeOf = (kind: EventKind): string => `tessera.${kind}`

/** Wraps a domain event in its CloudEvents 1.0 envelope. @category events */
export const toCloudEvent = <K extends EventKind>(
  event: DomainEvent<K>,
  source: string = DEFAULT_EVENT_SOURCE,
): CloudEvent<K> => ({
  specversion: '1.0',
  id: event.id,
  source,
  type: typeOf(event.kind),
  time: event.time,
  subject: event.subject,
  datacontenttype: 'application/json',
  data: event.data,
})

// ── codecs ───────────────────────────────────────────────────────────────────────────────────────

const TYPES = EVENT_KINDS.map(typeOf)

/**
 * The envelope as a consumer decodes it: the CloudEvents attributes checked (`specversion` 1.0, a
 * known Tessera `type`, an ISO time with offset), `data` an object; extension attributes a later
 * version adds are dropped, as CloudEvents asks of consumers.
 * @category events
 */
export const CloudEventCodec = looseObject('CloudEvent', {
  specversion: oneOf('SpecVersion', ['1.0'] as const),
  id: NonEmptyString,
  source: NonEmptyString,
  type: oneOf('TesseraEventType', TYPES),
  time: IsoDateTimeCodec,
  subject: NonEmptyString,
  datacontenttype: oneOf('DataContentType', ['application/json'] as const),
  data: t.UnknownRecord,
}) as unknown as t.Type<CloudEvent, CloudEvent, unknown>

/** The kind of a decoded envelope (from its `type`). @category events */
export const kindOf = (event: CloudEvent): EventKind => event.type.slice('tessera.'.length) as EventKind

/** Decodes a CloudEvent from its JSON text (a message body, a webhook body). @category events */
export const decodeCloudEvent = (text: string): Either<DecodeError, CloudEvent> => {
  const json = parseJson(text, 'cloud event')
  return isLeft(json) ? json : decodeWith(CloudEventCodec, 'cloud event')(json.right)
}

import { createHmac, timingSafeEqual } from 'node:crypto'
import { type Either, isLeft, left, right } from 'fp-ts/lib/Either.js'
import { type CloudEvent, decodeCloudEvent } from './event.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The headers of a signed webhook, after the Standard Webhooks scheme: the event id, the Unix
 * second it was sent, and `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (several, space
 * separated, while a secret is rotated).
 * @category events
 */
export interface WebhookHeaders {
  readonly 'webhook-id': string
  readonly 'webhook-timestamp': string
  readonly 'webhook-signature': string
}

/** A signed webhook request: the headers and the exact body to POST. @category events */
export interface WebhookRequest {
  readonly headers: WebhookHeaders & { readonly 'content-type': 'application/cloudevents+json' }
  readonly body: string
}

/**
 * Why a received webhook was refused: a header missing, a timestamp outside the tolerance (a
 * replay, or a clock far off), no signature matching any secret, or a body that is not a Tessera
 * CloudEvent (or whose id differs from `webhook-id`).
 * @category events
 */
export interface WebhookRejected {
  readonly _tag: 'WebhookRejected'
  readonly reason: 'MISSING_HEADER' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE' | 'MALFORMED'
  readonly message: string
}

const rejected = (reason: WebhookRejected['reason'], message: string) =>
  left<WebhookRejected>({ _tag: 'WebhookRejected', reason, message })

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const mac = (secret: Uint8Array | string, id: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest()

/**
 * Signs a CloudEvent as a webhook: the body is its JSON, the timestamp `nowMs` (the caller's
 * clock), one `v1` signature per secret (give the new and the old secret while rotating).
 * @category events
 */
export const signWebhook = (
  event: CloudEvent,
  secrets: readonly (Uint8Array | string)[],
  nowMs: number,
): WebhookRequest => {
  const body = JSON.stringify(event)
  const timestamp = String(Math.floor(nowMs / 1000))
  return {
    headers: {
      'content-type': 'application/cloudevents+json',
      'webhook-id': event.id,
      'webhook-timestamp': timestamp,
      'webhook-signature': secrets.map((s) => `v1,${mac(s, event.id, timestamp, body).toString('base64')}`).join(' '),
    },
    body,
  }
}

/**
 * Verifies a received webhook against the receiver's secrets, in this order: the three headers
 * are there, the timestamp is within `toleranceSeconds` of `nowMs` (default 300), a `v1`
 * signature matches one secret (compared in constant time), and the body is a Tessera CloudEvent
 * with the id of `webhook-id`. Header names are matched case-insensitively.
 * @category events
 */
export const verifyWebhook = (
  headers: Readonly<Record<string, string | readonly string[] | undefined>> | WebhookHeaders,
  body: string,
  secrets: readonly (Uint8Array | string)[],
  nowMs: number,
  toleranceSeconds = 300,
): Either<WebhookRejected, CloudEvent> => {
  const header = (name: string) => {
    const found = Object.entries(headers as Record<string, unknown>).find(([k]) => k.toLowerCase() === name)?.[1]
    return Array.isArray(found) ? found[0] : (found as string | undefined)
  }
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  const signature = header('webhook-signature')
  for (const [name, value] of [
    ['webhook-id', id],
    ['webhook-timestamp', timestamp],
    ['webhook-signature', signature],
  ] as const)
    if (value === undefined || value === '') return rejected('MISSING_HEADER', `the ${name} header is missing`)
  const ts = timestamp as string
  if (!/^\d{1,12}$/.test(ts) || Math.abs(nowMs / 1000 - Number(ts)) > toleranceSeconds)
    return rejected('STALE_TIMESTAMP', `webhook-timestamp ${ts} is not within ${toleranceSeconds} s of now`)
  const given = (signature as string)
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'))
  const matches = secrets.some((secret) => {
    const expected = mac(secret, id as string, ts, body)
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))
  })
  if (!matches) return rejected('BAD_SIGNATURE', 'no v1 signature of webhook-signature matches a secret')
  const event = decodeCloudEvent(body)
  if (isLeft(event)) return rejected('MALFORMED', event.left.message)
  if (event.right.id !== id) return rejected('MALFORMED', `the body's id "${event.right.id}" is not webhook-id "${id}"`)
  return right(event.right)
}

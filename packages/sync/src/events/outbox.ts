import { type DecodeError, decodeError, type FieldProblem, isIsoDateTime } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import {
  type AnyDomainEvent,
  DEFAULT_EVENT_SOURCE,
  type DomainEvent,
  EVENT_KINDS,
  subjectOf,
  toCloudEvent,
} from './event.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What the outbox needs of a PostgreSQL connection: `query`, as a `pg` client or pool has it. For
 * {@link recordEvents}, a client already inside the caller's transaction.
 * @category events
 */
export interface Queryable {
  readonly query: (
    text: string,
    values?: unknown[],
  ) => Promise<{ readonly rows: unknown[]; readonly rowCount: number | null }>
}

/** The outbox table of domain events. @category events */
export const EVENT_OUTBOX_TABLE = 'tessera_event_outbox'

/**
 * The outbox, portable to Postgres-compatible distributed engines (no advisory locks, no
 * triggers): one row per event, `id` unique (the CloudEvents id and the `Nats-Msg-Id`), the
 * envelope as the exact JSON text to publish, `published_at` set only after the broker's ack.
 * @category events
 */
export const EVENT_OUTBOX_SQL = `
CREATE TABLE IF NOT EXISTS ${EVENT_OUTBOX_TABLE} (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  subject text NOT NULL,
  envelope text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX IF NOT EXISTS ${EVENT_OUTBOX_TABLE}_pending ON ${EVENT_OUTBOX_TABLE} (seq) WHERE published_at IS NULL;
`

/** Creates the outbox table if missing. @category events */
export const migrateEventOutbox = async (client: Queryable): Promise<void> => {
  await client.query(EVENT_OUTBOX_SQL)
}

/** Options of {@link recordEvents}. @category events */
export interface RecordOptions {
  /** The CloudEvents `source` (default `/tessera/head-office`). */
  readonly source?: string
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const KINDS = new Set<string>(EVENT_KINDS)
// An id becomes a NATS header value: printable, no line breaks, bounded.
const ID = /^[\x21-\x7e]{1,512}$/

/** The problems of one event, at `events.<i>.<field>`. */
const problemsOf = (e: DomainEvent, i: number): FieldProblem[] => {
  const at = (field: string, reason: string) => ({ path: `events.${i}.${field}`, reason })
  const problems: FieldProblem[] = []
  if (typeof e !== 'object' || e === null) return [{ path: `events.${i}`, reason: 'must be an event object' }]
  if (typeof e.id !== 'string' || !ID.test(e.id))
    problems.push(at('id', 'must be 1–512 printable ASCII characters without spaces (it is the Nats-Msg-Id)'))
  if (typeof e.kind !== 'string' || !KINDS.has(e.kind))
    problems.push(at('kind', `must be one of ${EVENT_KINDS.join(', ')}`))
  if (typeof e.time !== 'string' || !isIsoDateTime(e.time)) problems.push(at('time', 'must be ISO-8601 with an offset'))
  if (typeof e.subject !== 'string' || e.subject.length === 0)
    problems.push(at('subject', 'must be a non-empty string'))
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data))
    problems.push(at('data', 'must be an object'))
  return problems
}

/**
 * Records domain events in the outbox on `client`, which must already be inside the caller's
 * transaction: the events commit or roll back with the booking that made them. One statement for
 * the whole batch; an id already recorded is left as it is (re-applying a booking records its
 * events once). Every event is checked first: a bad one is a {@link DecodeError} naming
 * `events.<i>.<field>`, and nothing is written. Answers how many rows were new. At SERIALIZABLE,
 * a concurrent transaction recording the same ids makes one of them fail with 40001 (or 23505):
 * the caller retries its whole transaction, which then finds the ids and records nothing new.
 * @category events
 */
export const recordEvents = async (
  client: Queryable,
  events: readonly AnyDomainEvent[],
  options: RecordOptions = {},
): Promise<Either<DecodeError, { readonly recorded: number }>> => {
  if (!Array.isArray(events)) return left(decodeError('events', [{ path: 'events', reason: 'must be an array' }]))
  const problems = events.flatMap((e, i) => problemsOf(e, i))
  const seen = new Set<string>()
  for (const [i, e] of events.entries()) {
    if (seen.has(e.id)) problems.push({ path: `events.${i}.id`, reason: `duplicate event id "${e.id}" in the batch` })
    seen.add(e.id)
  }
  if (problems.length > 0) return left(decodeError('events', problems))
  if (events.length === 0) return right({ recorded: 0 })
  const source = options.source ?? DEFAULT_EVENT_SOURCE
  const result = await client.query(
    `INSERT INTO ${EVENT_OUTBOX_TABLE} (id, subject, envelope)
     SELECT id, subject, envelope FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e(id, subject, envelope, n)
     ORDER BY n
     ON CONFLICT (id) DO NOTHING`,
    [
      events.map((e) => e.id),
      events.map((e) => subjectOf(e.kind)),
      events.map((e) => JSON.stringify(toCloudEvent(e, source))),
    ],
  )
  return right({ recorded: result.rowCount ?? 0 })
}

import type { PoolClient } from 'pg'
import type { SyncEntry } from '../entry/entry.js'
import type { AnyDomainEvent, DomainEvent, EventKind, EventParty } from '../events/event.js'
import { type RecordOptions, recordEvents } from '../events/outbox.js'
import type { OnApplied, OnAppliedBatch } from './apply.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** The balance of each account after an entry was applied (the head office's ledger). @category sync */
export type BalancesAfter = ReadonlyMap<string, number>

/** The outbox refused the events of an entry (a bug: the entry decoded, its events must too). @category sync */
export class EntryEventsRefused extends Error {
  readonly _tag = 'EntryEventsRefused'
  constructor(
    readonly entryId: string,
    message: string,
  ) {
    super(`events of entry ${entryId}: ${message}`)
  }
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

const isoOf = (ms: number) => new Date(ms).toISOString()

/** The points of an entry per account and posting kind, accounts in order. */
const sums = (entry: SyncEntry, keep: (kind: string, points: number) => boolean) => {
  const by = new Map<string, number>()
  for (const p of entry.postings) if (keep(p.kind, p.points)) by.set(p.accountId, (by.get(p.accountId) ?? 0) + p.points)
  return [...by.entries()].filter(([, points]) => points !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * The domain events of one entry the head office applied: pure and deterministic, with the ids
 * `deriveEvents` gives the same booking (`close:<transaction id>/points.earned`,
 * `redeem:<grant id>/points.redeemed`, `return:<return id>/points.reversed`,
 * `enrol:<account id>/member.enrolled`, `close:<transaction id>/coupon.redeemed/<code>`…), so an
 * entry applied twice records its events once. A second account in one entry gets its id as a
 * suffix. Balances are the head office's after the entry (`balances`); the time is the till's.
 * - `close`: `points.earned` (earnings), `coupon.redeemed` (each single-use code);
 * - `redeem`: `points.redeemed` (the reward and its grant, the posting key);
 * - `return`: `points.reversed` (the points taken back);
 * - `enrol`: `member.enrolled` (each account opened, with its card);
 * - `posting`: `points.earned` or `points.expired` as the postings say;
 * - `void`, `card`: none.
 * @category sync
 */
export const entryEvents = (entry: SyncEntry, balances: BalancesAfter = new Map()): readonly AnyDomainEvent[] => {
  const events: AnyDomainEvent[] = []
  const time = isoOf(entry.atMs)
  const emit = <K extends EventKind>(
    key: string,
    kind: K,
    party: EventParty,
    data: Omit<DomainEvent<K>['data'], keyof EventParty>,
    suffix?: string,
  ) =>
    events.push({
      id: `${key}/${kind}${suffix === undefined ? '' : `/${suffix}`}`,
      kind,
      time,
      subject: party.accountId !== undefined ? `account/${party.accountId}` : `card/${party.card}`,
      data: { ...party, ...data },
    } as DomainEvent<K> as AnyDomainEvent)
  const party = (accountId: string): EventParty => ({
    accountId,
    ...(entry.card !== undefined ? { card: entry.card } : {}),
  })
  const balance = (accountId: string) => {
    const b = balances.get(accountId)
    return b === undefined ? {} : { balance: b }
  }
  const perAccount = <K extends EventKind>(
    key: string,
    kind: K,
    rows: readonly [string, number][],
    data: (accountId: string, points: number) => Omit<DomainEvent<K>['data'], keyof EventParty>,
  ) => {
    for (const [i, [accountId, points]] of rows.entries())
      emit(key, kind, party(accountId), data(accountId, points), i === 0 ? undefined : accountId)
  }

  switch (entry.kind) {
    case 'close': {
      const key = `close:${entry.ref}`
      const earned = sums(entry, (kind, points) => kind === 'earn' && points > 0)
      perAccount(key, 'points.earned', earned, (a, points) => ({ transactionId: entry.ref, points, ...balance(a) }))
      const owner = earned[0]?.[0] ?? entry.postings[0]?.accountId
      for (const c of entry.codes)
        emit(
          key,
          'coupon.redeemed',
          owner !== undefined ? party(owner) : { card: entry.card ?? entry.till },
          {
            transactionId: entry.ref,
            code: c.code,
          },
          c.code,
        )
      break
    }
    case 'redeem': {
      const key = `redeem:${entry.ref}`
      perAccount(
        key,
        'points.redeemed',
        sums(entry, (_, points) => points < 0),
        (a, points) => ({
          rewardId: entry.reward ?? 'unknown',
          grantId: entry.ref,
          points: -points,
          balance: balances.get(a) ?? 0,
        }),
      )
      break
    }
    case 'return': {
      const key = `return:${entry.ref}`
      perAccount(
        key,
        'points.reversed',
        sums(entry, (_, points) => points < 0),
        (a, points) => ({
          transactionId: entry.of ?? entry.ref,
          returnId: entry.ref,
          points: -points,
          ...balance(a),
        }),
      )
      break
    }
    case 'enrol':
      for (const accountId of entry.accounts) {
        const card = entry.cards.find((c) => c.accountId === accountId)?.number
        emit(`enrol:${accountId}`, 'member.enrolled', { accountId, ...(card !== undefined ? { card } : {}) }, {})
      }
      break
    case 'posting': {
      const key = entry.postings.some((p) => p.kind === 'expire') ? `expire:${entry.ref}` : `posting:${entry.ref}`
      perAccount(
        key,
        'points.expired',
        sums(entry, (kind) => kind === 'expire'),
        (a, points) => ({ points: -points, balance: balances.get(a) ?? 0 }),
      )
      perAccount(
        key,
        'points.earned',
        sums(entry, (kind, points) => kind === 'earn' && points > 0),
        (a, points) => ({ transactionId: entry.ref, points, ...balance(a) }),
      )
      break
    }
    case 'void':
    case 'card':
      break
  }
  return events
}

/**
 * The head office's `onApplied` hook that records an applied entry's domain events in the events
 * outbox ({@link recordEvents}), on the applying transaction: the events commit with the entry or
 * not at all, and the outbox publisher sends them to `tessera.events.<kind>` later. Reads the
 * accounts' balances after the entry in the same transaction. Needs the outbox table
 * (`migrateHeadOffice` creates it).
 * @category sync
 */
export const recordEntryEvents =
  (options: RecordOptions = {}): OnApplied =>
  async (tx: PoolClient, entry: SyncEntry) => {
    const accounts = [...new Set(entry.postings.map((p) => p.accountId))].sort()
    const balances = new Map<string, number>()
    if (accounts.length > 0) {
      const { rows } = await tx.query(
        'SELECT account_id, points FROM sync_accounts WHERE account_id = ANY($1::text[])',
        [accounts],
      )
      for (const r of rows) balances.set(r.account_id as string, Number(r.points))
    }
    const recorded = await recordEvents(tx, entryEvents(entry, balances), options)
    if (recorded._tag === 'Left') throw new EntryEventsRefused(entry.id, recorded.left.message)
  }

/**
 * The same as {@link recordEntryEvents} for a whole batch, in ONE statement: the events of every
 * entry the batch newly applied, with the balances after each (the consumer's default). An event
 * id met twice in the batch is recorded once, as one already in the outbox is.
 * @category sync
 */
export const recordBatchEvents =
  (options: RecordOptions = {}): OnAppliedBatch =>
  async (tx, applied) => {
    const seen = new Set<string>()
    const events = applied
      .flatMap((a) => entryEvents(a.entry, a.balances))
      .filter((e) => {
        if (seen.has(e.id)) return false
        seen.add(e.id)
        return true
      })
    const recorded = await recordEvents(tx, events, options)
    if (recorded._tag === 'Left') throw new EntryEventsRefused(applied[0]?.entry.id ?? '', recorded.left.message)
  }

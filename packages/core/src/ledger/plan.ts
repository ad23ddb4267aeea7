import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { textProblem } from '../codec/primitive.js'
import type { Account } from '../customer/member.js'
import { MAX_POINTS } from '../money/Money.js'
import { balanceFromRow, balanceOf, isAvailable, isExpired, isLapsed, isPending, spendOrder } from './balance.js'
import {
  accountMerged,
  cardBlocked,
  cardReplaced,
  insufficientPoints,
  invalidPosting,
  type LedgerError,
  nothingLeftToReverse,
  notReversible,
  reservationExpired,
  reservationNotFound,
} from './errors.js'
import type {
  AccountState,
  BalanceRow,
  Entry,
  EntryKind,
  EpochMs,
  LedgerPolicy,
  Lot,
  LotChange,
  LotTake,
  PostingContext,
  PostingPlan,
  PostingRequest,
  Reservation,
  ReservationChange,
} from './model.js'
import { ENTRY_KINDS } from './model.js'

// ── validation ───────────────────────────────────────────────────────────────────────────────────

const isInstant = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0
const isPositive = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n > 0 && n <= MAX_POINTS

const KINDS: ReadonlySet<string> = new Set(ENTRY_KINDS)

/** The first string of a request (at any depth) that holds a NUL character, with its path. */
const nulField = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'string') return textProblem(value) === undefined ? undefined : path
  if (typeof value !== 'object' || value === null) return undefined
  for (const [k, v] of Object.entries(value)) {
    const found = nulField(v, path === '' ? k : `${path}.${k}`)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Checks a request's fields (types are trusted, values are not): a non-empty key, instants as
 * non-negative integer epoch ms, points as positive integers (non-zero for an adjust), coherent
 * terms. Returns the first problem as `InvalidPosting` naming the field.
 * @category ledger
 */
export const validatePosting = (request: PostingRequest): Either<LedgerError, PostingRequest> => {
  const fail = (field: string, reason: string) => left(invalidPosting(field, reason))
  if (typeof request !== 'object' || request === null) return fail('', 'must be a posting request object')
  if (!KINDS.has(request.kind)) {
    return fail('kind', `must be one of ${ENTRY_KINDS.join(', ')}, got ${JSON.stringify(request.kind)}`)
  }
  const nul = nulField(request, '')
  if (nul !== undefined) return fail(nul, 'must not contain a NUL character (U+0000)')
  if (typeof request.key !== 'string' || request.key.trim() === '') return fail('key', 'must be a non-empty string')
  if (!isInstant(request.at)) return fail('at', `must be epoch milliseconds (an integer ≥ 0), got ${request.at}`)
  const ref = 'account' in request ? request.account : undefined
  if (ref !== undefined) {
    const id = 'card' in ref ? ref.card : ref.accountId
    if (typeof id !== 'string' || id === '') return fail('account', 'must name a card or an accountId')
  }
  switch (request.kind) {
    case 'earn':
      if (!isPositive(request.points))
        return fail('points', `must be an integer from 1 to ${MAX_POINTS}, got ${request.points}`)
      if (request.availableFrom !== undefined && !isInstant(request.availableFrom)) {
        return fail('availableFrom', `must be epoch milliseconds, got ${request.availableFrom}`)
      }
      if (request.expiresAt !== undefined) {
        if (!isInstant(request.expiresAt))
          return fail('expiresAt', `must be epoch milliseconds, got ${request.expiresAt}`)
        if (request.expiresAt <= Math.max(request.at, request.availableFrom ?? request.at)) {
          return fail('expiresAt', 'must be after `at` and after `availableFrom`: the lot would never be spendable')
        }
      }
      return right(request)
    case 'redeem':
      if (!isPositive(request.points))
        return fail('points', `must be an integer from 1 to ${MAX_POINTS}, got ${request.points}`)
      return right(request)
    case 'reserve':
      if (!isPositive(request.points))
        return fail('points', `must be an integer from 1 to ${MAX_POINTS}, got ${request.points}`)
      if (!isInstant(request.expiresAt) || request.expiresAt <= request.at) {
        return fail('expiresAt', 'must be epoch milliseconds after `at` (the hold needs a time to live)')
      }
      return right(request)
    case 'commit':
    case 'release':
      if (typeof request.reservationId !== 'string' || request.reservationId === '') {
        return fail('reservationId', 'must be the key of the reserve posting')
      }
      return right(request)
    case 'reverse':
      if (typeof request.ofKey !== 'string' || request.ofKey === '')
        return fail('ofKey', 'must be the key of the posting to reverse')
      if (request.ofKey === request.key) return fail('ofKey', 'a posting cannot reverse itself')
      if (request.points !== undefined && !isPositive(request.points)) {
        return fail('points', `must be an integer from 1 to ${MAX_POINTS} when given, got ${request.points}`)
      }
      return right(request)
    case 'expire':
      return right(request)
    case 'adjust':
      if (
        typeof request.points !== 'number' ||
        !Number.isSafeInteger(request.points) ||
        request.points === 0 ||
        Math.abs(request.points) > MAX_POINTS
      ) {
        return fail('points', `must be a non-zero integer, at most ${MAX_POINTS} either way, got ${request.points}`)
      }
      if (typeof request.reason !== 'string' || request.reason.trim() === '') {
        return fail('reason', 'an adjustment needs a reason (who asked, and why)')
      }
      if (request.expiresAt !== undefined && (!isInstant(request.expiresAt) || request.expiresAt <= request.at)) {
        return fail('expiresAt', 'must be epoch milliseconds after `at`')
      }
      return right(request)
    case 'transfer':
      if (typeof request.from?.accountId !== 'string' || request.from.accountId === '') {
        return fail('from.accountId', 'must be an account id')
      }
      if (typeof request.to?.accountId !== 'string' || request.to.accountId === '') {
        return fail('to.accountId', 'must be an account id')
      }
      if (request.from.accountId === request.to.accountId) return fail('to.accountId', 'must differ from `from`')
      return right(request)
  }
}

// ── working copy of one account ──────────────────────────────────────────────────────────────────

/** A mutable working copy of one account, local to one planning; the input state is never touched. */
class Work {
  readonly lots = new Map<string, Lot>()
  readonly reservations = new Map<string, Reservation>()
  readonly touchedLots = new Set<string>()
  readonly touchedRows = new Map<string, Reservation>()
  readonly entries: Entry[] = []
  debt: number
  sequence: number

  constructor(readonly state: AccountState) {
    for (const lot of state.lots) this.lots.set(lot.lotId, lot)
    for (const r of state.reservations) if (r.status === 'open') this.reservations.set(r.reservationId, r)
    this.debt = state.row.debt
    this.sequence = state.row.sequence
  }

  get accountId(): string {
    return this.state.account.accountId
  }

  /** Changes a lot's remaining (creating it from `terms` when it is not loaded) and records the change. */
  changeLot(changes: LotChange[], terms: Omit<LotChange, 'delta'>, delta: number, at: EpochMs): void {
    if (delta === 0 && terms.created === undefined) return
    const existing = this.lots.get(terms.lotId)
    const lot: Lot =
      existing === undefined
        ? {
            lotId: terms.lotId,
            accountId: this.accountId,
            origin: terms.origin,
            points: terms.created ?? 0,
            remaining: delta,
            availableFrom: terms.availableFrom,
            ...(terms.expiresAt === undefined ? {} : { expiresAt: terms.expiresAt }),
            createdAt: at,
          }
        : { ...existing, remaining: existing.remaining + delta }
    if (lot.remaining < 0) throw new RangeError(`ledger invariant: lot ${lot.lotId} would go below zero`)
    this.lots.set(lot.lotId, lot)
    this.touchedLots.add(lot.lotId)
    changes.push({ ...terms, delta })
  }

  setReservation(r: Reservation): void {
    if (r.status === 'open') this.reservations.set(r.reservationId, r)
    else this.reservations.delete(r.reservationId)
    this.touchedRows.set(r.reservationId, r)
  }

  /** Appends an entry with the next sequence number. */
  append(
    entryId: string,
    kind: EntryKind,
    key: string,
    at: EpochMs,
    fields: {
      points: number
      lotChanges?: LotChange[]
      reservation?: ReservationChange
      debtChange?: number
      reason?: string
      ofKey?: string
      counterparty?: string
    },
  ): Entry {
    this.sequence += 1
    const entry: Entry = {
      entryId,
      accountId: this.accountId,
      sequence: this.sequence,
      kind,
      key,
      at,
      points: fields.points,
      lotChanges: fields.lotChanges ?? [],
      ...(fields.reservation === undefined ? {} : { reservation: fields.reservation }),
      debtChange: fields.debtChange ?? 0,
      ...(fields.reason === undefined ? {} : { reason: fields.reason }),
      ...(fields.ofKey === undefined ? {} : { ofKey: fields.ofKey }),
      ...(fields.counterparty === undefined ? {} : { counterparty: fields.counterparty }),
    }
    this.entries.push(entry)
    return entry
  }

  /** Spendable lots at `at`, in spend order. */
  available(at: EpochMs): Lot[] {
    return spendOrder([...this.lots.values()].filter((l) => l.remaining > 0 && isAvailable(l, at)))
  }

  pending(at: EpochMs): Lot[] {
    return spendOrder([...this.lots.values()].filter((l) => l.remaining > 0 && isPending(l, at)))
  }

  /** Available points net of debt. */
  availablePoints(at: EpochMs): number {
    return this.available(at).reduce((s, l) => s + l.remaining, 0) - this.debt
  }

  /** Takes up to `points` from the given lots in order; returns the takes. */
  take(changes: LotChange[], lots: readonly Lot[], points: number, at: EpochMs): LotTake[] {
    const takes: LotTake[] = []
    let left = points
    for (const lot of lots) {
      if (left === 0) break
      const current = this.lots.get(lot.lotId) as Lot
      const n = Math.min(left, current.remaining)
      if (n === 0) continue
      this.changeLot(changes, termsOf(current), -n, at)
      takes.push({ ...termsOf(current), points: n })
      left -= n
    }
    return takes
  }

  /** Puts a reservation's points back into their lots and closes it as `released`. */
  release(r: Reservation, key: string, entryId: string, at: EpochMs, reason?: string): void {
    const changes: LotChange[] = []
    for (const t of r.takes) this.changeLot(changes, termsOf(t), t.points, at)
    const released: Reservation = { ...r, status: 'released' }
    this.setReservation(released)
    this.append(entryId, 'release', key, at, {
      points: 0,
      lotChanges: changes,
      reservation: reservationChange(released),
      ...(reason === undefined ? {} : { reason }),
    })
  }

  /** The new balance row, as of the later of the previous row's time and `at`. */
  row(at: EpochMs): BalanceRow {
    const asOf = Math.max(this.state.row.asOf, at)
    const lots = [...this.lots.values()].filter((l) => l.remaining > 0)
    const reservations = [...this.reservations.values()]
    const partial = { accountId: this.accountId, asOf, debt: this.debt, sequence: this.sequence }
    const b = balanceOf({ lots, reservations, row: { ...partial, available: 0, pending: 0, reserved: 0 } }, asOf)
    return { ...partial, available: b.available, pending: b.pending, reserved: b.reserved }
  }

  lotRows(): Lot[] {
    return [...this.touchedLots].map((id) => this.lots.get(id) as Lot)
  }

  reservationRows(): Reservation[] {
    return [...this.touchedRows.values()]
  }
}

const termsOf = (lot: Pick<Lot, 'lotId' | 'origin' | 'availableFrom' | 'expiresAt'>): Omit<LotChange, 'delta'> => ({
  lotId: lot.lotId,
  origin: lot.origin,
  availableFrom: lot.availableFrom,
  ...(lot.expiresAt === undefined ? {} : { expiresAt: lot.expiresAt }),
})

const reservationChange = (r: Reservation): ReservationChange => ({
  reservationId: r.reservationId,
  status: r.status,
  points: r.points,
  takes: r.takes,
  expiresAt: r.expiresAt,
})

const floorOf = (policy: LedgerPolicy): number =>
  policy.allowNegative === false ? 0 : Math.min(0, policy.allowNegative.floor)

/** Kinds a blocked or replaced card may not do. */
const CARD_GATED: ReadonlySet<EntryKind> = new Set(['earn', 'redeem', 'reserve'])

// ── planning ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Decides a posting, purely: from the account's state (and, for a transfer or a reverse, the extra
 * context a store loaded), the request and the program's policy, the entries to append and the lots,
 * reservations, balance rows and accounts to write. "Now" is `request.at`.
 *
 * Before anything else, open reservations of the account whose TTL has passed at `request.at` are
 * released (one `release` entry each, id `<key>/release/<reservationId>`), so their points can be
 * spent again. The main entry's id is the key (a transfer's incoming entry is `<key>/in`).
 *
 * Does not check idempotency (that is {@link executePosting}'s job: it needs the store).
 * @category ledger
 */
export const planPosting = (
  context: PostingContext,
  request: PostingRequest,
  policy: LedgerPolicy,
): Either<LedgerError, PostingPlan> => {
  const valid = validatePosting(request)
  if (valid._tag === 'Left') return valid
  const { card } = context
  if (card !== undefined && CARD_GATED.has(request.kind)) {
    if (card.status === 'blocked') return left(cardBlocked(card.number))
    if (card.status === 'replaced') return left(cardReplaced(card.number, card.replacedBy))
  }
  const account = context.account.account
  if (account.status === 'merged') return left(accountMerged(account.accountId, account.mergedInto))

  const { key, at } = request
  const work = new Work(context.account)
  const keep = request.kind === 'release' || request.kind === 'commit' ? request.reservationId : undefined
  for (const r of [...work.reservations.values()].sort((a, b) => (a.reservationId < b.reservationId ? -1 : 1))) {
    if (isLapsed(r, at) && r.reservationId !== keep) {
      work.release(r, key, `${key}/release/${r.reservationId}`, at, 'reservation lapsed')
    }
  }
  const reason = request.reason

  const finish = (extra?: {
    counterparty?: Work
    accounts?: Account[]
    moved?: { from: string; to: string }
    reservationId?: string
  }): Either<LedgerError, PostingPlan> => {
    const row = work.row(at)
    const works = extra?.counterparty === undefined ? [work] : [work, extra.counterparty]
    const rows = works.map((w) => (w === work ? row : w.row(at)))
    return right({
      entries: works.flatMap((w) => w.entries),
      lots: works.flatMap((w) => w.lotRows()),
      reservations: works.flatMap((w) => w.reservationRows()),
      rows,
      accounts: extra?.accounts ?? [],
      ...(extra?.moved === undefined ? {} : { moved: extra.moved }),
      result: {
        key,
        kind: request.kind,
        accountId: work.accountId,
        entries: works.flatMap((w) => w.entries),
        balance: balanceFromRow(row),
        ...(rows[1] === undefined ? {} : { counterpartyBalance: balanceFromRow(rows[1]) }),
        ...(extra?.reservationId === undefined ? {} : { reservationId: extra.reservationId }),
      },
    })
  }

  // Earn and a positive adjust credit a new lot, repaying any debt first.
  const creditNewLot = (kind: 'earn' | 'adjust', points: number, availableFrom: EpochMs, expiresAt?: EpochMs) => {
    const changes: LotChange[] = []
    const repaid = Math.min(work.debt, points)
    work.debt -= repaid
    work.changeLot(
      changes,
      {
        lotId: key,
        origin: key,
        created: points,
        availableFrom,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      },
      points - repaid,
      at,
    )
    work.append(key, kind, key, at, {
      points,
      lotChanges: changes,
      debtChange: 0 - repaid,
      ...(reason === undefined ? {} : { reason }),
    })
    return finish()
  }

  switch (request.kind) {
    case 'earn':
      return creditNewLot('earn', request.points, request.availableFrom ?? at, request.expiresAt)

    case 'redeem':
    case 'reserve': {
      const available = work.availablePoints(at)
      if (request.points > available) return left(insufficientPoints(work.accountId, available, request.points))
      const changes: LotChange[] = []
      const takes = work.take(changes, work.available(at), request.points, at)
      if (request.kind === 'redeem') {
        work.append(key, 'redeem', key, at, {
          points: -request.points,
          lotChanges: changes,
          ...(reason === undefined ? {} : { reason }),
        })
        return finish()
      }
      const reservation: Reservation = {
        reservationId: key,
        accountId: work.accountId,
        points: request.points,
        takes,
        expiresAt: request.expiresAt,
        status: 'open',
        createdAt: at,
      }
      work.setReservation(reservation)
      work.append(key, 'reserve', key, at, {
        points: 0,
        lotChanges: changes,
        reservation: reservationChange(reservation),
        ...(reason === undefined ? {} : { reason }),
      })
      return finish({ reservationId: key })
    }

    case 'commit':
    case 'release': {
      const r = work.reservations.get(request.reservationId)
      if (r === undefined) return left(reservationNotFound(request.reservationId))
      if (request.kind === 'release') {
        work.release(r, key, key, at, reason)
        return finish({ reservationId: r.reservationId })
      }
      if (isLapsed(r, at)) return left(reservationExpired(r.reservationId, r.expiresAt))
      const committed: Reservation = { ...r, status: 'committed' }
      work.setReservation(committed)
      work.append(key, 'commit', key, at, {
        points: -r.points,
        reservation: reservationChange(committed),
        ...(reason === undefined ? {} : { reason }),
      })
      return finish({ reservationId: r.reservationId })
    }

    case 'reverse': {
      const reversal = context.reversal
      if (reversal === undefined)
        throw new RangeError('ledger invariant: a reverse needs its original entry in the context')
      const { original, alreadyReversed } = reversal
      if (original.kind !== 'earn' && original.kind !== 'redeem' && original.kind !== 'commit') {
        return left(notReversible(request.ofKey, original.kind))
      }
      const total = Math.abs(original.points)
      const leftToReverse = total - alreadyReversed
      const requested = request.points ?? leftToReverse
      if (requested > leftToReverse || leftToReverse === 0) {
        return left(nothingLeftToReverse(request.ofKey, leftToReverse, requested))
      }
      const changes: LotChange[] = []
      if (original.kind === 'earn') {
        // Claw back: the earn's own lot (and lots transferred from it), then pending, then available.
        const own = original.lotChanges[0]?.lotId
        const mine = (l: Lot) => l.remaining > 0 && (l.lotId === own || l.origin === own)
        const ownLots = spendOrder([...work.lots.values()].filter(mine))
        const rest = [...work.pending(at), ...work.available(at)].filter((l) => !mine(l))
        const availableBefore = work.availablePoints(at)
        const takes = work.take(changes, [...ownLots, ...rest], requested, at)
        const taken = takes.reduce((s, t) => s + t.points, 0)
        const shortfall = requested - taken
        if (shortfall > 0) {
          const after = work.availablePoints(at) - shortfall
          if (!policy.returnMayGoNegative && after < floorOf(policy)) {
            return left(insufficientPoints(work.accountId, availableBefore, requested))
          }
          work.debt += shortfall
        }
        work.append(key, 'reverse', key, at, {
          points: -requested,
          lotChanges: changes,
          debtChange: shortfall,
          ofKey: request.ofKey,
          ...(reason === undefined ? {} : { reason }),
        })
        return finish()
      }
      // Give back a redemption: to the lots it took from, latest-expiring first, skipping what
      // earlier partial reversals already gave back (a fixed order, so partial reversals add up).
      const taken: LotTake[] =
        original.kind === 'commit'
          ? [...(original.reservation?.takes ?? [])]
          : original.lotChanges.map((c) => ({ ...termsOf(c), points: -c.delta }))
      let skip = alreadyReversed
      let give = requested
      for (const t of [...spendOrder(taken)].reverse()) {
        const skipped = Math.min(skip, t.points)
        skip -= skipped
        const n = Math.min(give, t.points - skipped)
        if (n === 0) continue
        give -= n
        const sameAccount = original.accountId === work.accountId
        work.changeLot(
          changes,
          sameAccount ? termsOf(t) : { ...termsOf(t), lotId: `${key}/${t.lotId}`, created: n },
          n,
          at,
        )
      }
      work.append(key, 'reverse', key, at, {
        points: requested,
        lotChanges: changes,
        ofKey: request.ofKey,
        ...(reason === undefined ? {} : { reason }),
      })
      return finish()
    }

    case 'expire': {
      const changes: LotChange[] = []
      let expired = 0
      for (const lot of spendOrder([...work.lots.values()])) {
        if (lot.remaining > 0 && isExpired(lot, at)) {
          expired += lot.remaining
          work.changeLot(changes, termsOf(lot), -lot.remaining, at)
        }
      }
      if (changes.length > 0) {
        work.append(key, 'expire', key, at, {
          points: -expired,
          lotChanges: changes,
          ...(reason === undefined ? {} : { reason }),
        })
      }
      return finish()
    }

    case 'adjust': {
      const changes: LotChange[] = []
      if (request.points > 0) return creditNewLot('adjust', request.points, at, request.expiresAt)
      const wanted = -request.points
      const availableBefore = work.availablePoints(at)
      const takes = work.take(changes, [...work.available(at), ...work.pending(at)], wanted, at)
      const shortfall = wanted - takes.reduce((s, t) => s + t.points, 0)
      if (shortfall > 0) {
        if (work.availablePoints(at) - shortfall < floorOf(policy)) {
          return left(insufficientPoints(work.accountId, availableBefore, wanted))
        }
        work.debt += shortfall
      }
      work.append(key, 'adjust', key, at, {
        points: request.points,
        lotChanges: changes,
        debtChange: shortfall,
        reason: request.reason,
      })
      return finish()
    }

    case 'transfer': {
      const destination = context.counterparty
      if (destination === undefined)
        throw new RangeError('ledger invariant: a transfer needs its destination in the context')
      const to = destination.account
      if (to.status === 'merged') return left(accountMerged(to.accountId, to.mergedInto))
      if (to.programId !== account.programId) {
        return left(
          invalidPosting(
            'to.accountId',
            `account ${to.accountId} is in program ${to.programId}, not ${account.programId}`,
          ),
        )
      }
      for (const r of [...work.reservations.values()].sort((a, b) => (a.reservationId < b.reservationId ? -1 : 1))) {
        work.release(r, key, `${key}/release/${r.reservationId}`, at, 'released by a transfer')
      }
      const incoming = new Work(destination)
      const out: LotChange[] = []
      const into: LotChange[] = []
      let moved = 0
      for (const lot of spendOrder([...work.lots.values()])) {
        if (lot.remaining === 0) continue
        moved += lot.remaining
        incoming.changeLot(
          into,
          { ...termsOf(lot), lotId: `${key}/${lot.lotId}`, created: lot.remaining },
          lot.remaining,
          at,
        )
        work.changeLot(out, termsOf(lot), -lot.remaining, at)
      }
      const debt = work.debt
      work.debt = 0
      incoming.debt += debt
      work.append(key, 'transfer', key, at, {
        points: -(moved - debt),
        lotChanges: out,
        debtChange: -debt,
        counterparty: to.accountId,
        ...(reason === undefined ? {} : { reason }),
      })
      incoming.append(`${key}/in`, 'transfer', key, at, {
        points: moved - debt,
        lotChanges: into,
        debtChange: debt,
        counterparty: account.accountId,
        ...(reason === undefined ? {} : { reason }),
      })
      return finish({
        counterparty: incoming,
        accounts: [{ ...account, status: 'merged', mergedInto: to.accountId }],
        moved: { from: account.accountId, to: to.accountId },
      })
    }
  }
}

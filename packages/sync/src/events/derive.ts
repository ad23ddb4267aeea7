import type {
  Customer,
  Enrolment,
  PostingResult,
  Receipt,
  ReturnReceipt,
  ReturnRequest,
  RewardGrant,
} from '@tessera/core'
import type { AnyDomainEvent, DomainEvent, EventKind, EventParty } from './event.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** Where a customer stands: tier and lifecycle stage (absent: none, or not known). @category events */
export interface Stage {
  readonly tier?: string
  readonly lifecycle?: string
}

/**
 * How a booking moved its customer: the stage before and after, as `host.identify` tells them on
 * each side of the booking (see {@link stageOf}). A tier or lifecycle event comes only from this.
 * @category events
 */
export interface StageChange {
  readonly before: Stage
  readonly after: Stage
}

/**
 * One booking as the head office applied it, with what the core answered:
 * - `close`: the receipt, and the codes it redeemed (`CloseRecord.bookings.codes`);
 * - `return`: the request and its receipt, and the card of the sale;
 * - `enrol`: the enrolment;
 * - `redeem`: the reward grant;
 * - `expire`: the ledger's `expire` posting result.
 * Each may carry the customer's `stages` before and after.
 * @category events
 */
export type Booking =
  | {
      readonly kind: 'close'
      readonly receipt: Receipt
      readonly redeemedCodes?: readonly string[]
      readonly stages?: StageChange
    }
  | {
      readonly kind: 'return'
      readonly request: ReturnRequest
      readonly receipt: ReturnReceipt
      readonly card?: string
      readonly memberId?: string
      readonly stages?: StageChange
    }
  | { readonly kind: 'enrol'; readonly enrolment: Enrolment; readonly stages?: StageChange }
  | { readonly kind: 'redeem'; readonly grant: RewardGrant; readonly stages?: StageChange }
  | { readonly kind: 'expire'; readonly posting: PostingResult; readonly card?: string }

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/** The stage of a customer as `host.identify` returns them (absent: an unknown card). @category events */
export const stageOf = (customer: Customer | undefined): Stage => ({
  ...(customer?.tier !== undefined ? { tier: customer.tier } : {}),
  ...(customer?.lifecycle !== undefined ? { lifecycle: customer.lifecycle } : {}),
})

const compact = <A extends object>(a: A): A =>
  Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as A

/** The CloudEvents subject of a party: its member, else its account, else its card. */
const subjectOf = (party: EventParty, fallback: string): string =>
  party.memberId !== undefined
    ? `member/${party.memberId}`
    : party.accountId !== undefined
      ? `account/${party.accountId}`
      : party.card !== undefined
        ? `card/${party.card}`
        : fallback

const isoOf = (ms: number) => new Date(ms).toISOString()

/**
 * Derives the domain events of one booking: pure and deterministic. Every id is the booking's own
 * idempotency key (`close:<transaction id>`, `return:<return id>`, `enrol:<account id>`,
 * `redeem:<grant id>`, `expire:<posting key>`) followed by the kind (and the code or the coupon's
 * position), so re-applying a booking gives the same ids and the outbox records them once.
 * Times are the booking's own. Nothing is emitted for zero points.
 * @category events
 */
export const deriveEvents = (booking: Booking): readonly AnyDomainEvent[] => {
  const events: AnyDomainEvent[] = []
  const emit = <K extends EventKind>(
    key: string,
    kind: K,
    time: string,
    data: DomainEvent<K>['data'],
    suffix?: string,
  ) => {
    const party = data as EventParty
    events.push({
      id: `${key}/${kind}${suffix === undefined ? '' : `/${suffix}`}`,
      kind,
      time,
      subject: subjectOf(party, key),
      data: compact(data),
    } as DomainEvent<K> as AnyDomainEvent)
  }
  const stageEvents = (key: string, time: string, party: EventParty, stages: StageChange | undefined) => {
    if (stages === undefined) return
    if (stages.before.tier !== stages.after.tier)
      emit(key, 'tier.changed', time, { ...party, from: stages.before.tier, to: stages.after.tier })
    if (stages.before.lifecycle !== stages.after.lifecycle)
      emit(key, 'lifecycle.changed', time, {
        ...party,
        from: stages.before.lifecycle,
        to: stages.after.lifecycle,
      })
  }

  switch (booking.kind) {
    case 'close': {
      const r = booking.receipt
      const key = `close:${r.transactionId}`
      const party = compact<EventParty>({ card: r.card, memberId: r.memberId, accountId: r.points.balance?.accountId })
      if (r.points.earned > 0)
        emit(key, 'points.earned', r.at, {
          ...party,
          transactionId: r.transactionId,
          points: r.points.earned,
          pendingUntil: r.points.pendingUntil,
          balance: r.points.balance?.available,
        })
      for (const code of booking.redeemedCodes ?? [])
        emit(key, 'coupon.redeemed', r.at, { ...party, transactionId: r.transactionId, code }, code)
      for (const [i, c] of r.coupons.entries())
        emit(
          key,
          'coupon.issued',
          r.at,
          {
            ...party,
            ...(c.card !== undefined ? { card: c.card } : {}),
            transactionId: r.transactionId,
            campaignId: c.campaignId,
            template: c.template,
            pool: c.pool,
            code: c.code,
            validFrom: c.validFrom,
            validUntil: c.validUntil,
          },
          String(i),
        )
      stageEvents(key, r.at, party, booking.stages)
      break
    }
    case 'return': {
      const { request, receipt } = booking
      const key = `return:${receipt.returnId}`
      const party = compact<EventParty>({
        card: booking.card,
        memberId: booking.memberId,
        accountId: receipt.balance?.accountId,
      })
      if (receipt.pointsClawedBack > 0)
        emit(key, 'points.reversed', request.at, {
          ...party,
          transactionId: receipt.transactionId,
          returnId: receipt.returnId,
          points: receipt.pointsClawedBack,
          balance: receipt.balance?.available,
        })
      for (const code of receipt.revokedCoupons)
        emit(
          key,
          'coupon.revoked',
          request.at,
          { ...party, transactionId: receipt.transactionId, returnId: receipt.returnId, code },
          code,
        )
      stageEvents(key, request.at, party, booking.stages)
      break
    }
    case 'enrol': {
      const { account, card } = booking.enrolment
      const key = `enrol:${account.accountId}`
      const time = isoOf(account.openedAt)
      const party = compact<EventParty>({ card: card.number, accountId: account.accountId, memberId: account.memberId })
      emit(key, 'member.enrolled', time, { ...party, householdId: account.householdId })
      stageEvents(key, time, party, booking.stages)
      break
    }
    case 'redeem': {
      const g = booking.grant
      const key = `redeem:${g.grantId}`
      const time = isoOf(g.at)
      const party = compact<EventParty>({ card: g.card, accountId: g.accountId })
      emit(key, 'points.redeemed', time, {
        ...party,
        rewardId: g.rewardId,
        grantId: g.grantId,
        points: g.points,
        balance: g.balance.available,
      })
      stageEvents(key, time, party, booking.stages)
      break
    }
    case 'expire': {
      const p = booking.posting
      const expired = -p.entries.filter((e) => e.kind === 'expire').reduce((sum, e) => sum + e.points, 0)
      if (expired > 0) {
        const at = p.entries.find((e) => e.kind === 'expire')?.at ?? p.balance.asOf
        emit(`expire:${p.key}`, 'points.expired', isoOf(at), {
          ...compact<EventParty>({ card: booking.card, accountId: p.accountId }),
          points: expired,
          balance: p.balance.available,
        })
      }
      break
    }
  }
  return events
}

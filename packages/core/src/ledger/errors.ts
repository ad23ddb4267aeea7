import type { EpochMs } from './model.js'

/**
 * Every expected failure of the ledger and of the card/account store. Each carries a `message`
 * telling a cashier or a developer what to do next. A refused posting writes nothing.
 * @category errors
 */
export type LedgerError =
  | UnknownCard
  | UnknownAccount
  | UnknownMember
  | UnknownHousehold
  | CardBlocked
  | CardReplaced
  | AccountMerged
  | InsufficientPoints
  | ConflictingReplay
  | ReservationNotFound
  | ReservationExpired
  | EntryNotFound
  | NotReversible
  | NothingLeftToReverse
  | InvalidPosting
  | AlreadyExists
  | CardAlreadyClaimed
  | StoreBusy
  | InvalidInput

/** No card has this number. @category errors */
export interface UnknownCard {
  readonly _tag: 'UnknownCard'
  readonly card: string
  readonly message: string
}
/** No account has this id. @category errors */
export interface UnknownAccount {
  readonly _tag: 'UnknownAccount'
  readonly accountId: string
  readonly message: string
}
/** No member has this id. @category errors */
export interface UnknownMember {
  readonly _tag: 'UnknownMember'
  readonly memberId: string
  readonly message: string
}
/** The card is blocked: it may not earn, redeem or reserve. @category errors */
export interface CardBlocked {
  readonly _tag: 'CardBlocked'
  readonly card: string
  readonly message: string
}
/** The card was replaced: use the new one. @category errors */
export interface CardReplaced {
  readonly _tag: 'CardReplaced'
  readonly card: string
  readonly replacedBy?: string
  readonly message: string
}
/** The account was merged into another. @category errors */
export interface AccountMerged {
  readonly _tag: 'AccountMerged'
  readonly accountId: string
  readonly mergedInto?: string
  readonly message: string
}
/** Not enough available points. @category errors */
export interface InsufficientPoints {
  readonly _tag: 'InsufficientPoints'
  readonly accountId: string
  readonly available: number
  readonly required: number
  readonly message: string
}
/** The key was used before with different content (code `CONFLICTING_REPLAY`). @category errors */
export interface ConflictingReplay {
  readonly _tag: 'ConflictingReplay'
  readonly code: 'CONFLICTING_REPLAY'
  readonly key: string
  readonly message: string
}
/** No open reservation has this id on the account. @category errors */
export interface ReservationNotFound {
  readonly _tag: 'ReservationNotFound'
  readonly reservationId: string
  readonly message: string
}
/** The reservation's TTL passed before the commit. @category errors */
export interface ReservationExpired {
  readonly _tag: 'ReservationExpired'
  readonly reservationId: string
  readonly expiresAt: EpochMs
  readonly message: string
}
/** No posting has this key. @category errors */
export interface EntryNotFound {
  readonly _tag: 'EntryNotFound'
  readonly key: string
  readonly message: string
}
/** Only earn, redeem and commit postings can be reversed. @category errors */
export interface NotReversible {
  readonly _tag: 'NotReversible'
  readonly key: string
  readonly kind: string
  readonly message: string
}
/** The reversal asks for more than is left to reverse. @category errors */
export interface NothingLeftToReverse {
  readonly _tag: 'NothingLeftToReverse'
  readonly key: string
  readonly left: number
  readonly requested: number
  readonly message: string
}
/** A request field is wrong: `field` names it, `reason` says why. @category errors */
export interface InvalidPosting {
  readonly _tag: 'InvalidPosting'
  readonly field: string
  readonly reason: string
  readonly message: string
}
/** A card, account, member or household with this id already exists. @category errors */
export interface AlreadyExists {
  readonly _tag: 'AlreadyExists'
  readonly what: 'card' | 'account' | 'member' | 'household'
  readonly id: string
  readonly message: string
}

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/** @category errors */
export const unknownCard = (card: string): UnknownCard => ({
  _tag: 'UnknownCard',
  card,
  message: `card ${card} is not known: check the number, or issue the card before using it`,
})
/** @category errors */
export const unknownAccount = (accountId: string): UnknownAccount => ({
  _tag: 'UnknownAccount',
  accountId,
  message: `account ${accountId} does not exist: open it first, or check the id`,
})
/** @category errors */
export const unknownMember = (memberId: string): UnknownMember => ({
  _tag: 'UnknownMember',
  memberId,
  message: `member ${memberId} does not exist: enrol them first`,
})
/** @category errors */
export const cardBlocked = (card: string): CardBlocked => ({
  _tag: 'CardBlocked',
  card,
  message: `card ${card} is blocked: do not accept it; the customer should contact the loyalty desk`,
})
/** @category errors */
export const cardReplaced = (card: string, replacedBy: string | undefined): CardReplaced => ({
  _tag: 'CardReplaced',
  card,
  ...(replacedBy === undefined ? {} : { replacedBy }),
  message: `card ${card} was replaced${replacedBy === undefined ? '' : ` by ${replacedBy}`}: scan the new card`,
})
/** @category errors */
export const accountMerged = (accountId: string, mergedInto: string | undefined): AccountMerged => ({
  _tag: 'AccountMerged',
  accountId,
  ...(mergedInto === undefined ? {} : { mergedInto }),
  message: `account ${accountId} was merged${mergedInto === undefined ? '' : ` into ${mergedInto}`}: post to that account`,
})
/** @category errors */
export const insufficientPoints = (accountId: string, available: number, required: number): InsufficientPoints => ({
  _tag: 'InsufficientPoints',
  accountId,
  available,
  required,
  message: `not enough points on account ${accountId}: ${available} available, ${required} required; redeem at most ${Math.max(0, available)}`,
})
/** @category errors */
export const conflictingReplay = (key: string): ConflictingReplay => ({
  _tag: 'ConflictingReplay',
  code: 'CONFLICTING_REPLAY',
  key,
  message: `key ${key} was already used for a different posting: nothing was written; use a new key for a new posting`,
})
/** @category errors */
export const reservationNotFound = (reservationId: string): ReservationNotFound => ({
  _tag: 'ReservationNotFound',
  reservationId,
  message: `no open reservation ${reservationId}: it was committed, released or never made; reserve again`,
})
/** @category errors */
export const reservationExpired = (reservationId: string, expiresAt: EpochMs): ReservationExpired => ({
  _tag: 'ReservationExpired',
  reservationId,
  expiresAt,
  message: `reservation ${reservationId} lapsed at ${new Date(expiresAt).toISOString()}: its points went back; reserve again`,
})
/** @category errors */
export const entryNotFound = (key: string): EntryNotFound => ({
  _tag: 'EntryNotFound',
  key,
  message: `no posting with key ${key}: check the key of the posting to reverse`,
})
/** @category errors */
export const notReversible = (key: string, kind: string): NotReversible => ({
  _tag: 'NotReversible',
  key,
  kind,
  message: `posting ${key} is a ${kind}, which cannot be reversed: correct it with an adjust`,
})
/** @category errors */
export const nothingLeftToReverse = (key: string, left: number, requested: number): NothingLeftToReverse => ({
  _tag: 'NothingLeftToReverse',
  key,
  left,
  requested,
  message: `posting ${key} has ${left} points left to reverse, ${requested} requested: reverse at most ${left}`,
})
/** @category errors */
export const invalidPosting = (field: string, reason: string): InvalidPosting => ({
  _tag: 'InvalidPosting',
  field,
  reason,
  message: `invalid posting: ${field}: ${reason}`,
})
/** @category errors */
export const alreadyExists = (what: AlreadyExists['what'], id: string): AlreadyExists => ({
  _tag: 'AlreadyExists',
  what,
  id,
  message: `${what} ${id} already exists: use another id, or read the existing one`,
})

/** The card already belongs to another member. @category errors */
export interface CardAlreadyClaimed {
  readonly _tag: 'CardAlreadyClaimed'
  readonly card: string
  readonly memberId: string
  readonly message: string
}
/** @category errors */
export const cardAlreadyClaimed = (card: string, memberId: string): CardAlreadyClaimed => ({
  _tag: 'CardAlreadyClaimed',
  card,
  memberId,
  message: `card ${card} already belongs to member ${memberId}: issue a new card instead`,
})

/** No household has this id. @category errors */
export interface UnknownHousehold {
  readonly _tag: 'UnknownHousehold'
  readonly householdId: string
  readonly message: string
}
/** @category errors */
export const unknownHousehold = (householdId: string): UnknownHousehold => ({
  _tag: 'UnknownHousehold',
  householdId,
  message: `household ${householdId} does not exist: create it first`,
})

/**
 * The store stayed busy (serialization failures or deadlocks) through every retry: nothing was
 * booked, and the same request may be sent again as it is.
 * @category errors
 */
export interface StoreBusy {
  readonly _tag: 'StoreBusy'
  readonly attempts: number
  readonly message: string
}

/** @category errors */
export const storeBusy = (attempts: number): StoreBusy => ({
  _tag: 'StoreBusy',
  attempts,
  message: `the store stayed busy through ${attempts} attempts; nothing was booked: send the same request again`,
})

/**
 * An argument of a loyalty store call is refused (an id with a NUL character, a time that is not
 * epoch milliseconds…): `field` names it, `reason` says why. Nothing was read or written.
 * @category errors
 */
export interface InvalidInput {
  readonly _tag: 'InvalidInput'
  readonly operation: string
  readonly field: string
  readonly reason: string
  readonly message: string
}

/** @category errors */
export const invalidInput = (operation: string, field: string, reason: string): InvalidInput => ({
  _tag: 'InvalidInput',
  operation,
  field,
  reason,
  message: `invalid ${operation}: ${field}: ${reason}`,
})

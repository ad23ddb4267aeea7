import {
  type CampaignUsageRow,
  Count,
  type DecodeError,
  decodeWith,
  NonEmptyString,
  oneOf,
  PositiveCount,
  parseJson,
  primitive,
  strictObject,
} from '@tessera/core'
import { type Either, isLeft } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { validate as isUuid, version as uuidVersion, v7 as uuidv7 } from 'uuid'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** What a till booked, as the head office applies it. @category sync */
export type SyncEntryKind = 'close' | 'return' | 'void' | 'enrol' | 'card' | 'redeem' | 'posting'

/** Every entry kind. @category sync */
export const SYNC_ENTRY_KINDS = ['close', 'return', 'void', 'enrol', 'card', 'redeem', 'posting'] as const

/** One ledger entry of the booking: the signed change of an account's points. @category sync */
export interface SyncPosting {
  /** The till ledger's entry id (unique on the till). */
  readonly entryId: string
  readonly accountId: string
  /** The ledger entry kind (`earn`, `redeem`, `reverse`…). */
  readonly kind: string
  /** Signed change of the account's total, in points. */
  readonly points: number
}

/** A single-use code a close redeemed, with the campaign it unlocked and the discount it gave. @category sync */
export interface SyncCode {
  readonly code: string
  readonly pool: string
  readonly campaignId?: string
  /** The campaign's discount on that sale, in minor units (what a conflicting redemption cost). */
  readonly discount: number
}

/** A single-use code a full return gave back: the sale's redemption of it is undone. @category sync */
export interface SyncReleasedCode {
  readonly code: string
  readonly pool: string
  readonly campaignId?: string
}

/**
 * One immutable entry of a till's outbox: written in the same SQLite transaction as the booking,
 * its `id` (a UUID v7, made on the till) is the idempotency key all the way to the head office
 * (the JetStream `Nats-Msg-Id`, the primary key of the applied entry). `seq` orders the entries
 * of one till (1, 2, 3…). Amounts are minor units, points are integers.
 * @category sync
 */
export interface SyncEntry {
  readonly v: 1
  readonly id: string
  readonly till: string
  readonly seq: number
  readonly kind: SyncEntryKind
  /** When the till booked it (its clock), epoch ms. */
  readonly atMs: number
  /** What it books: the transaction id, the return id, the posting key or the account id. */
  readonly ref: string
  /** The till decided without the head office (the link was down or too slow). */
  readonly offline: boolean
  readonly postings: readonly SyncPosting[]
  readonly codes: readonly SyncCode[]
  /** Campaign usage deltas (a return's are negative). */
  readonly campaigns: readonly CampaignUsageRow[]
  /** Accounts opened. */
  readonly accounts: readonly string[]
  /** Cards issued. */
  readonly cards: readonly { readonly number: string; readonly accountId: string }[]
  /** The sale's total (a close) in minor units. */
  readonly total?: number
  /** The card of the sale (a close) or of the reward (a redemption), when the till knew it. */
  readonly card?: string
  /** The reward a redemption bought (`redeem`). */
  readonly reward?: string
  /** The sale a return returns (its transaction id). */
  readonly of?: string
  /** The single-use codes a full return gave back (the sale's redemption of each is undone). */
  readonly released?: readonly SyncReleasedCode[]
}

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/** A new entry id: a UUID v7 (time-ordered, random, made on the till). Reads the clock. @category sync */
export const newEntryId = (): string => uuidv7()

// ── codecs ───────────────────────────────────────────────────────────────────────────────────────

const EntryId = primitive<string>(
  'EntryId',
  (u) => (typeof u === 'string' && isUuid(u) && uuidVersion(u) === 7 ? undefined : 'must be a UUID v7'),
  { type: 'string', format: 'uuid' },
)
const SignedInt = primitive<number>(
  'SignedInt',
  (u) => (typeof u === 'number' && Number.isSafeInteger(u) ? undefined : 'must be a whole number'),
  { type: 'integer' },
)

const PostingCodec = strictObject('SyncPosting', {
  entryId: NonEmptyString,
  accountId: NonEmptyString,
  kind: NonEmptyString,
  points: SignedInt,
})
const CodeCodec = strictObject(
  'SyncCode',
  { code: NonEmptyString, pool: NonEmptyString, discount: Count },
  { campaignId: NonEmptyString },
)
const UsageCodec = strictObject('CampaignUsage', {
  campaignId: NonEmptyString,
  redemptions: SignedInt,
  discountSpent: SignedInt,
  pointsSpent: SignedInt,
})
const ReleasedCodec = strictObject(
  'SyncReleasedCode',
  { code: NonEmptyString, pool: NonEmptyString },
  { campaignId: NonEmptyString },
)
const CardCodec = strictObject('SyncCard', { number: NonEmptyString, accountId: NonEmptyString })

/** The codec of a {@link SyncEntry} (unknown fields refused). @category sync */
export const SyncEntryCodec: t.Decoder<unknown, SyncEntry> = strictObject(
  'SyncEntry',
  {
    v: t.literal(1),
    id: EntryId,
    till: NonEmptyString,
    seq: PositiveCount,
    kind: oneOf('SyncEntryKind', SYNC_ENTRY_KINDS),
    atMs: Count,
    ref: NonEmptyString,
    offline: t.boolean,
    postings: t.readonlyArray(PostingCodec),
    codes: t.readonlyArray(CodeCodec),
    campaigns: t.readonlyArray(UsageCodec),
    accounts: t.readonlyArray(NonEmptyString),
    cards: t.readonlyArray(CardCodec),
  },
  {
    total: SignedInt,
    card: NonEmptyString,
    reward: NonEmptyString,
    of: NonEmptyString,
    released: t.readonlyArray(ReleasedCodec),
  },
) as unknown as t.Decoder<unknown, SyncEntry>

/** Decodes an untrusted entry: a {@link DecodeError} naming each refused field. @category sync */
export const decodeSyncEntry: (u: unknown) => Either<DecodeError, SyncEntry> = decodeWith(SyncEntryCodec, 'sync entry')

/** Decodes an entry from the bytes of a message (malformed JSON is a {@link DecodeError} too). @category sync */
export const decodeSyncEntryBytes = (data: Uint8Array): Either<DecodeError, SyncEntry> => {
  const parsed = parseJson(new TextDecoder().decode(data), 'sync entry')
  return isLeft(parsed) ? parsed : decodeSyncEntry(parsed.right)
}

import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { type DecodeError, decodeError, decodeWith } from '../codec/decode.js'
import { fieldError, looseObject, strictObject } from '../codec/object.js'
import { NonEmptyString, oneOf, PositiveCount } from '../codec/primitive.js'
import { SignedPointsCodec } from '../money/money.codec.js'
import { epochMs, IsoDateTimeCodec } from '../time/time.codec.js'
import { ENTRY_KINDS, type PostingRequest } from './model.js'
import { validatePosting } from './plan.js'

// ── codecs (wire shape: times are ISO-8601 with an offset) ───────────────────────────────────────

const AccountRefCodec = looseObject(
  'AccountRef',
  {},
  { card: NonEmptyString, accountId: NonEmptyString },
  {
    description: 'The account a posting addresses: exactly one of a scanned `card` or an `accountId`.',
    check: (ref, c) =>
      (ref.card === undefined) === (ref.accountId === undefined)
        ? [fieldError(c, ['card'], ref.card, 'give exactly one of "card" or "accountId"')]
        : [],
  },
)
const AccountIdRefCodec = strictObject('AccountIdRef', { accountId: NonEmptyString })

const base = { key: NonEmptyString, at: IsoDateTimeCodec }
const kind = <K extends string>(k: K) => oneOf(`kind:${k}`, [k] as const)

const POSTING_CODECS = {
  earn: strictObject(
    'EarnPosting',
    { kind: kind('earn'), ...base, account: AccountRefCodec, points: PositiveCount },
    { reason: NonEmptyString, availableFrom: IsoDateTimeCodec, expiresAt: IsoDateTimeCodec },
  ),
  redeem: strictObject(
    'RedeemPosting',
    { kind: kind('redeem'), ...base, account: AccountRefCodec, points: PositiveCount },
    { reason: NonEmptyString },
  ),
  reserve: strictObject(
    'ReservePosting',
    { kind: kind('reserve'), ...base, account: AccountRefCodec, points: PositiveCount, expiresAt: IsoDateTimeCodec },
    { reason: NonEmptyString },
  ),
  commit: strictObject(
    'CommitPosting',
    { kind: kind('commit'), ...base, account: AccountRefCodec, reservationId: NonEmptyString },
    { reason: NonEmptyString },
  ),
  release: strictObject(
    'ReleasePosting',
    { kind: kind('release'), ...base, account: AccountRefCodec, reservationId: NonEmptyString },
    { reason: NonEmptyString },
  ),
  reverse: strictObject(
    'ReversePosting',
    { kind: kind('reverse'), ...base, account: AccountRefCodec, ofKey: NonEmptyString },
    { reason: NonEmptyString, points: PositiveCount },
  ),
  expire: strictObject(
    'ExpirePosting',
    { kind: kind('expire'), ...base, account: AccountIdRefCodec },
    { reason: NonEmptyString },
  ),
  adjust: strictObject(
    'AdjustPosting',
    { kind: kind('adjust'), ...base, account: AccountRefCodec, points: SignedPointsCodec, reason: NonEmptyString },
    { expiresAt: IsoDateTimeCodec },
  ),
  transfer: strictObject(
    'TransferPosting',
    { kind: kind('transfer'), ...base, from: AccountIdRefCodec, to: AccountIdRefCodec },
    { reason: NonEmptyString },
  ),
} as const

/**
 * The codec of a posting request on the wire (CLI, server): one object per `kind`, unknown fields
 * refused, times as ISO-8601 with an offset. For the JSON Schema (`tessera schema posting`); decode
 * with {@link decodePosting}, which also turns times into epoch milliseconds.
 * @category codecs
 */
export const PostingCodec = t.union([
  POSTING_CODECS.earn,
  POSTING_CODECS.redeem,
  POSTING_CODECS.reserve,
  POSTING_CODECS.commit,
  POSTING_CODECS.release,
  POSTING_CODECS.reverse,
  POSTING_CODECS.expire,
  POSTING_CODECS.adjust,
  POSTING_CODECS.transfer,
])

const KindCodec = looseObject('Posting', { kind: oneOf('EntryKind', ENTRY_KINDS) })

const TIME_FIELDS = ['at', 'availableFrom', 'expiresAt'] as const

/**
 * Decodes a posting request from untrusted JSON: picks the shape by `kind`, refuses unknown fields,
 * converts ISO times to epoch ms, then applies {@link validatePosting}. Every problem names its path
 * (`account.card`, `points`, `expiresAt`).
 * @category ledger
 */
export const decodePosting = (u: unknown): Either<DecodeError, PostingRequest> => {
  const k = decodeWith(KindCodec, 'posting')(u)
  if (k._tag === 'Left') return k
  const wire = decodeWith(POSTING_CODECS[k.right.kind] as t.Decoder<unknown, Record<string, unknown>>, 'posting')(u)
  if (wire._tag === 'Left') return wire
  const request: Record<string, unknown> = { ...wire.right }
  for (const field of TIME_FIELDS) {
    if (typeof request[field] === 'string') request[field] = epochMs(request[field] as string)
  }
  const valid = validatePosting(request as unknown as PostingRequest)
  if (valid._tag === 'Left') {
    const e = valid.left
    return left(
      decodeError('posting', [
        {
          path: e._tag === 'InvalidPosting' ? e.field : '',
          reason: e._tag === 'InvalidPosting' ? e.reason : e.message,
        },
      ]),
    )
  }
  return right(valid.right)
}

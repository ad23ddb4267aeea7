import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { type DecodeError, decodeError, problemsOf } from '../../codec/decode.js'
import { looseObject } from '../../codec/object.js'
import { NonEmptyString, primitive } from '../../codec/primitive.js'
import { SignedMinorUnitsCodec } from '../../money/money.codec.js'
import { isIsoDateTime } from '../../time/time.codec.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * One line of a customer purchase history: who bought, when, and for how much (integer minor units;
 * a negative amount is a return, and reduces the amount of the day it is booked on).
 * @category analytics
 */
export interface PurchaseLine {
  readonly memberId: string
  /** An ISO-8601 date-time with an offset, or a calendar date `YYYY-MM-DD` (already local to the store). */
  readonly at: string
  readonly amount: number
}

// ── codecs ───────────────────────────────────────────────────────────────────────────────────────

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether a string is a valid calendar date `YYYY-MM-DD`. */
export const isLocalDate = (s: string): boolean => {
  const m = DATE.exec(s)
  if (m === null) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** A purchase time: an ISO-8601 date-time with an offset, or a date `YYYY-MM-DD`. @category codecs */
export const PurchaseTimeCodec = primitive<string>(
  'PurchaseTime',
  (u) =>
    typeof u === 'string' && (isIsoDateTime(u) || isLocalDate(u))
      ? undefined
      : 'must be an ISO-8601 date-time with an offset ("1997-01-01T10:00:00+01:00") or a date "1997-01-01"',
  { type: 'string' },
)

/**
 * A history line `{ "memberId", "at", "amount" }` (amount in integer minor units, negative for a
 * return). Unknown fields are dropped, so richer transaction lines decode too.
 * @category codecs
 */
export const PurchaseLineCodec = looseObject('PurchaseLine', {
  memberId: NonEmptyString,
  at: PurchaseTimeCodec,
  amount: SignedMinorUnitsCodec,
})

/**
 * Decodes a JSONL purchase history (one {@link PurchaseLine} per line; blank lines are skipped). The
 * first line that does not decode is refused as a {@link DecodeError} whose document names the line
 * (`history line 3`) and whose problems name the field (`amount`). Pure: the caller reads the file.
 * @category codecs
 */
export const decodeHistoryJsonl = (text: string): Either<DecodeError, readonly PurchaseLine[]> => {
  const lines: PurchaseLine[] = []
  const rows = text.split('\n')
  for (const [i, raw] of rows.entries()) {
    const row = raw.trim()
    if (row === '') continue
    const document = `history line ${i + 1}`
    let value: unknown
    try {
      value = JSON.parse(row)
    } catch (e) {
      return left(decodeError(document, [{ path: '', reason: `malformed JSON (${(e as Error).message})` }]))
    }
    const decoded = PurchaseLineCodec.decode(value)
    if (decoded._tag === 'Left') return left(decodeError(document, problemsOf(decoded.left)))
    lines.push(decoded.right)
  }
  return right(lines)
}

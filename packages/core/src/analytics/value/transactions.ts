import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { type DecodeError, decodeError, problemsOf } from '../../codec/decode.js'
import { decodeHistoryLine } from '../simulate/history.js'
import { type PurchaseLine, PurchaseLineCodec } from './history.js'

/**
 * Decodes a JSONL history for the value models, in either of the two forms Tessera writes, line by
 * line (they may be mixed):
 *
 * - a plain purchase line `{ "memberId", "at", "amount" }` (as {@link decodeHistoryJsonl});
 * - a transaction line of `tessera simulate`'s history (`history.jsonl` of the demo): a sale
 *   `{ "basket", "customer"?, "booked"? }` counts for its member (`customer.memberId`; a sale
 *   without a member is left out) at the basket's time, for what it booked (`booked.total`), else
 *   the basket's lines before discount; a return `{ "return": { "of", "at", "full", "refund"? } }`
 *   takes back its `refund`, else the whole sale's amount when `full`, else nothing (a partial
 *   return whose refund is not on the line), on the day of the return, for the sale's member.
 *
 * The first line that does not decode is refused as a {@link DecodeError} whose document names the
 * line (`history line 3`) and whose problems name the field (`basket.at`). Blank lines are skipped.
 * @category codecs
 */
export const decodeValueHistoryJsonl = (text: string): Either<DecodeError, readonly PurchaseLine[]> => {
  const lines: PurchaseLine[] = []
  // The member and amount of each member sale seen so far, for its returns.
  const sales = new Map<string, { readonly memberId: string; readonly amount: number }>()
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
    const isTransaction = typeof value === 'object' && value !== null && ('basket' in value || 'return' in value)
    if (!isTransaction) {
      const decoded = PurchaseLineCodec.decode(value)
      if (decoded._tag === 'Left') return left(decodeError(document, problemsOf(decoded.left)))
      lines.push(decoded.right)
      continue
    }
    const decoded = decodeHistoryLine(row, i + 1)
    if (decoded._tag === 'Left') return left(decodeError(document, decoded.left.problems))
    const entry = decoded.right
    if (entry === undefined) continue
    if (entry.kind === 'sale') {
      const memberId = entry.customer?.memberId
      if (memberId === undefined) continue
      const amount = entry.booked?.total ?? entry.basket.lines.reduce((s, l) => s + l.amount, 0)
      sales.set(entry.basket.id, { memberId, amount })
      lines.push({ memberId, at: entry.basket.at, amount })
      continue
    }
    const sale = sales.get(entry.of)
    if (sale === undefined) continue
    const back = entry.refund ?? (entry.full ? sale.amount : 0)
    if (back > 0) lines.push({ memberId: sale.memberId, at: entry.at, amount: -back })
  }
  return right(lines)
}

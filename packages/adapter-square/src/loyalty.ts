import {
  CurrencyCodec,
  type DecodeError,
  decodeError,
  decodeWith,
  looseObject,
  MinorUnitsCodec,
  NonEmptyString,
  PointsCodec,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'

/**
 * The fields of a checkout close's receipt (core `Receipt`) that the loyalty requests need. A receipt
 * may come back through JSON (from `@tessera/server`), so it is decoded; other fields are ignored.
 * @category square
 */
export const ReceiptPointsCodec = looseObject('Receipt', {
  transactionId: NonEmptyString,
  currency: CurrencyCodec,
  total: MinorUnitsCodec,
  points: looseObject('ReceiptPoints', { earned: PointsCodec }),
})

const decodeReceipt = decodeWith(ReceiptPointsCodec, 'receipt')
type ReceiptFields = t.TypeOf<typeof ReceiptPointsCodec>

/** Square's limit on an idempotency key's length. */
const MAX_IDEMPOTENCY_KEY = 128

/** The body of `POST /v2/loyalty/accounts/{account_id}/accumulate`. @category square */
export interface AccumulateLoyaltyPointsRequest {
  readonly accumulate_points: { readonly loyalty_program_id: string; readonly points: number }
  readonly idempotency_key: string
  readonly location_id: string
}

/** The body of `POST /v2/loyalty/programs/{program_id}/calculate`. @category square */
export interface CalculateLoyaltyPointsRequest {
  readonly transaction_amount_money: { readonly amount: number; readonly currency: string }
  readonly loyalty_account_id?: string
}

/** Where the points go. @category square */
export interface AccumulateOptions {
  readonly loyaltyProgramId: string
  readonly locationId: string
}

const readReceipt = (receipt: unknown): Either<DecodeError, ReceiptFields> => {
  const r = decodeReceipt(receipt)
  if (r._tag === 'Left') return r
  if (r.right.transactionId.length > MAX_IDEMPOTENCY_KEY) {
    return left(
      decodeError('receipt', [
        {
          path: 'transactionId',
          reason: `is ${r.right.transactionId.length} characters; Square takes it as the idempotency key, at most ${MAX_IDEMPOTENCY_KEY}`,
        },
      ]),
    )
  }
  return r
}

const required = (value: string, path: string): DecodeError | undefined =>
  value.length > 0 ? undefined : decodeError('options', [{ path, reason: 'must be a non-empty string' }])

/**
 * The `AccumulateLoyaltyPoints` request body for the points a close earned: Tessera's
 * `points.earned` as explicit `points` of the program (not `order_id`, which would let Square's
 * own accrual rules count them again), and the transaction id as the idempotency key, so a retried
 * close never credits twice. A receipt that earned nothing is refused at `points.earned`: Square
 * accumulates at least one point, so there is no call to make.
 * @category square
 */
export const accumulatePointsRequest = (
  receipt: unknown,
  options: AccumulateOptions,
): Either<DecodeError, AccumulateLoyaltyPointsRequest> => {
  const bad = required(options.loyaltyProgramId, 'loyaltyProgramId') ?? required(options.locationId, 'locationId')
  if (bad !== undefined) return left(bad)
  const r = readReceipt(receipt)
  if (r._tag === 'Left') return r
  if (r.right.points.earned === 0) {
    return left(
      decodeError('receipt', [{ path: 'points.earned', reason: 'is 0: nothing to accumulate, so skip the call' }]),
    )
  }
  return right({
    accumulate_points: { loyalty_program_id: options.loyaltyProgramId, points: r.right.points.earned },
    idempotency_key: r.right.transactionId,
    location_id: options.locationId,
  })
}

/**
 * The `CalculateLoyaltyPoints` request body for a close: the amount the customer paid (the
 * receipt's `total`, after Tessera's discounts) in the receipt's currency, and the account when
 * known (so Square adds the account's promotion points). Square answers how many points its program
 * would give, to set beside Tessera's `points.earned`.
 * @category square
 */
export const calculatePointsRequest = (
  receipt: unknown,
  options: { readonly loyaltyAccountId?: string } = {},
): Either<DecodeError, CalculateLoyaltyPointsRequest> => {
  if (options.loyaltyAccountId !== undefined) {
    const bad = required(options.loyaltyAccountId, 'loyaltyAccountId')
    if (bad !== undefined) return left(bad)
  }
  const r = readReceipt(receipt)
  if (r._tag === 'Left') return r
  return right({
    transaction_amount_money: { amount: r.right.total, currency: r.right.currency },
    ...(options.loyaltyAccountId === undefined ? {} : { loyalty_account_id: options.loyaltyAccountId }),
  })
}

import * as t from 'io-ts'
import { type Basket, QuantityCodec } from '../basket/basket.codec.js'
import { decodeWith } from '../codec/decode.js'
import { fieldError, strictObject } from '../codec/object.js'
import { NonEmptyString, oneOf } from '../codec/primitive.js'
import { CurrencyCodec, MinorUnitsCodec } from '../money/money.codec.js'
import { IsoDateTimeCodec } from '../time/time.codec.js'

/**
 * What opens a checkout session: the transaction id (it keys the close: a retry of the close with
 * this id books nothing twice), the store, the terminal, the currency and the basket time.
 * @category codecs
 */
export const OpenCheckoutCodec = strictObject(
  'OpenCheckout',
  {
    transactionId: NonEmptyString,
    storeId: NonEmptyString,
    terminalId: NonEmptyString,
    currency: CurrencyCodec,
    at: IsoDateTimeCodec,
  },
  { channel: oneOf('Channel', ['store', 'online'] as const), pricesIncludeTax: t.boolean },
  { description: 'Opens a checkout session (the basket header, without lines).' },
)

/** What opens a checkout session. @category checkout */
export interface OpenCheckout {
  readonly transactionId: string
  readonly storeId: string
  readonly terminalId: string
  readonly currency: Basket['currency']
  readonly at: Basket['at']
  readonly channel?: Basket['channel']
  readonly pricesIncludeTax?: boolean
}

/** A tender of a close. @category codecs */
export const TenderCodec = strictObject('Tender', { type: NonEmptyString, amount: MinorUnitsCodec })

/** The tenders of a close. @category codecs */
export const TendersCodec = t.readonlyArray(TenderCodec, 'Tenders')

/** A line of a return: a line id of the original sale and a quantity. @category codecs */
export const ReturnLineCodec = strictObject('ReturnLine', {
  lineId: NonEmptyString,
  quantity: QuantityCodec,
})

/**
 * A return request: its own id (keys idempotency), the original transaction, when, and the lines.
 * @category codecs
 */
export const ReturnRequestCodec = strictObject(
  'ReturnRequest',
  {
    returnId: NonEmptyString,
    transactionId: NonEmptyString,
    at: IsoDateTimeCodec,
    lines: t.readonlyArray(ReturnLineCodec),
  },
  {},
  {
    description: 'Returns units of a closed sale, refunded from its stored snapshot.',
    check: (r, c) =>
      (r.lines as readonly unknown[]).length === 0
        ? [fieldError(c, ['lines'], r.lines, 'must name at least one returned line; nothing was refunded')]
        : [],
  },
)

/** Decodes an {@link OpenCheckoutCodec} document. @category checkout */
export const decodeOpenCheckout = decodeWith(OpenCheckoutCodec, 'checkout opening')
/** Decodes the tenders of a close. @category checkout */
export const decodeTenders = decodeWith(TendersCodec, 'tenders')
/** Decodes a return request. @category checkout */
export const decodeReturnRequest = decodeWith(ReturnRequestCodec, 'return')

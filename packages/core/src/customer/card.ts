import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import { gs1CheckDigit, isValidGs1, isValidLuhn } from '../catalog/checkDigit.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Where a card stands: `active` (scans earn and redeem), `blocked` (refused at the till until
 * unblocked; back-office corrections still work), `replaced` (lost or damaged: its account moved to
 * the card in `replacedBy`).
 * @category customer
 */
export type CardStatus = 'active' | 'blocked' | 'replaced'

/**
 * A loyalty card. It always points to one account (the points live on the account, not the card);
 * several cards on one account make a household. A card with no `memberId` is anonymous; claiming
 * it links it to a member and keeps its account and balance.
 * @category customer
 */
export interface Card {
  readonly number: string
  readonly accountId: string
  readonly memberId?: string
  readonly status: CardStatus
  /** Set when `status` is `replaced`: the number of the card that took over. */
  readonly replacedBy?: string
  /** When the card was issued, epoch milliseconds. */
  readonly issuedAt: number
}

// ── card numbers ─────────────────────────────────────────────────────────────────────────────────

/**
 * How a program numbers its cards: EAN-13 in a restricted-circulation range (GS1 prefixes 20–29 are
 * for in-store use), `prefix` followed by a zero-padded serial and the GS1 check digit.
 * @category customer
 */
export interface CardNumberRange {
  /** Leading digits, e.g. `"29"` or `"2900"`: 2 to 11 digits. */
  readonly prefix: string
}

/** The default range: prefix `29`, ten serial digits, GS1 check digit. @category customer */
export const DEFAULT_CARD_RANGE: CardNumberRange = { prefix: '29' }

/**
 * Why a card number was refused or could not be made.
 * @category errors
 */
export interface CardNumberError {
  readonly _tag: 'CardNumberError'
  readonly input: string
  readonly reason: 'NOT_DIGITS' | 'WRONG_LENGTH' | 'BAD_CHECK_DIGIT' | 'OUT_OF_RANGE' | 'SERIAL_EXHAUSTED' | 'REFUSED'
  readonly message: string
}

const cardNumberError = (input: string, reason: CardNumberError['reason'], message: string): CardNumberError => ({
  _tag: 'CardNumberError',
  input,
  reason,
  message,
})

/**
 * The card number for a serial in a range: `prefix` + serial zero-padded to 12 digits + GS1 check
 * digit. Pure: the store hands out the next serial. Refuses a serial that does not fit the range.
 *
 * @example
 * cardNumberFromSerial(DEFAULT_CARD_RANGE, 123456) // right('2900001234566')
 * @category customer
 */
export const cardNumberFromSerial = (range: CardNumberRange, serial: number): Either<CardNumberError, string> => {
  if (!/^\d{2,11}$/.test(range.prefix)) {
    return left(
      cardNumberError(range.prefix, 'OUT_OF_RANGE', `card prefix must be 2 to 11 digits, got "${range.prefix}"`),
    )
  }
  const width = 12 - range.prefix.length
  if (!Number.isSafeInteger(serial) || serial < 0 || String(serial).length > width) {
    return left(
      cardNumberError(
        String(serial),
        'SERIAL_EXHAUSTED',
        `serial ${serial} does not fit the ${width} serial digits after prefix ${range.prefix}: use a longer range or a new prefix`,
      ),
    )
  }
  const body = `${range.prefix}${String(serial).padStart(width, '0')}`
  return right(`${body}${gs1CheckDigit(body)}`)
}

/**
 * The scheme a scanned card number must follow. `gs1` checks the GS1 check digit (EAN-13 cards),
 * `luhn` the Luhn digit (payment-style numbers), `foreign` accepts an opaque id with an optional
 * validator of your own (a partner's member id, a phone number…).
 * @category customer
 */
export type CardNumberScheme =
  | { readonly kind: 'gs1'; readonly range?: CardNumberRange }
  | { readonly kind: 'luhn'; readonly minLength?: number; readonly maxLength?: number }
  | { readonly kind: 'foreign'; readonly validate?: (id: string) => string | undefined }

/**
 * Checks a scanned card number against a scheme, returning it trimmed, or an error that says what
 * is wrong (so the cashier can rescan or type it again).
 * @category customer
 */
export const validateCardNumber = (scheme: CardNumberScheme, input: string): Either<CardNumberError, string> => {
  const n = input.trim()
  switch (scheme.kind) {
    case 'gs1': {
      if (!/^\d+$/.test(n))
        return left(cardNumberError(input, 'NOT_DIGITS', `card number "${input}" must be digits only`))
      if (n.length !== 13) {
        return left(
          cardNumberError(input, 'WRONG_LENGTH', `card number "${input}" must have 13 digits, it has ${n.length}`),
        )
      }
      if (!isValidGs1(n)) {
        return left(
          cardNumberError(
            input,
            'BAD_CHECK_DIGIT',
            `card number "${input}" has a wrong check digit: rescan or retype it`,
          ),
        )
      }
      if (scheme.range !== undefined && !n.startsWith(scheme.range.prefix)) {
        return left(
          cardNumberError(
            input,
            'OUT_OF_RANGE',
            `card number "${input}" is not in this program's range ${scheme.range.prefix}…`,
          ),
        )
      }
      return right(n)
    }
    case 'luhn': {
      const min = scheme.minLength ?? 2
      const max = scheme.maxLength ?? 19
      if (!/^\d+$/.test(n))
        return left(cardNumberError(input, 'NOT_DIGITS', `card number "${input}" must be digits only`))
      if (n.length < min || n.length > max) {
        return left(
          cardNumberError(
            input,
            'WRONG_LENGTH',
            `card number "${input}" must have ${min} to ${max} digits, it has ${n.length}`,
          ),
        )
      }
      if (!isValidLuhn(n)) {
        return left(
          cardNumberError(
            input,
            'BAD_CHECK_DIGIT',
            `card number "${input}" has a wrong check digit: rescan or retype it`,
          ),
        )
      }
      return right(n)
    }
    case 'foreign': {
      if (n.length === 0) return left(cardNumberError(input, 'WRONG_LENGTH', 'a card id cannot be empty'))
      const reason = scheme.validate?.(n)
      return reason === undefined
        ? right(n)
        : left(cardNumberError(input, 'REFUSED', `card id "${input}" refused: ${reason}`))
    }
  }
}

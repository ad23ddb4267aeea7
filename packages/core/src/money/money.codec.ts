import { primitive } from '../codec/primitive.js'
import { type CurrencyCode, isCurrencyCode } from './currency.js'
import { MAX_MINOR_UNITS, MAX_POINTS, type MinorUnits, type Points } from './Money.js'
import { hasAtMostTwoDecimals } from './percent.js'

/**
 * An amount in integer minor units, ≥ 0. A float such as `6.98` is refused: amounts on the wire are
 * always minor units (698).
 * @category codecs
 */
export const MinorUnitsCodec = primitive<MinorUnits>(
  'MinorUnits',
  (u) =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 && u <= MAX_MINOR_UNITS
      ? undefined
      : typeof u === 'number' && Number.isFinite(u) && !Number.isInteger(u)
        ? 'must be an integer amount in minor units (e.g. 698 for 6.98), not a decimal'
        : typeof u === 'number' && u > MAX_MINOR_UNITS
          ? `must be at most ${MAX_MINOR_UNITS} minor units`
          : 'must be an integer amount in minor units ≥ 0',
  {
    type: 'integer',
    minimum: 0,
    maximum: MAX_MINOR_UNITS,
    description: 'integer minor units of the basket currency',
  },
)

/** A signed integer amount in minor units (balances, adjustments). @category codecs */
export const SignedMinorUnitsCodec = primitive<MinorUnits>(
  'SignedMinorUnits',
  (u) =>
    typeof u === 'number' && Number.isSafeInteger(u) && Math.abs(u) <= MAX_MINOR_UNITS
      ? undefined
      : `must be an integer amount in minor units, at most ${MAX_MINOR_UNITS} either way`,
  { type: 'integer', minimum: -MAX_MINOR_UNITS, maximum: MAX_MINOR_UNITS },
)

/** A whole number of points ≥ 0. @category codecs */
export const PointsCodec = primitive<Points>(
  'Points',
  (u) =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 && u <= MAX_POINTS
      ? undefined
      : `must be a whole number of points from 0 to ${MAX_POINTS}`,
  { type: 'integer', minimum: 0, maximum: MAX_POINTS },
)

/** A signed whole number of points (a balance may be negative where a program allows it). @category codecs */
export const SignedPointsCodec = primitive<Points>(
  'SignedPoints',
  (u) =>
    typeof u === 'number' && Number.isSafeInteger(u) && Math.abs(u) <= MAX_POINTS
      ? undefined
      : `must be a whole number of points, at most ${MAX_POINTS} either way`,
  { type: 'integer', minimum: -MAX_POINTS, maximum: MAX_POINTS },
)

/** A percentage from 0 to 100 with at most 2 decimals (12.5 means 12.5 %). @category codecs */
export const PercentCodec = primitive<number>(
  'Percent',
  (u) =>
    typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= 100 && hasAtMostTwoDecimals(u)
      ? undefined
      : 'must be a percentage from 0 to 100 with at most 2 decimals',
  { type: 'number', minimum: 0, maximum: 100, multipleOf: 0.01 },
)

/** An ISO 4217 currency code known to Tessera. @category codecs */
export const CurrencyCodec = primitive<CurrencyCode>(
  'Currency',
  (u) => (typeof u === 'string' && isCurrencyCode(u) ? undefined : 'must be an ISO 4217 currency code such as "EUR"'),
  { type: 'string', pattern: '^[A-Z]{3}$' },
)

import { type CurrencyCode, formatMoney, minor } from '@tessera/core'

/**
 * The shop's one locale: every amount, count, weight and percentage the till, the receipts, the demo
 * console and the report show is written with it, so a number never changes its separators from
 * one screen to the next (`1 234,5` everywhere, never `1,234.5` beside `1 234,50 €`).
 * @category format
 */
export const LOCALE = 'fr-FR'

/** Intl puts narrow no-break spaces in French numbers; a terminal and a receipt printer want plain ones. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

/** Cents as a display amount (`121400` → `1 214,00 €`). @category format */
export const displayMoney = (cents: number, currency = 'EUR'): string =>
  plain(formatMoney({ amount: minor(Math.round(cents)), currency: currency as CurrencyCode }, LOCALE))

/** A whole count (`75 797`). @category format */
export const count = (n: number): string => plain(n.toLocaleString(LOCALE, { maximumFractionDigits: 0 }))

/** A decimal with exactly `digits` fraction digits (`0,93`). @category format */
export const decimal = (n: number, digits: number): string =>
  plain(n.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits }))

/** A ratio as a percentage with one decimal (`0.1234` → `12,3 %`). @category format */
export const percent = (ratio: number, digits = 1): string => `${decimal(ratio * 100, digits)} %`

/** A weighed quantity in kilograms with grams (`1,243 kg`). @category format */
export const kilograms = (kg: number): string => `${decimal(kg, 3)} kg`

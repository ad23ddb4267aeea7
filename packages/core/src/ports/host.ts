import { builtInMoneyFormatter, intlMoneyFormatter } from '../money/formatters.js'
import type { Money } from '../money/Money.js'
import { builtInTimeZoneRules, firstTimeZoneRules, intlTimeZoneRules } from '../time/timeZoneRules.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The time-zone port: what a zone's UTC offset is at an instant. The core judges validity windows,
 * days and hours through it, never through `Intl` directly.
 * @category ports
 */
export interface TimeZoneRules {
  /** The UTC offset of `zone` at `ms` in minutes (`Europe/Paris` in winter: 60), `undefined` for an unknown zone. */
  readonly offsetMinutes: (ms: number, zone: string) => number | undefined
}

/**
 * The money-formatting port: how an amount reads in a message (a nudge, a tier's progress).
 * @category ports
 */
export interface MoneyFormatter {
  /** `{ amount: 2999, currency: 'EUR' }` in `en-GB` gives `"€29.99"`. */
  readonly format: (value: Money, locale: string) => string
}

/**
 * What the core asks of the runtime it runs in: time-zone rules and money formatting.
 * @category ports
 */
export interface Host {
  readonly timeZones: TimeZoneRules
  readonly money: MoneyFormatter
}

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/**
 * The built-in host, for a runtime without `Intl` (Javy's QuickJS, where a Shopify function runs):
 * the generated zone table (`BUILT_IN_ZONES`) and the generated money formats (`BUILT_IN_MONEY_FORMATS`),
 * both checked against `Intl` by their tests.
 * @category ports
 */
export const builtInHost: Host = { timeZones: builtInTimeZoneRules, money: builtInMoneyFormatter }

/**
 * The default host: `Intl` where the runtime has it (any zone, any locale), else the built-in one.
 * A zone `Intl` does not know is still looked up in the built-in table.
 * @category ports
 */
export const defaultHost: Host =
  intlTimeZoneRules === undefined || intlMoneyFormatter === undefined
    ? builtInHost
    : { timeZones: firstTimeZoneRules(intlTimeZoneRules, builtInTimeZoneRules), money: intlMoneyFormatter }

// ── operations ───────────────────────────────────────────────────────────────────────────────────

let current: Host = defaultHost

/**
 * Replaces the host for every later evaluation, formatting and decoding in this runtime, for example
 * a bundle that brings its own zone table: `useHost({ timeZones: tableTimeZoneRules(myZones) })`.
 * Returns the host that was in force, to restore it. Call it once at start-up, before decoding or
 * evaluating anything: the zone checks of the codecs and the offsets of the evaluator are cached.
 * @category ports
 */
export const useHost = (host: Partial<Host>): Host => {
  const previous = current
  current = host.timeZones !== undefined && host.money !== undefined ? (host as Host) : { ...current, ...host }
  return previous
}

/** The host in force. @category ports */
export const currentHost = (): Host => current

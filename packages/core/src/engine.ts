/**
 * `@tessera/core/engine`: the campaign engine alone (decode, compile, evaluate), for a runtime that
 * is not Node: a Shopify function in Javy's QuickJS, a browser, an edge worker. It does no I/O and
 * needs no `Intl`: time zones and money formatting go through the host ports, which fall back to the
 * built-in zone table and money formats where `Intl` is missing. Its bundle (esbuild, minified) is
 * held under a size budget by `test/engine.bundle.test.ts`.
 * @packageDocumentation
 */

export type { Basket, BasketLine } from './basket/basket.codec.js'
export type { DecodeError, FieldProblem } from './codec/decode.js'
export { parseJson } from './codec/decode.js'
export type { Customer } from './customer/customer.codec.js'
export { decodeBasket, decodeCustomer } from './documents.js'
export { formatMoney } from './money/format.js'
export { BUILT_IN_MONEY_FORMATS } from './money/formats.generated.js'
export {
  builtInMoneyFormatter,
  intlMoneyFormatter,
  type LocaleMoneyFormat,
  type MoneyFormatTable,
  tableMoneyFormatter,
} from './money/formatters.js'
export {
  builtInHost,
  currentHost,
  defaultHost,
  type Host,
  type MoneyFormatter,
  type TimeZoneRules,
  useHost,
} from './ports/host.js'
export {
  type Campaign,
  type CampaignUsage,
  type Compiled,
  type CompileOptions,
  compile,
  decodeCampaign,
  decodeCampaigns,
  decodeProgram,
  type Evaluation,
  evaluate,
  type LintCode,
  type LintProblem,
  type Program,
  type ReasonCode,
  type UsageSnapshot,
} from './rules/index.js'
export { builtInTimeZoneRules, firstTimeZoneRules, intlTimeZoneRules } from './time/timeZoneRules.js'
export { isKnownTimeZone } from './time/zone.js'
export { BUILT_IN_ZONES, BUILT_IN_ZONES_YEARS } from './time/zones.generated.js'
export { tableTimeZoneRules, type ZoneChangeRule, type ZoneEntry, type ZoneTable } from './time/zoneTable.js'

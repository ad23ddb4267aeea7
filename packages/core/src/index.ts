/**
 * `@tessera/core`: the pure core of Tessera. No I/O, no clock, no randomness: those come in through
 * the ports.
 * @packageDocumentation
 */
export * from './analytics/index.js'
export * from './basket/index.js'
export * from './catalog/index.js'
export * from './checkout/index.js'
export * from './codec/index.js'
export * from './coupons/index.js'
export * from './customer/index.js'
export * from './documents.js'
export * from './errors/index.js'
export * from './host/index.js'
export * from './ledger/index.js'
export * from './money/index.js'
export * from './ports/index.js'
export * from './referral/index.js'
export * from './rewards/index.js'
export * from './rules/index.js'
export * from './tiers/index.js'
export * from './time/index.js'

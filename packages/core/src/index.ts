/**
 * `@tessera/core`: the pure core of Tessera. No I/O, no clock, no randomness: those come in through
 * the ports.
 * @packageDocumentation
 */
export * from './basket/index.js'
export * from './codec/index.js'
export * from './customer/index.js'
export * from './documents.js'
export * from './errors/index.js'
export * from './money/index.js'
export * from './ports/index.js'
export * from './rules/index.js'
export * from './time/index.js'

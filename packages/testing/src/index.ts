/**
 * `@tessera/testing`: what a test of Tessera, or of an application built on it, needs: a fixed
 * clock, deterministic ids, fast-check arbitraries, in-memory stores and the store conformance suite.
 * @packageDocumentation
 */
export * from './arbitraries.js'
export * from './checkout-conformance/index.js'
export * from './clock.js'
export * from './conformance/index.js'
export * from './ids.js'
export * from './memory/index.js'
export * from './memory-checkout/index.js'
export * from './random.js'

/**
 * `@tessera/testing`: what a test of Tessera, or of an application built on it, needs: a fixed
 * clock, deterministic ids, fast-check arbitraries, in-memory stores and the store conformance suite.
 * @packageDocumentation
 */
export * from './arbitraries.js'
export * from './clock.js'
export * from './ids.js'

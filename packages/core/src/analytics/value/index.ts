/**
 * Customer lifetime value for non-contractual retail: BG/NBD for how often a member buys and whether
 * they are still alive, Gamma-Gamma for how much, fitted by maximum likelihood on a store's history.
 * Pure: the caller reads the history and passes it in.
 * @module
 */
export * from './bgnbd.js'
export * from './errors.js'
export * from './gammaGamma.js'
export * from './history.js'
export * from './predict.js'
export * from './snapshot.js'
export * from './special.js'
export * from './summary.js'
export * from './transactions.js'

/**
 * Pure analytics: lifecycle stages from history, RFM scores, the Pareto share and the holdout uplift
 * of campaigns. No I/O: the caller reads the data and passes it in.
 * @module
 */
export * from './errors.js'
export * from './holdout.js'
export * from './lifecycle.js'
export * from './pareto.js'
export * from './rfm.js'
export * from './simulate/index.js'
export * from './value/index.js'

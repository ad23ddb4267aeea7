/**
 * The campaign simulator: a pure replay of past baskets, in time order, against a draft set of
 * campaigns, rebuilding each customer's usage of limits and budgets as the checkout would have
 * booked it. Books nothing.
 * @module
 */
export * from './history.js'
export * from './replay.js'
export * from './scorecard.js'

/**
 * The rewards catalogue: points buy a program reward (a personal voucher or a gift) through one
 * keyed ledger redemption.
 * @module
 */
export * from './redeem.js'

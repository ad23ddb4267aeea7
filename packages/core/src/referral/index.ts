/**
 * Referral: each member's short referral code (derived from a secret, with a check character), and
 * the reward of both sides on the referee's first qualifying purchase through keyed ledger postings.
 * @module
 */
export * from './code.js'
export * from './reward.js'

/**
 * Tiers: qualification by spend or points over a rolling window, upgrades at once, downgrades only
 * after the tier's period (and grace), progress toward the next tier, and the points multiplier.
 * @module
 */
export * from './progress.js'
export {
  assessTier,
  DEFAULT_TIER_POLICY,
  type HeldTier,
  type InvalidTierInput,
  meetsTier,
  type TierActivity,
  type TierAssessment,
  type TierError,
  type TierPolicy,
  type TierProgram,
  type TierRule,
  tierMultiplier,
  type UnknownTier,
  windowTotals,
} from './tier.js'

import { classifyLifecycle, DEFAULT_LIFECYCLE_RULES, type LifecycleRules } from '../analytics/lifecycle.js'
import { minor, type Points } from '../money/Money.js'
import { assessTier, type TierActivity, type TierProgram } from '../tiers/tier.js'
import { YEAR_MS } from '../time/duration.js'
import type { IsoDateTime } from '../time/time.codec.js'
import type { Card } from './card.js'
import type { Customer } from './customer.codec.js'
import type { Member } from './member.js'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** One purchase (negative: a return) of a customer, as the profile reads it. @category customer */
export interface ProfilePurchase {
  /** The transaction or return id: purchases on the same id count as one visit. */
  readonly id: string
  readonly at: string
  readonly amount: number
  readonly points: number
}

/**
 * Everything the profile of a card's holder is derived from, as the loyalty store has it: the card,
 * its member (absent for an anonymous card), their purchases (any order), how many of their
 * referrals were rewarded, and the available points balance when known.
 * @category customer
 */
export interface ProfileFacts {
  readonly card: Card
  readonly member?: Member
  readonly purchases: readonly ProfilePurchase[]
  readonly successfulReferrals: number
  readonly pointsBalance?: number
}

/** Options of {@link profileOf}: the lifecycle thresholds (default: analytics' defaults). @category customer */
export interface ProfileOptions {
  readonly lifecycleRules?: LifecycleRules
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * The customer as the engine judges them at `at`, derived from the store alone: the card and its
 * member, the member's segments, birthday and attributes, the tier the purchases qualify for
 * (`assessTier` over the program's tiers), stats (visits counted once per transaction, first and
 * last purchase, spend over the last 12 months net of returns), the lifecycle stage
 * (`classifyLifecycle` on the purchases and the rewarded referrals) and the points balance.
 * Purchases after `at` are ignored. Pure: the caller reads the facts, this decides.
 * @category customer
 */
export const profileOf = (
  facts: ProfileFacts,
  program: TierProgram,
  at: IsoDateTime | string,
  options: ProfileOptions = {},
): Customer => {
  const atMs = Date.parse(at)
  const purchases = facts.purchases
    .filter((p) => Date.parse(p.at) <= atMs)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  const visits = new Set(purchases.filter((p) => p.amount > 0).map((p) => p.id)).size
  const bought = purchases.filter((p) => p.amount > 0)
  const first = bought[0]
  const last = bought[bought.length - 1]
  const spend12m = purchases.reduce((s, p) => (Date.parse(p.at) > atMs - YEAR_MS ? s + p.amount : s), 0)
  const activity: TierActivity[] = purchases.map((p) => ({ at: p.at, spend: p.amount, points: p.points }))
  const assessed = (program.tiers ?? []).length === 0 ? undefined : assessTier(activity, undefined, program, at)
  const tier = assessed?._tag === 'Right' ? assessed.right.tier : undefined
  const traits: Partial<Member> = facts.member ?? {}
  const stage = classifyLifecycle(
    {
      purchases: purchases.map((p) => ({ at: p.at, amount: p.amount })),
      successfulReferrals: facts.successfulReferrals,
      ...(traits.value !== undefined ? { pAlive: traits.value.pAlive } : {}),
    },
    at,
    options.lifecycleRules ?? DEFAULT_LIFECYCLE_RULES,
  )
  return {
    card: facts.card.number,
    ...(facts.card.memberId !== undefined ? { memberId: facts.card.memberId } : {}),
    ...(tier !== undefined ? { tier } : {}),
    ...(traits.segments !== undefined ? { segments: traits.segments } : {}),
    ...(traits.birthday !== undefined ? { birthday: traits.birthday } : {}),
    ...(traits.attributes !== undefined ? { attributes: traits.attributes } : {}),
    stats: {
      visits,
      ...(first !== undefined ? { firstPurchaseAt: first.at as IsoDateTime } : {}),
      ...(last !== undefined ? { lastPurchaseAt: last.at as IsoDateTime } : {}),
      spend12m: minor(Math.max(0, spend12m)),
    },
    ...(stage._tag === 'Right' ? { lifecycle: stage.right } : {}),
    ...(facts.pointsBalance !== undefined ? { pointsBalance: facts.pointsBalance as Points } : {}),
    ...(traits.value !== undefined ? { value: traits.value } : {}),
  }
}

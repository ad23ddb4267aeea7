/**
 * The peer of the engine benchmark: json-rules-engine, given the same campaigns as one rule each
 * (with one event) and the same baskets as facts.
 *
 * The facts are flat and precomputed per basket, the fastest shape json-rules-engine offers
 * (no JSONPath): `qty:<sku>`, `spend:<category>`, `skus`, `total`, `tier`, `dayOfWeek`. Building
 * them is part of the timed work, as the engine's own aggregation is. json-rules-engine only says
 * which rules fire: it computes no discount, no allocation over lines and no explanation.
 */
import { Engine, type RuleProperties } from 'json-rules-engine'

interface Selector {
  readonly sku?: readonly string[]
  readonly category?: readonly string[]
}

interface WorkloadCampaign {
  readonly id: string
  readonly validity?: { readonly daysOfWeek?: readonly string[] }
  readonly eligibility?: { readonly customer?: { readonly tier?: { readonly in: readonly string[] } } }
  readonly trigger?: {
    readonly quantity?: { readonly of: Selector; readonly atLeast: number }
    readonly spend?: { readonly of?: Selector; readonly atLeast: number }
    readonly contains?: Selector
  }
  readonly reward: unknown
}

const fail = (id: string): never => {
  throw new Error(`peer: campaign ${id} is not one of the four workload shapes`)
}

/** Translates one workload campaign into the equivalent json-rules-engine rule. */
export const ruleOf = (campaign: WorkloadCampaign): RuleProperties => {
  const conditions: { fact: string; operator: string; value: unknown }[] = []
  const days = campaign.validity?.daysOfWeek
  if (days !== undefined) conditions.push({ fact: 'dayOfWeek', operator: 'in', value: days })
  const tiers = campaign.eligibility?.customer?.tier?.in
  if (tiers !== undefined) conditions.push({ fact: 'tier', operator: 'in', value: tiers })
  const trigger = campaign.trigger ?? fail(campaign.id)
  if (trigger.quantity !== undefined) {
    const sku = trigger.quantity.of.sku?.[0] ?? fail(campaign.id)
    conditions.push({ fact: `qty:${sku}`, operator: 'greaterThanInclusive', value: trigger.quantity.atLeast })
  } else if (trigger.spend !== undefined) {
    const category = trigger.spend.of?.category?.[0]
    conditions.push({
      fact: category === undefined ? 'total' : `spend:${category}`,
      operator: 'greaterThanInclusive',
      value: trigger.spend.atLeast,
    })
  } else if (trigger.contains !== undefined) {
    const sku = trigger.contains.sku?.[0] ?? fail(campaign.id)
    conditions.push({ fact: 'skus', operator: 'contains', value: sku })
  } else {
    fail(campaign.id)
  }
  return {
    name: campaign.id,
    conditions: { all: conditions },
    event: { type: campaign.id, params: { reward: campaign.reward } },
  }
}

/** One json-rules-engine with a rule per campaign. Undefined facts (SKUs absent) simply fail a condition. */
export const peerEngine = (campaigns: readonly unknown[]): Engine => {
  const engine = new Engine([], { allowUndefinedFacts: true })
  for (const c of campaigns) engine.addRule(ruleOf(c as WorkloadCampaign))
  return engine
}

interface PeerLine {
  readonly sku: string
  readonly quantity: number
  readonly amount: number
  readonly categories: readonly string[]
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const

/** The local day of week of an ISO time with an offset (the campaigns' zone is the baskets' offset here). */
const dayOfWeek = (at: string): string => DAYS[new Date(`${at.slice(0, 10)}T00:00:00Z`).getUTCDay()]!

/** The facts of one basket: quantities per SKU, spend per category, the SKUs, the total, tier, day. */
export const factsOf = (basket: unknown, customer: unknown): Record<string, unknown> => {
  const b = basket as { readonly at: string; readonly lines: readonly PeerLine[] }
  const facts: Record<string, unknown> = {}
  const skus: string[] = []
  let total = 0
  for (const line of b.lines) {
    facts[`qty:${line.sku}`] = ((facts[`qty:${line.sku}`] as number | undefined) ?? 0) + line.quantity
    for (const category of line.categories) {
      facts[`spend:${category}`] = ((facts[`spend:${category}`] as number | undefined) ?? 0) + line.amount
    }
    skus.push(line.sku)
    total += line.amount
  }
  facts.skus = skus
  facts.total = total
  facts.tier = (customer as { readonly tier?: string } | undefined)?.tier ?? 'none'
  facts.dayOfWeek = dayOfWeek(b.at)
  return facts
}

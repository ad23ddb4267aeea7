import {
  allocate,
  type Campaign,
  type Evaluation,
  type Explanation,
  minor,
  type PriceInput,
  type Pricer,
  type Program,
  percentOf,
  points as pts,
  type Reward,
  type Selector,
} from '@tessera/core'

const DAY_MS = 86_400_000

const selects = (selector: Selector | 'basket', line: { readonly sku: string }): boolean => {
  if (selector === '*' || selector === 'basket') return true
  if (typeof selector === 'object' && 'sku' in selector) return (selector.sku as readonly string[]).includes(line.sku)
  throw new RangeError(
    `fixturePricer: only "*" and {sku: [..]} selectors are supported, got ${JSON.stringify(selector)}`,
  )
}

/**
 * A deliberately small, exact evaluator for the checkout conformance suite, so that the suite
 * tests STORES (locks, idempotency, usage booking) independently of the rules engine. It applies
 * active campaigns by priority (higher first, then id), skipping `exclude`d ones and those whose
 * code pool has no accepted code or that need a card, and understands these rewards:
 * `percentOff` (on the lines' remaining net, half-up, split with `allocate` by net), `amountOff`,
 * `points.fixed` (split by net), `issueCoupon`, and `all` of those; selectors `"*"` and `{sku}`.
 * Program points: `floor(net × points / per)` over the basket, split by net. Anything else throws.
 * @category testing
 */
export const fixturePricer =
  (campaigns: readonly Campaign[], program?: Program): Pricer =>
  (input: PriceInput): Evaluation => {
    const { basket } = input
    const net = basket.lines.map((l) => l.amount as number)
    const discounts: Evaluation['discounts'][number][] = []
    const breakdown: Evaluation['points']['breakdown'][number][] = []
    const coupons: Evaluation['coupons'][number][] = []
    const explanations: Explanation[] = []
    const pools = new Set(input.codes.map((c) => c.pool))
    const ordered = [...campaigns].sort(
      (a, b) => (b.stacking?.priority ?? 0) - (a.stacking?.priority ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    const spread = (total: number, idx: readonly number[]) => {
      const shares = allocate(
        total,
        idx.map((i) => net[i] as number),
      )
      return idx.map((i, k) => ({ lineId: basket.lines[i]?.id as string, i, share: shares[k] as number }))
    }
    for (const c of ordered) {
      if (c.status !== 'active' || input.exclude.has(c.id)) continue
      if (c.code !== undefined && c.code.required !== false && !pools.has(c.code.pool)) {
        explanations.push({
          campaignId: c.id,
          applied: false,
          reasons: [{ code: 'CODE_REQUIRED', required: c.code.pool }],
        })
        continue
      }
      if (c.eligibility?.cardRequired === true && basket.card === undefined) {
        explanations.push({ campaignId: c.id, applied: false, reasons: [{ code: 'CARD_REQUIRED' }] })
        continue
      }
      const apply = (reward: Reward): void => {
        if ('all' in reward) {
          for (const r of reward.all) apply(r)
          return
        }
        if ('percentOff' in reward || 'amountOff' in reward) {
          const of = 'percentOff' in reward ? reward.percentOff.of : reward.amountOff.of
          const idx = basket.lines.flatMap((l, i) => (l.discountable !== false && selects(of, l) ? [i] : []))
          const base = idx.reduce((s, i) => s + (net[i] as number), 0)
          const amount = Math.min(
            base,
            'percentOff' in reward ? percentOf(base, reward.percentOff.percent) : reward.amountOff.amount,
          )
          if (amount <= 0) return
          const parts = spread(amount, idx)
          for (const p of parts) net[p.i] = (net[p.i] as number) - p.share
          discounts.push({
            campaignId: c.id,
            label: c.labels?.receipt ?? c.id,
            amount: minor(amount),
            allocations: parts.filter((p) => p.share > 0).map((p) => ({ lineId: p.lineId, amount: minor(p.share) })),
          })
          return
        }
        if ('points' in reward && reward.points.fixed !== undefined) {
          const parts = spread(
            reward.points.fixed,
            basket.lines.map((_, i) => i),
          )
          breakdown.push({
            source: c.id,
            points: pts(reward.points.fixed),
            allocations: parts.map((p) => ({ lineId: p.lineId, points: pts(p.share) })),
          })
          return
        }
        if ('issueCoupon' in reward) {
          const until = new Date(Date.parse(basket.at) + reward.issueCoupon.validForDays * DAY_MS).toISOString()
          coupons.push({
            campaignId: c.id,
            template: reward.issueCoupon.template,
            label: c.labels?.receipt ?? reward.issueCoupon.template,
            validUntil: until as Evaluation['coupons'][number]['validUntil'],
          })
          return
        }
        throw new RangeError(`fixturePricer: unsupported reward ${Object.keys(reward)[0]}`)
      }
      apply(c.reward)
      explanations.push({ campaignId: c.id, applied: true, reasons: [] })
    }
    if (program?.earn !== undefined && basket.lines.length > 0) {
      const total = net.reduce((s, n) => s + n, 0)
      const earned = Math.floor((total * program.earn.points) / program.earn.per)
      if (earned > 0) {
        const parts = spread(
          earned,
          basket.lines.map((_, i) => i),
        )
        breakdown.push({
          source: program.id,
          points: pts(earned),
          allocations: parts.map((p) => ({ lineId: p.lineId, points: pts(p.share) })),
        })
      }
    }
    const subtotal = basket.lines.reduce((s, l) => s + l.amount, 0)
    const discountTotal = discounts.reduce((s, d) => s + d.amount, 0)
    return {
      basketId: basket.id,
      subtotal: minor(subtotal),
      discountTotal: minor(discountTotal),
      total: minor(subtotal - discountTotal),
      lines: basket.lines.map((l, i) => ({
        id: l.id,
        amount: l.amount,
        discount: minor(l.amount - (net[i] as number)),
        net: minor(net[i] as number),
      })),
      discounts,
      points: { earned: pts(breakdown.reduce((s, b) => s + b.points, 0)), breakdown },
      gifts: [],
      coupons,
      nudges: [],
      explanations,
      holdouts: [],
    }
  }

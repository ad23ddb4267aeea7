import type { Campaign, Evaluation } from '@tessera/core/engine'
import type { CurrencyCode } from '@tessera/core/money'
import { plainPercentOf } from './config.js'
import { minorToDecimal, percentHundredths, percentToDecimal } from './decimal.js'
import type { AssociatedDiscountCode } from './output.js'

/** One of Tessera's discounts of an evaluation. */
export type TesseraDiscount = Evaluation['discounts'][number]

/** A candidate before it takes its target type: the lines it targets and its value. */
export interface LineCandidate {
  readonly lineIds: readonly string[]
  readonly value:
    | { readonly percentage: { readonly value: string } }
    | { readonly fixedAmount: { readonly amount: string } }
  readonly message: string
  readonly associatedDiscountCode?: AssociatedDiscountCode
}

/** The label Shopify shows for a discount: its receipt label, else the campaign id. */
export const labelOf = (d: TesseraDiscount): string => (d.label === '' ? d.campaignId : d.label)

/** Whether `a` is exactly `percent` % of `base` (in integers: a × 10 000 = base × hundredths). */
export const isExactPercent = (a: number, base: number, percent: number): boolean =>
  a * 10_000 === base * percentHundredths(percent)

/** The associated code of candidates from campaigns that need a code, when a code triggered the run. */
export const codeOf = (
  campaigns: readonly (Campaign | undefined)[],
  code: string | null | undefined,
): { associatedDiscountCode?: AssociatedDiscountCode } =>
  code !== undefined && code !== null && code !== '' && campaigns.some((c) => c?.code !== undefined)
    ? { associatedDiscountCode: { code } }
    : {}

/**
 * Turns Tessera's discounts into per-target candidates, so that Shopify takes off exactly what
 * Tessera allocated to each target (a cart line or a delivery group):
 * - a campaign that is a plain percentage (`percentOff` without `maxUnits`), whose allocations are
 *   each exactly that percentage of their line, and whose lines get no other discount, becomes one
 *   `percentage` candidate over its lines: Shopify computes the same cents, whatever its rounding,
 *   because there is nothing to round;
 * - every other discounted target gets one `fixedAmount` candidate: Tessera's allocations to it,
 *   summed (Shopify applies one product discount per line, so a line is never targeted twice).
 *
 * `priced(id)` says whether Tessera knows the target's price; an unpriced target (a delivery group
 * whose cost the input does not carry) can only take a percentage, and its other discounts are
 * returned as `dropped` with the reason.
 */
export const lineCandidates = (
  discounts: readonly TesseraDiscount[],
  campaignOf: (id: string) => Campaign | undefined,
  amountOf: (lineId: string) => number,
  priced: (lineId: string) => boolean,
  currency: CurrencyCode,
  code: string | null | undefined,
): { readonly candidates: LineCandidate[]; readonly dropped: string[] } => {
  const perLine = new Map<string, { total: number; discounts: TesseraDiscount[]; index: number }>()
  const order: string[] = []
  for (const d of discounts) {
    for (const a of d.allocations) {
      if (a.amount === 0) continue
      let entry = perLine.get(a.lineId)
      if (entry === undefined) {
        entry = { total: 0, discounts: [], index: order.length }
        perLine.set(a.lineId, entry)
        order.push(a.lineId)
      }
      entry.total += a.amount
      if (!entry.discounts.includes(d)) entry.discounts.push(d)
    }
  }
  const candidates: { first: number; candidate: LineCandidate }[] = []
  const done = new Set<string>()
  for (const d of discounts) {
    const campaign = campaignOf(d.campaignId)
    const percent = campaign === undefined ? undefined : plainPercentOf(campaign)
    if (percent === undefined) continue
    const lines = d.allocations.filter((a) => a.amount > 0)
    if (lines.length === 0) continue
    const exact = lines.every(
      (a) => perLine.get(a.lineId)?.discounts.length === 1 && isExactPercent(a.amount, amountOf(a.lineId), percent),
    )
    if (!exact) continue
    for (const a of lines) done.add(a.lineId)
    candidates.push({
      first: lines.reduce((m, a) => Math.min(m, perLine.get(a.lineId)?.index as number), Number.POSITIVE_INFINITY),
      candidate: {
        lineIds: lines.map((a) => a.lineId),
        value: { percentage: { value: percentToDecimal(percent) } },
        message: labelOf(d),
        ...codeOf([campaign], code),
      },
    })
  }
  // The percentage candidates, by their first line; the fixed ones come in line order already.
  candidates.sort((a, b) => a.first - b.first)
  const percentages = candidates.length
  const out: LineCandidate[] = []
  let p = 0
  const hasCode = code !== undefined && code !== null && code !== ''
  const dropped: string[] = []
  for (let index = 0; index < order.length; index++) {
    const lineId = order[index] as string
    if (done.has(lineId)) continue
    const entry = perLine.get(lineId)
    if (entry === undefined) continue
    if (!priced(lineId)) {
      dropped.push(
        `${lineId}: ${entry.discounts.map(labelOf).join(', ')} left out: its price is not in the input (ask for it in the query), and only a plain percentage can be sent without it`,
      )
      continue
    }
    // Merged in by first line (each line is in one candidate, so no two candidates share a first line).
    while (p < percentages && (candidates[p] as { first: number }).first < index)
      out.push(candidates[p++]?.candidate as LineCandidate)
    const ds = entry.discounts
    const candidate: { -readonly [K in keyof LineCandidate]: LineCandidate[K] } = {
      lineIds: [lineId],
      value: { fixedAmount: { amount: minorToDecimal(entry.total, currency) } },
      message: ds.length === 1 ? labelOf(ds[0] as TesseraDiscount) : ds.map(labelOf).join(' + '),
    }
    if (hasCode) {
      const associated = codeOf(
        ds.map((d) => campaignOf(d.campaignId)),
        code,
      ).associatedDiscountCode
      if (associated !== undefined) candidate.associatedDiscountCode = associated
    }
    out.push(candidate)
  }
  while (p < percentages) out.push(candidates[p++]?.candidate as LineCandidate)
  return { candidates: out, dropped }
}

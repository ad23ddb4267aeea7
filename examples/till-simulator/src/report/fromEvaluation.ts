import type { Evaluation } from '@tessera/core'
import type { ReportTransaction } from './dayReport.js'

/** What {@link reportTransactionOf} needs beside the evaluation. @category report */
export interface ReportTransactionSource {
  readonly id: string
  readonly kind: 'sale' | 'return'
  readonly at: string
  readonly terminalId: string
  readonly memberId?: string
  /** The evaluation the transaction closed with. */
  readonly evaluation: Evaluation
  /** Ids of the campaigns that are coupon templates (`code.required`). */
  readonly templates: ReadonlySet<string>
  /** The codes presented and accepted at checkout, in order. */
  readonly codes?: readonly string[]
  /** Codes the checkout refused, with the reason it gave. */
  readonly codesRefused?: readonly { readonly code: string; readonly reason: string }[]
  readonly pointsRedeemed?: number
}

/**
 * Maps a closed transaction's evaluation onto the report's record: discounts by campaign, points,
 * coupons issued (the evaluation's coupons), coupons redeemed (discounts of template campaigns,
 * paired with the accepted codes in order), the campaigns that concerned the basket (its
 * explanations) and its holdouts.
 * @category report
 */
export const reportTransactionOf = (source: ReportTransactionSource): ReportTransaction => {
  const e = source.evaluation
  const codes = [...(source.codes ?? [])]
  const redeemedTemplates = [...new Set(e.discounts.map((d) => d.campaignId).filter((id) => source.templates.has(id)))]
  return {
    id: source.id,
    kind: source.kind,
    at: source.at,
    terminalId: source.terminalId,
    ...(source.memberId !== undefined ? { memberId: source.memberId } : {}),
    gross: e.subtotal,
    discount: e.discountTotal,
    discounts: e.discounts.map((d) => ({ campaignId: d.campaignId, label: d.label, amount: d.amount })),
    pointsEarned: e.points.earned,
    pointsRedeemed: source.pointsRedeemed ?? 0,
    couponsIssued: e.coupons.map((c) => ({ campaignId: c.campaignId, template: c.template })),
    couponsRedeemed: redeemedTemplates.map((template, i) => ({ template, code: codes[i] ?? '' })),
    codesRefused: source.codesRefused ?? [],
    concerned: [...new Set([...e.explanations.map((x) => x.campaignId), ...e.holdouts])],
    holdouts: e.holdouts,
  }
}

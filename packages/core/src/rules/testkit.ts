import type { Basket, BasketLine } from '../basket/basket.codec.js'
import type { Customer } from '../customer/customer.codec.js'
import type { Campaign, Program } from './campaign.codec.js'
import { decodeCampaigns } from './campaign.codec.js'
import { compile } from './compile.js'
import { evaluate, type UsageSnapshot } from './evaluate.js'
import type { Evaluation } from './evaluation.codec.js'

// Small builders for the tests of the rules folder (not part of the package surface).

/** A line: `each` with `quantity` units at `unitPrice`, unless `unit` says otherwise. */
export const line = (
  id: string,
  sku: string,
  quantity: number,
  unitPrice: number,
  extra: Partial<BasketLine> = {},
): BasketLine =>
  ({
    id,
    sku,
    quantity,
    unitPrice,
    amount: Math.round(quantity * unitPrice),
    categories: ['grocery'],
    ...extra,
  }) as BasketLine

/** A basket at Thursday 2026-11-26 10:15 Paris time, unless overridden. */
export const basket = (lines: readonly BasketLine[], extra: Partial<Basket> = {}): Basket =>
  ({
    id: 'T-1',
    storeId: '0042',
    terminalId: '03',
    channel: 'store',
    currency: 'EUR',
    pricesIncludeTax: true,
    at: '2026-11-26T10:15:00+01:00',
    lines,
    ...extra,
  }) as Basket

/** Decodes campaigns (so tests go through the codec) or fails the test loudly. */
export const campaigns = (docs: readonly unknown[]): Campaign[] => {
  const r = decodeCampaigns(docs.map((d, i) => ({ id: `c${i + 1}`, status: 'active', ...(d as object) })))
  if (r._tag === 'Left') throw new Error(r.left.message)
  return [...r.right]
}

/** Decodes, compiles and evaluates in one go. */
export const run = (
  docs: readonly unknown[],
  b: Basket,
  customer?: Customer,
  program?: Program,
  usage?: UsageSnapshot,
): Evaluation => evaluate(compile(campaigns(docs)), b, customer, program, usage)

/** The reasons of one campaign's explanation. */
export const reasonsOf = (e: Evaluation, campaignId: string) =>
  e.explanations.find((x) => x.campaignId === campaignId)?.reasons.map((r) => r.code)

/** Discount per line id. */
export const discountsByLine = (e: Evaluation) => Object.fromEntries(e.lines.map((l) => [l.id, l.discount]))

import type { Basket, Campaign, Program, UsageSnapshot } from '@tessera/core'

/**
 * The case that once gave 19 points through `evaluate` and 17 through the checkout (issue 16 §1):
 * a 10 %-off campaign with a 250 discount budget of which 200 is spent, a 19.99 € basket on a
 * member's card, 1 point per euro. The budget cuts the discount to 50 BEFORE points are computed,
 * so the net is 1949 and the points floor(19.49) = 19, wherever the basket is priced: the engine
 * with the usage snapshot, `tessera evaluate --usage`, a checkout's `price()` and its `close()`.
 * @category testing
 */
export const BUDGET_AGREEMENT = {
  campaigns: [
    {
      id: 'ten-off-budget',
      status: 'active',
      reward: { percentOff: { of: '*', percent: 10 } },
      limits: { budget: { discount: 250 } },
    },
  ] satisfies Campaign[],
  program: { id: 'club', earn: { points: 1, per: 100 } } satisfies Program,
  /** A first sale of 20.00 € that spends 200 of the budget, through the checkout. */
  spendingLines: [{ id: '1', sku: 'A', quantity: 1, unitPrice: 2000, amount: 2000, categories: ['grocery'] }],
  lines: [{ id: '1', sku: 'A', quantity: 1, unitPrice: 1999, amount: 1999, categories: ['grocery'] }],
  usage: { campaigns: { 'ten-off-budget': { redemptions: 1, discountSpent: 200 } } } satisfies UsageSnapshot,
  discount: 50,
  points: 19,
} as const

/** The case's basket (on `card`, dated `at`) for the CLI and the engine. @category testing */
export const budgetAgreementBasket = (id: string, card: string, at: string): Basket =>
  ({
    id,
    storeId: '0042',
    terminalId: '03',
    channel: 'store',
    currency: 'EUR',
    pricesIncludeTax: true,
    at,
    card,
    lines: BUDGET_AGREEMENT.lines,
  }) as unknown as Basket

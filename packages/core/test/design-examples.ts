/** The example documents of DESIGN.md §3, shared by the codec and schema tests. */

/** The basket example of DESIGN.md §3, verbatim. */
export const designBasket = {
  id: 'T-0042-03-000187',
  storeId: '0042',
  terminalId: '03',
  channel: 'store',
  currency: 'EUR',
  pricesIncludeTax: true,
  at: '2026-11-26T10:15:00+01:00',
  card: '2900001234566',
  codes: ['XMAS-7KQ2-X9PD'],
  lines: [
    {
      id: '1',
      sku: '3017620422003',
      quantity: 2,
      unitPrice: 349,
      amount: 698,
      categories: ['grocery', 'grocery/spreads'],
      brand: 'Nutella',
      tags: [],
      taxRate: 5.5,
    },
    {
      id: '2',
      sku: '2000123000000',
      quantity: 0.532,
      unit: 'kg',
      unitPrice: 1299,
      amount: 691,
      categories: ['fresh', 'fresh/cheese'],
    },
  ],
}

/** The customer example of DESIGN.md §3, verbatim. */
export const designCustomer = {
  card: '2900001234566',
  memberId: 'm-118',
  tier: 'gold',
  segments: ['wine-lovers'],
  lifecycle: 'wavering',
  birthday: '1985-11-28',
  attributes: { pets: 'dog' },
  stats: {
    visits: 23,
    firstPurchaseAt: '2024-02-01T09:00:00+01:00',
    lastPurchaseAt: '2026-09-30T18:12:00+02:00',
    spend12m: 184500,
  },
  pointsBalance: 1240,
}

/** The evaluation example of DESIGN.md §3, with its ".." placeholders made concrete. */
export const designEvaluation = {
  basketId: 'T-0042-03-000187',
  subtotal: 1389,
  discountTotal: 175,
  total: 1214,
  lines: [
    { id: '1', amount: 698, discount: 175, net: 523 },
    { id: '2', amount: 691, discount: 0, net: 691 },
  ],
  discounts: [
    {
      campaignId: 'jar-2-half',
      label: 'Nutella 2nd jar -50%',
      amount: 175,
      allocations: [{ lineId: '1', amount: 175 }],
    },
  ],
  points: { earned: 12, breakdown: [{ source: 'club', points: 12 }] },
  gifts: [],
  coupons: [
    {
      campaignId: 'cross-sell-coffee',
      template: 'next-visit-5-off',
      label: '5 € off your next visit',
      validUntil: '2026-12-26T10:15:00+01:00',
    },
  ],
  nudges: [{ campaignId: 'spend-20', message: 'Add 3.50 € more for 10 % off', missing: { amount: 350 } }],
  explanations: [
    { campaignId: 'spend-20', applied: false, reasons: [{ code: 'MIN_SPEND', required: 2000, actual: 1650 }] },
  ],
  holdouts: ['campaign-id-where-this-customer-is-in-the-control-group'],
}

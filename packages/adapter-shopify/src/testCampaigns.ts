/**
 * The campaigns that are equivalent to Shopify's template discount function (`function-examples`,
 * `discounts/javascript/discount/default`), for tests and the README: 10 % off the order, 20 % off
 * the products, free delivery. One metafield holds all three; the discount's classes pick.
 */
export const TEMPLATE_CAMPAIGNS = [
  {
    id: 'order-10',
    status: 'active',
    labels: { receipt: '10% OFF ORDER' },
    reward: { percentOff: { of: '*', percent: 10 } },
  },
  {
    id: 'product-20',
    status: 'active',
    labels: { receipt: '20% OFF PRODUCT' },
    reward: { percentOff: { of: { not: { category: ['gift-cards'] } }, percent: 20 } },
  },
  {
    id: 'free-delivery',
    status: 'active',
    labels: { receipt: 'FREE DELIVERY' },
    reward: { percentOff: { of: { category: ['delivery'] }, percent: 100 } },
  },
] as const

import { describe, expect, it } from 'vitest'
import { runCartLines } from './cartLines.js'
import { classOf } from './config.js'
import { runDelivery } from './delivery.js'
import { TEMPLATE_CAMPAIGNS } from './testCampaigns.js'
import { decimalsAsStrings, fixture, resultProblems } from './testkit.js'

// The fixture's input with the discount's metafield: the campaigns, in USD (the template's input
// carries no currency).
const withCampaigns = (input: Record<string, unknown>) => ({
  ...input,
  discount: {
    ...(input.discount as object),
    metafield: { jsonValue: { currency: 'USD', campaigns: TEMPLATE_CAMPAIGNS } },
  },
})

describe("Shopify's template function, reproduced by equivalent Tessera campaigns", () => {
  it('the three campaigns are of the ORDER, PRODUCT and SHIPPING classes', () => {
    expect(TEMPLATE_CAMPAIGNS.map((c) => classOf(c as never))).toEqual(['ORDER', 'PRODUCT', 'SHIPPING'])
  })

  it.each(['cart-lines.no-classes', 'cart-lines.order-class', 'cart-lines.product-class'])('%s', (name) => {
    const run = runCartLines(withCampaigns(fixture(`${name}.input.json`)))
    expect(run.error).toBeUndefined()
    expect(resultProblems(run.result, 'CartLinesDiscountsGenerateRunResult')).toEqual([])
    expect(run.result).toEqual(decimalsAsStrings(fixture(`${name}.output.json`)))
  })

  it('delivery.shipping-class (a group without a cost: the percentage goes as it is)', () => {
    const run = runDelivery(withCampaigns(fixture('delivery.shipping-class.input.json')))
    expect(run.error).toBeUndefined()
    expect(resultProblems(run.result, 'CartDeliveryOptionsDiscountsGenerateRunResult')).toEqual([])
    expect(run.result).toEqual(decimalsAsStrings(fixture('delivery.shipping-class.output.json')))
  })

  it("the fixtures' own outputs, with Decimals as numbers, are refused by the strict schema check", () => {
    const problems = resultProblems(
      fixture('cart-lines.order-class.output.json'),
      'CartLinesDiscountsGenerateRunResult',
    )
    expect(problems.join('\n')).toContain('Decimal must be a string')
  })
})

import { Count, looseObject, MinorUnitsCodec, NonEmptyString, oneOf } from '@tessera/core'
import * as t from 'io-ts'

/**
 * The extension's answers as codecs, for the OpenAPI document of `@tessera/server` (and for tests
 * that check a real answer against them).
 */

const MoneyDraftCodec = t.union([
  looseObject('CentPrecisionMoneyDraft', {
    type: oneOf('CentPrecision', ['centPrecision'] as const),
    currencyCode: NonEmptyString,
    centAmount: MinorUnitsCodec,
  }),
  looseObject('HighPrecisionMoneyDraft', {
    type: oneOf('HighPrecision', ['highPrecision'] as const),
    currencyCode: NonEmptyString,
    preciseAmount: Count,
    fractionDigits: Count,
  }),
])

const DirectDiscountDraftCodec = looseObject('DirectDiscountDraft', {
  value: looseObject('CartDiscountValueAbsoluteDraft', {
    type: oneOf('Absolute', ['absolute'] as const),
    money: t.readonlyArray(
      looseObject('CentPrecisionMoney', {
        type: oneOf('CentPrecision', ['centPrecision'] as const),
        currencyCode: NonEmptyString,
        centAmount: MinorUnitsCodec,
        fractionDigits: Count,
      }),
    ),
    applicationMode: oneOf('DiscountApplicationMode', ['IndividualApplication', 'ProportionateDistribution'] as const),
  }),
  target: looseObject('CartDiscountLineItemsTarget', {
    type: oneOf('LineItems', ['lineItems'] as const),
    predicate: NonEmptyString,
  }),
})

/** `200`: the update actions commercetools applies to the cart. @category commercetools */
export const ExtensionActionsCodec = looseObject('ExtensionUpdateActions', {
  actions: t.readonlyArray(
    t.union([
      looseObject('CartSetDirectDiscountsAction', {
        action: oneOf('SetDirectDiscounts', ['setDirectDiscounts'] as const),
        discounts: t.readonlyArray(DirectDiscountDraftCodec),
      }),
      looseObject(
        'CartSetLineItemPriceAction',
        { action: oneOf('SetLineItemPrice', ['setLineItemPrice'] as const), lineItemId: NonEmptyString },
        { externalPrice: MoneyDraftCodec },
      ),
    ]),
  ),
})

/** `400` (and `500`): commercetools' extension error body. @category commercetools */
export const ExtensionErrorsCodec = looseObject('ExtensionErrors', {
  errors: t.readonlyArray(
    looseObject(
      'ExtensionError',
      { code: oneOf('ExtensionErrorCode', ['InvalidInput', 'General'] as const), message: t.string },
      { extensionExtraInfo: looseObject('ExtensionExtraInfo', { path: t.string, reason: t.string }) },
    ),
  ),
})

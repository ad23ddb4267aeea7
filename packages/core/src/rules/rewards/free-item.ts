import { strictObject } from '../../codec/object.js'
import { NonEmptyString, PositiveCount } from '../../codec/primitive.js'
import { addGift, type RewardFn } from '../context.js'
import { rewardKind } from './kind.js'

/** `{ "freeItem": { "sku": "…", "quantity": 1 } }`: a gift, returned in `gifts` for the till to add at zero. */
export const freeItem =
  (spec: { readonly sku: string; readonly quantity?: number }): RewardFn =>
  (_ctx, _state, effects) => {
    addGift(effects, { sku: spec.sku, quantity: spec.quantity ?? 1 })
  }

/** The `freeItem` kind: a gift, not a discount. */
export const freeItemKind = rewardKind({
  key: 'freeItem',
  codec: () => strictObject('FreeItem', { sku: NonEmptyString }, { quantity: PositiveCount }),
  compile: freeItem,
  keys: () => undefined,
  selectors: () => [],
  consumes: () => [],
  givesDiscount: () => false,
  monotone: () => true,
  givesZero: () => false,
})

import { addGift, type RewardFn } from '../context.js'

/** `{ "freeItem": { "sku": "…", "quantity": 1 } }`: a gift, returned in `gifts` for the till to add at zero. */
export const freeItem =
  (spec: { readonly sku: string; readonly quantity?: number }): RewardFn =>
  (_ctx, _state, effects) => {
    addGift(effects, { sku: spec.sku, quantity: spec.quantity ?? 1 })
  }

import { type ConditionFn, fail, OK } from '../context.js'

/** `{ "store": ["0042"] }`: the basket comes from one of these stores. */
export const store =
  (stores: readonly string[]): ConditionFn =>
  (ctx) =>
    stores.includes(ctx.basket.storeId)
      ? OK
      : fail({ code: 'WRONG_STORE', required: [...stores], actual: ctx.basket.storeId })

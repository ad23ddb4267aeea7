import { type ConditionFn, fail, OK } from '../context.js'

/** `{ "channel": ["store"] }`: the basket comes from one of these channels. */
export const channel =
  (channels: readonly string[]): ConditionFn =>
  (ctx) =>
    channels.includes(ctx.basket.channel)
      ? OK
      : fail({ code: 'WRONG_CHANNEL', required: [...channels], actual: ctx.basket.channel })

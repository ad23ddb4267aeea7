import { decodeWith } from '@tessera/core/codec'
import {
  type Basket,
  type Campaign,
  type Compiled,
  compile,
  type DecodeError,
  type Evaluation,
  evaluate,
} from '@tessera/core/engine'
import type * as t from 'io-ts'
import { classOf, decodeConfig, type ShopifyConfig } from './config.js'
import type { DiscountClass } from './input.codec.js'

/**
 * What one run of the function gave: the output for Shopify (always a valid result, empty when the
 * input could not be used), the reasons to log, and, when it got that far, the basket and
 * Tessera's evaluation of it (the campaigns of the discount's classes only).
 * @category shopify
 */
export interface FunctionRun<R> {
  readonly result: R
  /** Why the output is empty or smaller than Tessera's evaluation; one line each, for the function's log. */
  readonly log: readonly string[]
  readonly error?: DecodeError
  readonly basket?: Basket
  readonly evaluation?: Evaluation
}

/** A run that stops with an empty output and the error in its log. */
export const refused = <R>(empty: R, error: DecodeError): FunctionRun<R> => ({
  result: empty,
  log: [`tessera: no discount: ${error.message}`],
  error,
})

/** Decodes the input with the target's codec, then the metafield; the classes asked for, among `wanted`. */
export const readInput = <
  I extends { readonly discount: { readonly discountClasses: readonly DiscountClass[]; readonly metafield?: unknown } },
>(
  codec: t.Decoder<unknown, I>,
  input: unknown,
): { readonly input: I; readonly config: ShopifyConfig } | DecodeError => {
  const decoded = decodeWith(codec, 'shopify input')(input)
  if (decoded._tag === 'Left') return decoded.left
  const config = decodeConfig(decoded.right.discount.metafield as Parameters<typeof decodeConfig>[0])
  if (config._tag === 'Left') return config.left
  return { input: decoded.right, config: config.right }
}

/** The campaigns whose discount class is among `classes` (campaigns that give no discount are left out too). */
export const campaignsOfClasses = (campaigns: readonly Campaign[], classes: ReadonlySet<DiscountClass>): Campaign[] =>
  campaigns.filter((c) => {
    const k = classOf(c)
    return k !== undefined && k !== 'MIXED' && classes.has(k)
  })

/** Compiles and evaluates, and logs the compiler's problems. */
export const evaluateCampaigns = (
  campaigns: readonly Campaign[],
  config: ShopifyConfig,
  basket: Basket,
  log: string[],
): Evaluation => {
  const compiled: Compiled = compile(campaigns, config.timeZone === undefined ? {} : { storeTimeZone: config.timeZone })
  for (const p of compiled.problems) log.push(`tessera: campaign ${p.campaignId}: ${p.code}: ${p.message}`)
  return evaluate(compiled, basket)
}

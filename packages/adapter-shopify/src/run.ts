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
import { right } from 'fp-ts/lib/Either.js'
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

/**
 * Where a run is: called after each phase with the phase's name (`decode input`, `decode
 * campaigns`, `basket`, `compile`, `evaluate`, `operations`). For the benchmark, which times the
 * phases inside QuickJS; a run without it marks nothing.
 * @category shopify
 */
export type PhaseMark = (phase: string) => void

/** The mark of a run that is not timed. */
export const noMark: PhaseMark = () => undefined

/** A run that stops with an empty output and the error in its log. */
export const refused = <R>(empty: R, error: DecodeError): FunctionRun<R> => ({
  result: empty,
  log: [`tessera: no discount: ${error.message}`],
  error,
})

/**
 * Decodes the input with the target's codec (or its `lean` decoder, which accepts what the codec
 * accepts and gives the same value, but for unknown fields nothing reads, and `undefined`
 * otherwise), then the metafield.
 */
export const readInput = <
  I extends { readonly discount: { readonly discountClasses: readonly DiscountClass[]; readonly metafield?: unknown } },
>(
  codec: t.Decoder<unknown, I>,
  input: unknown,
  mark: PhaseMark = noMark,
  lean?: (input: unknown) => I | undefined,
): { readonly input: I; readonly config: ShopifyConfig } | DecodeError => {
  // The lean decoder gives the codec's value for a good input, faster; anything else goes through
  // the codec, whose errors name the fields.
  const quick = lean?.(input)
  const decoded = quick !== undefined ? right(quick) : decodeWith(codec, 'shopify input')(input)
  mark('decode input')
  if (decoded._tag === 'Left') return decoded.left
  const config = decodeConfig(decoded.right.discount.metafield as Parameters<typeof decodeConfig>[0])
  mark('decode campaigns')
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
  mark: PhaseMark = noMark,
): Evaluation => {
  const compiled: Compiled = compile(campaigns, config.timeZone === undefined ? {} : { storeTimeZone: config.timeZone })
  mark('compile')
  for (const p of compiled.problems) log.push(`tessera: campaign ${p.campaignId}: ${p.code}: ${p.message}`)
  const evaluation = evaluate(compiled, basket)
  mark('evaluate')
  return evaluation
}

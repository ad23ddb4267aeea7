/**
 * `@tessera/adapter-shopify/function`: the entry of the Shopify discount function, for Shopify's
 * Wasm runtime (Javy's QuickJS). It imports nothing from Node: bundle it with esbuild for a neutral
 * platform (`test/function.bundle.test.ts` does, and runs the bundle in QuickJS).
 *
 * Each export takes the input JSON of its target and returns the output JSON. It never throws: a
 * function that fails blocks the checkout, so any bad input (and, as a last guard, any unexpected
 * error) gives an empty operations list, and the reason goes to the function's log
 * (`console.error`, which Shopify shows in the function's run details).
 * @packageDocumentation
 */
import { runCartLines } from './cartLines.js'
import { runDelivery } from './delivery.js'
import type { CartDeliveryOptionsDiscountsGenerateRunResult, CartLinesDiscountsGenerateRunResult } from './output.js'
import type { FunctionRun } from './run.js'

const logLines = (lines: readonly string[]) => {
  const console = (globalThis as { console?: { error?: (line: string) => void } }).console
  if (typeof console?.error !== 'function') return
  for (const line of lines) console.error(line)
}

const guarded =
  <R>(run: (input: unknown) => FunctionRun<R>, empty: R) =>
  (input: unknown): R => {
    try {
      const done = run(input)
      logLines(done.log)
      return done.result
    } catch (e) {
      logLines([`tessera: no discount: unexpected error: ${e instanceof Error ? e.message : String(e)}`])
      return empty
    }
  }

/** The `cart.lines.discounts.generate.run` target (export `cartLinesDiscountsGenerateRun`). @category shopify */
export const cartLinesDiscountsGenerateRun: (input: unknown) => CartLinesDiscountsGenerateRunResult = guarded(
  runCartLines,
  { operations: [] },
)

/** The `cart.delivery-options.discounts.generate.run` target. @category shopify */
export const cartDeliveryOptionsDiscountsGenerateRun: (
  input: unknown,
) => CartDeliveryOptionsDiscountsGenerateRunResult = guarded(runDelivery, { operations: [] })

/**
 * The benchmark's entry for timing the phases of one run inside QuickJS: the function's own code
 * path (`runCartLines`), with a mark after each phase that calls the host (`__mark`), which reads
 * its clock and QuickJS's interrupt polls. Not part of the package.
 */
import { runCartLines } from '../src/cartLines.js'

declare const __mark: (phase: string) => void

/** One run of the cart lines target from the input's JSON text, marked phase by phase; the output's length. */
export const phases = (json: string): number => {
  __mark('start')
  const input: unknown = JSON.parse(json)
  __mark('JSON.parse')
  const run = runCartLines(input, __mark)
  const out = JSON.stringify(run.result)
  __mark('JSON.stringify')
  return out.length
}

/**
 * Prints the size of the engine bundle (`src/engine.ts`, esbuild, platform neutral, minified) and its
 * margin to the budget that `test/engine.bundle.test.ts` enforces, with the biggest inputs:
 * `pnpm --filter @tessera/core size:engine`.
 */
import * as esbuild from 'esbuild'
import { ENGINE_BUDGET_BYTES as BUDGET_BYTES, neutralBundleOptions } from '../../../esbuild.shared.ts'

const built = await esbuild.build({
  ...neutralBundleOptions,
  entryPoints: [new URL('../src/engine.ts', import.meta.url).pathname],
  write: false,
  metafile: true,
})
const bytes = built.outputFiles?.[0]?.contents.length ?? 0
const inputs = Object.values(built.metafile?.outputs ?? {})[0]?.inputs ?? {}
const byInput = Object.entries(inputs)
  .map(
    ([path, { bytesInOutput }]) =>
      [path.replace(/.*node_modules\/\.pnpm\/([^/]+)\/.*/, '$1').replace(/^src\//, ''), bytesInOutput] as const,
  )
  .reduce((m, [k, v]) => m.set(k, (m.get(k) ?? 0) + v), new Map<string, number>())
console.log(`engine bundle: ${bytes} bytes minified, budget ${BUDGET_BYTES}, margin ${BUDGET_BYTES - bytes} bytes`)
for (const [input, size] of [...byInput].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`  ${String(size).padStart(6)}  ${input}`)

// Boots a replay worker thread on the TypeScript sources (tests, tsx, benchmarks): the worker and
// the workspace packages it imports are bundled once per process with esbuild (the repository's
// devDependency), into one file that each worker thread loads at once instead of transforming
// every source file itself. The built CLI starts `dist/replay-worker.js` and never loads this file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** Bundles `worker.ts` with its imports (workspace packages through their `@tessera/source` export) and returns the file. */
export const bundleWorker = async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@tessera/source'],
    write: false,
    logLevel: 'silent',
    // Some dependencies are CommonJS: give the bundle a `require` for their Node built-ins.
    banner: {
      js: "import { createRequire as __tesseraRequire } from 'node:module'; const require = __tesseraRequire(import.meta.url);",
    },
  })
  const dir = mkdtempSync(join(tmpdir(), 'tessera-replay-worker-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'worker.mjs')
  writeFileSync(file, result.outputFiles[0].text)
  return file
}

import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

// One tsup entry per subpath export, taken from package.json, so an export and its build cannot
// drift apart: `"./money": { "@tessera/source": "./src/money/index.ts", … }` builds `dist/money/index.*`.
const exportsOf = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).exports as Record<
  string,
  string | { readonly '@tessera/source': string }
>
const entry = Object.fromEntries(
  Object.values(exportsOf)
    .flatMap((e) => (typeof e === 'string' ? [] : [e['@tessera/source']]))
    .map((source) => [source.replace(/^\.\/src\//, '').replace(/\.ts$/, ''), source.replace(/^\.\//, '')]),
)

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // shared chunks in both formats, so the host (ports/host.ts) is one module whichever entry loads it
  splitting: true,
})

/**
 * What every esbuild bundle of Tessera shares (the engine's size test, the Shopify function): fp-ts
 * and io-ts taken from their ES modules (`es6/`), so that a bundle keeps only the functions it uses.
 * Their CommonJS `lib/` cannot be tree-shaken: fp-ts alone weighs 29 KB minified from `lib/`, under
 * 2 KB from `es6/`.
 */
import { readFile } from 'node:fs/promises'
import type { BuildOptions, Plugin } from 'esbuild'

/** An esbuild plugin that maps `fp-ts/lib/*` and `io-ts/lib/*` onto their `es6/` twins. */
export const esModulesOfFpTs: Plugin = {
  name: 'fp-ts-es-modules',
  setup(build) {
    build.onResolve({ filter: /^(fp-ts|io-ts)\/lib\// }, (args) =>
      build.resolve(args.path.replace('/lib/', '/es6/'), {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
      }),
    )
  },
}

/**
 * An esbuild plugin that marks io-ts's classes as pure: TypeScript compiled each into an IIFE
 * (`/** @class *\/ (function (_super) {…})(Type)`) that esbuild must keep unless told it has no side
 * effect, so every codec io-ts defines lands in a bundle (about 1 KB minified that nothing uses).
 * Its exported instances too (`export var never = new NeverType()`, `Int = brand(…)`: 1.2 KB).
 */
export const pureClassesOfIoTs: Plugin = {
  name: 'io-ts-pure-classes',
  setup(build) {
    build.onLoad({ filter: /[\\/]io-ts[\\/]es6[\\/]index\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8'))
        .replaceAll('/** @class */ (function', '/* @__PURE__ */ (function')
        .replace(/^(export var \w+ = )(new |refinement\(|brand\()/gm, '$1/* @__PURE__ */ $2'),
      loader: 'js',
    }))
  },
}

/**
 * The options of a bundle for a runtime that is not Node (Javy's QuickJS, a browser): platform
 * neutral, ES modules first, the `@tessera/source` condition so workspace packages bundle from
 * their sources, minified.
 */
export const neutralBundleOptions: BuildOptions = {
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2022',
  mainFields: ['module', 'main'],
  conditions: ['@tessera/source', 'import', 'module', 'default'],
  minify: true,
  legalComments: 'none',
  plugins: [esModulesOfFpTs, pureClassesOfIoTs],
}

/**
 * The size budget of the engine bundle (`@tessera/core/engine`, minified), in bytes: 88 KB. It was
 * 80 KB until the engine judged left-out campaigns alone (truthful reasons, +2.5 KB) and read
 * customer value (+1.7 KB), then 84 KB until nudges became true (each checked on the basket with
 * what it says added, with the index of what each campaign reads: +8.5 KB), the reward registry
 * (+1.3 KB) and the `percentOffItem` reward (+0.7 KB), then 95 KB until nudges were checked lazily
 * (a shared accessor, a view of the candidates that outlives the engine's buffers: +0.5 KB, for an
 * evaluation three times as fast when its nudges are not read) and the object codec checked
 * primitive fields in one call (+0.45 KB, for decoding twice as fast under QuickJS). It is 88 KB
 * since the codecs stopped taking io-ts's unions and records for scalars and maps (`scalarOf`,
 * `recordOf`: io-ts's tag machinery for unions and its enumerated-key records, 5.5 KB) and io-ts's
 * own instances were marked pure (1.2 KB), and the unused evaluation decoder too (1.3 KB):
 * 95.7 KB → 86.8 KB. The issue's aim is 80 KB; the size test keeps the next addition honest.
 */
export const ENGINE_BUDGET_BYTES = 88_000

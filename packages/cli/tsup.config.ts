import { defineConfig } from 'tsup'

export default defineConfig({
  // `replay-worker`: the worker thread of `tessera simulate --workers N`, started from its own file.
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', 'replay-worker': 'src/replay/worker.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
})

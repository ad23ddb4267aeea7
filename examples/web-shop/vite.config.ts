import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/** The page: `src/web` built into `dist/web`, served by the shop's process. */
export default defineConfig({
  root: fileURLToPath(new URL('./src/web/', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist/web/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // bwip-js, loaded on the thank-you page only, is one large chunk by itself.
    chunkSizeWarningLimit: 1200,
  },
  logLevel: 'warn',
})

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { startWebShop, type WebShop } from '../src/server/shop.js'

/** The example's folder, and the gitignored folder where the tests leave their screenshots. */
export const EXAMPLE = fileURLToPath(new URL('../', import.meta.url))
export const ARTIFACTS = join(EXAMPLE, 'artifacts')

/**
 * A shop for a test: the page built from the current sources (Vite) into a temporary folder, and
 * the shop on a fresh SQLite file there (seeded with a few members), on a free port.
 */
export const startTestShop = async (
  options: { readonly page?: boolean } = {},
): Promise<{ shop: WebShop; close: () => Promise<void> }> => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-web-shop-'))
  const webRoot = join(dir, 'web')
  if (options.page === false) {
    // The routes' tests need no page: a placeholder stands in for the build.
    mkdirSync(webRoot)
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>shop</title>')
  } else
    await build({
      configFile: join(EXAMPLE, 'vite.config.ts'),
      build: { outDir: webRoot, emptyOutDir: true },
      logLevel: 'silent',
    })
  // The tests stand for the shop's reverse proxy: a shopper's address is their X-Forwarded-For.
  const shop = await startWebShop({
    file: join(dir, 'shop.sqlite'),
    webRoot,
    members: 120,
    port: 0,
    trustProxy: '127.0.0.1',
  })
  return {
    shop,
    close: async () => {
      await shop.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Calls Tessera's own routes of the shop's process, with the shop's key (as a back office would). */
export const api = async (shop: WebShop, method: string, path: string, body?: unknown) => {
  const answer = await fetch(`${shop.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${shop.apiKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> }
}

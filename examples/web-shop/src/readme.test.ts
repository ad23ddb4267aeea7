import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestShop } from '../test/harness.js'
import type { WebShop } from './server/shop.js'

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8')
const block = /```sh\n(set -eu[\s\S]*?)```/.exec(readme)?.[1]

let shop: WebShop
let close: () => Promise<void>
beforeAll(async () => {
  const started = await startTestShop({ page: false })
  shop = started.shop
  close = started.close
}, 120_000)
afterAll(async () => {
  await close?.()
})

describe('the README', () => {
  it("runs the shop's curl block against a real shop", async () => {
    expect(block).toBeDefined()
    const { stdout } = await promisify(execFile)('bash', ['-c', block as string], {
      env: {
        ...process.env,
        SHOP: shop.url,
        KEY: shop.apiKey,
        CARD: shop.demoCards[0]?.card ?? '',
        CODE: shop.flyerCodes[0] ?? '',
      },
    })
    const lines = stdout.trim().split('\n')
    expect(lines.slice(0, 3)).toEqual(['Yogurts 3 for 2', 'BAD_CHECK_CHARACTER', 'cart.0.unitPrice'])
    expect(Number(lines[3])).toBeGreaterThan(0)
    expect(lines[4]).toBe('true')
  })
})

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fixedClock } from '@tessera/testing'
import { render } from 'ink'
import { createElement } from 'react'
import { describe, expect, it } from 'vitest'
import { generateCatalog } from '../store/catalog.js'
import { App } from './App.js'
import { openCheckoutBackend } from './checkoutBackend.js'

/** A fake terminal: stdout collects frames, stdin takes keystrokes. */
const terminal = () => {
  const stdout = Object.assign(new PassThrough(), { columns: 120, rows: 40, isTTY: true })
  let output = ''
  stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => stdin,
    ref: () => stdin,
    unref: () => stdin,
  })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
  const plain = () => output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
  return { stdout, stdin, plain, reset: () => (output = '') }
}

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms))

describe('the till screen', () => {
  it('shows items with their discounts inline, savings, nudges and the customer, even from a scanner’s burst of keys', async () => {
    const catalog = generateCatalog('tessera-demo-catalog')
    const yogurt = catalog.products.find((p) => p.categories.includes('dairy/yogurt'))!
    const opened = await openCheckoutBackend({
      dataDir: mkdtempSync(join(tmpdir(), 'tessera-app-')),
      clock: fixedClock('2026-11-26T09:15:00Z'),
      members: 40,
    })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    const backend = opened.right
    const t = terminal()
    const app = render(createElement(App, { backend }), {
      stdout: t.stdout as unknown as NodeJS.WriteStream,
      stdin: t.stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    })
    await settle()
    expect(t.plain()).toContain('Scan a product, a card or a coupon.')
    const type = async (text: string) => {
      for (const ch of text) t.stdin.write(ch)
      t.stdin.write('\r')
      await settle()
    }
    await type(yogurt.sku)
    await type('q 2')
    t.reset()
    await type('s')
    let screen = t.plain()
    expect(screen).toContain(yogurt.name)
    expect(screen).toContain('Add 1 more yogurt: the third is free')
    await type('2900000000018')
    await type('q 3')
    t.reset()
    await type('s')
    screen = t.plain()
    expect(screen).toContain('Yogurts 3 for 2')
    expect(screen).toMatch(/You save/)
    expect(screen).toContain('Card 2900000000018')
    expect(screen).toMatch(/Points \d+/)
    t.reset()
    await type('frobnicate now')
    expect(t.plain()).toContain('unknown command "frobnicate"')
    t.reset()
    await type('p card')
    expect(t.plain()).toContain('TOTAL EUR')
    expect(t.plain()).toContain('T-0042-01-20261126-000001')
    app.unmount()
    await backend.close()
  })
})

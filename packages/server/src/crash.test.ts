import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { AT, basket, SHOP } from '../test/world.js'
import { createApiKey } from './keys.js'
import { openServerStores } from './stores.js'

/*
 * SIGKILL the server in the middle of a load of closes, restart it, replay every request that got
 * no answer with its same Idempotency-Key: every sale is booked exactly once, and the ledger's
 * consistency check passes.
 */
const dir = mkdtempSync(join(tmpdir(), 'tessera-crash-'))
const file = join(dir, 'shop.sqlite')
const CARDS = Array.from({ length: 8 }, (_, i) => `29000000${String(i).padStart(4, '0')}0`)
const SALES = 240
let running: ChildProcess | undefined
afterAll(() => {
  if (running?.exitCode === null) running.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const start = async () => {
  const p = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@tessera/source',
      join(import.meta.dirname, '..', 'test', 'crashServer.ts'),
      file,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  running = p
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: p.stdout as NodeJS.ReadableStream }).once('line', resolve)
    p.once('exit', (c) => reject(new Error(`server exited ${c}`)))
  })
  return { process: p, url: (JSON.parse(line) as { url: string }).url }
}

interface Sale {
  readonly key: string
  readonly body: string
  answer?: { readonly status: number; readonly body: string }
}

describe('a crash in the middle of a load of closes', () => {
  it('books every sale exactly once after a restart and a replay of the unanswered requests', async () => {
    const stores = await openServerStores({ file })
    for (const [i, card] of CARDS.entries()) {
      await stores.loyalty.openAccount({ accountId: `acc-${i}`, programId: 'club', at: 0 })
      await stores.loyalty.issueCard({ number: card, accountId: `acc-${i}`, at: 0 })
    }
    const { key } = await createApiKey(stores.server, { shop: SHOP, till: '01', atMs: 0 })
    await stores.close()
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const sales: Sale[] = Array.from({ length: SALES }, (_, i) => ({
      key: `crash-${i}`,
      body: JSON.stringify({
        transactionId: `T-CRASH-${i}`,
        basket: basket(`T-CRASH-${i}`, { card: CARDS[i % CARDS.length] }),
        tenders: [],
      }),
    }))
    const send = (url: string, s: Sale) =>
      fetch(`${url}/v1/close`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': s.key },
        body: s.body,
      }).then(async (r) => ({ status: r.status, body: await r.text(), replayed: r.headers.get('idempotent-replayed') }))

    // 8 tills at a time; the server is killed once a fifth of the sales are answered.
    const first = await start()
    let answered = 0
    let next = 0
    const till = async () => {
      while (next < sales.length) {
        const s = sales[next++] as Sale
        try {
          const r = await send(first.url, s)
          s.answer = r
          answered++
          if (answered === SALES / 5) first.process.kill('SIGKILL')
        } catch {
          // No answer: the connection died with the server.
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, till))
    const unanswered = sales.filter((s) => s.answer === undefined)
    expect(unanswered.length).toBeGreaterThan(0)
    expect(sales.filter((s) => s.answer !== undefined).every((s) => s.answer?.status === 200)).toBe(true)

    // Restart, replay what got no answer, and replay some answered ones: the same bytes come back.
    const second = await start()
    for (const s of unanswered) {
      const r = await send(second.url, s)
      expect(r.status).toBe(200)
      s.answer = r
    }
    for (const s of sales.filter((x) => !unanswered.includes(x)).slice(0, 20)) {
      const r = await send(second.url, s)
      expect(r.replayed).toBe('true')
      expect(r.body).toBe(s.answer?.body)
    }
    second.process.kill('SIGTERM')
    await new Promise((resolve) => second.process.once('exit', resolve))

    const after = await openServerStores({ file })
    try {
      const report = await after.loyalty.check()
      expect(report._tag === 'Right' && report.right.problems).toEqual([])
      let earned = 0
      for (const s of sales) {
        const close = await after.checkout.findClose(JSON.parse(s.body).transactionId)
        expect(close, `${s.key} was booked`).toBeDefined()
        expect(JSON.stringify(close?.receipt)).toBe(s.answer?.body) // the answer is the booked receipt
        earned += close?.receipt.points.earned ?? 0
      }
      let held = 0
      for (let i = 0; i < CARDS.length; i++) {
        const b = await after.loyalty.balance(`acc-${i}`, Date.parse(AT))
        if (b._tag === 'Left') throw new Error(b.left.message)
        held += b.right.available + b.right.pending
      }
      expect(earned).toBe(SALES * 9) // 9.30 € a sale (10.00 less 10 % of the jam), 1 point a euro
      expect(held).toBe(earned) // nothing booked twice, nothing lost
    } finally {
      await after.close()
    }
  })
})

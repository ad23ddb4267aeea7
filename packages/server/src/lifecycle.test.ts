import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { AT, basket, CAMPAIGNS, CARD, fixedAt, makeWorld, PROGRAM } from '../test/world.js'
import { run } from './cli.js'
import { createApiKey } from './keys.js'
import { startServer } from './start.js'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tessera-life-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('running the server', () => {
  it('answers 503 on /healthz when the store does not answer', async () => {
    const w = await makeWorld('sqlite')
    expect((await w.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    await w.stores.server.close()
    const down = await w.app.inject({ method: 'GET', url: '/healthz' })
    expect(down.statusCode).toBe(503)
    expect(down.json().code).toBe('STORE_UNAVAILABLE')
    await w.app.close()
    await w.stores.close().catch(() => undefined)
  })

  it('shuts down gracefully: the closes in flight finish, then new connections are refused', async () => {
    let received = 0
    const started = await startServer({
      configure: (app) => {
        app.addHook('onRequest', async () => {
          received++
        })
      },
      location: { file: join(tmp(), 'shop.sqlite') },
      campaigns: CAMPAIGNS,
      program: PROGRAM,
      keys: { keyring: { K1: new Uint8Array(32).fill(7) }, keyId: 'K1' },
      clock: fixedAt(AT),
    })
    await started.stores.loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 })
    await started.stores.loyalty.issueCard({ number: CARD, accountId: 'acc-1', at: 0 })
    const { key } = await createApiKey(started.stores.server, { shop: '0042', till: '01', atMs: 0 })
    const closes = Array.from({ length: 12 }, (_, i) =>
      fetch(`${started.url}/v1/close`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `g-${i}` },
        body: JSON.stringify({ transactionId: `T-G-${i}`, basket: basket(`T-G-${i}`, { card: CARD }), tenders: [] }),
      }).then((r) => r.status),
    )
    while (received < 12) await new Promise((r) => setTimeout(r, 1))
    const stopped = started.stop()
    expect(await Promise.all(closes)).toEqual(Array(12).fill(200))
    await stopped
    await expect(fetch(`${started.url}/healthz`)).rejects.toThrow()
  })

  it('tessera-server keys create prints a key once; revoke and list manage it', async () => {
    const sqlite = join(tmp(), 'keys.sqlite')
    const out: string[] = []
    const env = process.env.DATABASE_URL
    delete process.env.DATABASE_URL
    try {
      expect(
        await run(
          ['node', 'tessera-server', 'keys', 'create', '--shop', '0042', '--till', '05', '--sqlite', sqlite],
          (l) => out.push(l),
        ),
      ).toBe(0)
      const key = out[0] as string
      expect(key).toMatch(/^tk_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/)
      const keyId = key.slice(3, 19)
      out.length = 0
      await run(['node', 'tessera-server', 'keys', 'list', '--sqlite', sqlite], (l) => out.push(l))
      expect(out).toEqual([`${keyId}\t0042\t05\tactive`])
      expect(
        await run(['node', 'tessera-server', 'keys', 'revoke', keyId, '--sqlite', sqlite], (l) => out.push(l)),
      ).toBe(0)
      expect(await run(['node', 'tessera-server', 'keys', 'revoke', 'nope', '--sqlite', sqlite], () => {})).toBe(1)
      out.length = 0
      await run(['node', 'tessera-server', 'keys', 'list', '--sqlite', sqlite], (l) => out.push(l))
      expect(out).toEqual([`${keyId}\t0042\t05\trevoked`])
    } finally {
      if (env !== undefined) process.env.DATABASE_URL = env
    }
  })

  it('pnpm serve prints the three lines, and the demo till key works', async () => {
    const data = tmp()
    const p = spawn('pnpm', ['--silent', 'serve', '--port', '0', '--data', data, '--members', '20'], {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    })
    try {
      const lines: string[] = []
      const rl = createInterface({ input: p.stdout as NodeJS.ReadableStream })
      await new Promise<void>((resolve, reject) => {
        rl.on('line', (l) => {
          lines.push(l)
          if (lines.length === 3) resolve()
        })
        p.once('exit', (c) => reject(new Error(`pnpm serve exited ${c}`)))
      })
      expect(lines[0]).toMatch(/^Tessera listening on http:\/\/127\.0\.0\.1:\d+$/)
      expect(lines[1]).toBe('demo shop: 0042')
      expect(lines[2]).toMatch(/^demo till key: tk_/)
      const url = (lines[0] as string).split(' ')[3] as string
      const key = (lines[2] as string).split(' ')[3] as string
      const r = await fetch(`${url}/v1/price`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ basket: basket('T-SERVE') }),
      })
      expect(r.status).toBe(200)
    } finally {
      process.kill(-(p.pid as number), 'SIGTERM')
    }
  }, 120_000)
})

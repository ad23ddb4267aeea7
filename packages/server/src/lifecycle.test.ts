import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createTestDatabase, testDatabaseUrl } from '@tessera/store-postgres'
import { openDatabase } from '@tessera/store-sqlite'
import pg from 'pg'
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

  /** Runs `pnpm serve` on `data` (and `env`), calls `use` with its URL and key once it printed its three lines. */
  const serve = async (data: string, env: NodeJS.ProcessEnv, use: (url: string, key: string) => Promise<void>) => {
    const p = spawn('pnpm', ['--silent', 'serve', '--port', '0', '--data', data, '--members', '20'], {
      cwd: join(import.meta.dirname, '..', '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
      env: { ...process.env, ...env },
    })
    const exited = new Promise((resolve) => p.once('exit', resolve))
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
      await use((lines[0] as string).split(' ')[3] as string, (lines[2] as string).split(' ')[3] as string)
    } finally {
      process.kill(-(p.pid as number), 'SIGTERM')
      await exited
    }
  }

  it('pnpm serve prints the three lines, and the demo till key works', async () => {
    const data = tmp()
    await serve(data, { DATABASE_URL: '' }, async (url, key) => {
      const r = await fetch(`${url}/v1/price`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ basket: basket('T-SERVE') }),
      })
      expect(r.status).toBe(200)
    })
  }, 120_000)

  it.skipIf(testDatabaseUrl() === undefined)(
    'pnpm serve on PostgreSQL seeds the same demo members, accounts and cards as on SQLite',
    async () => {
      const sqliteCardsAnsweredBy = async (url: string, key: string) => {
        const numbers = await (async () => {
          const d = openDatabase({ file: join(sqliteData, 'shop.sqlite') })
          try {
            return (d.prepare('SELECT number FROM cards ORDER BY number').all() as { number: string }[]).map(
              (r) => r.number,
            )
          } finally {
            d.close()
          }
        })()
        expect(numbers).toHaveLength(20)
        for (const number of numbers) {
          const r = await fetch(`${url}/v1/cards/${number}`, { headers: { authorization: `Bearer ${key}` } })
          expect(r.status).toBe(200)
        }
        return numbers
      }
      const sqliteData = tmp()
      await serve(sqliteData, { DATABASE_URL: '' }, async () => undefined)
      const db = await createTestDatabase()
      try {
        await serve(tmp(), { DATABASE_URL: db.url }, async (url, key) => {
          const pgCards = new pg.Client({ connectionString: db.url })
          await pgCards.connect()
          try {
            const rows = (await pgCards.query('SELECT number, member_id FROM cards ORDER BY number')).rows
            const members = (await pgCards.query('SELECT count(*)::int AS n FROM members')).rows[0].n
            expect(members).toBe(20)
            expect(rows.every((r) => r.member_id !== null)).toBe(true)
            expect(rows.map((r) => r.number)).toEqual(await sqliteCardsAnsweredBy(url, key))
          } finally {
            await pgCards.end()
          }
        })
      } finally {
        await db.drop()
      }
    },
    180_000,
  )
})

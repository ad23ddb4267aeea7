import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestDatabase, testDatabaseUrl } from '@tessera/store-postgres'
import { openDatabase, openSqliteStores } from '@tessera/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../adapter-poslog/test/fixtures')
const ARTS = join(fixtures, 'arts-v6-returns.xml')
const RETALIX = join(fixtures, 'public/retalix-r10-v6/store0610-ws140-seq451.xml')
const MALFORMED = join(fixtures, 'malformed.xml')
const dir = mkdtempSync(join(tmpdir(), 'tessera-simulate-inputs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

const program = { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 0 }
const programFile = file('program.json', program)
const keyFile = file('keys.json', { keys: { k1: '11'.repeat(32) } })
const draft = file('draft.json', {
  campaigns: [{ id: 'ten-off', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }],
  program,
})
const current = file('current.json', { campaigns: [], program })

/** A store with the POSLog fixtures' sales and return booked by `tessera poslog replay`. */
const bookedStore = async (spec: string, prepare: () => Promise<void>) => {
  await prepare()
  const replay = await runCli(
    'poslog',
    'replay',
    ARTS,
    RETALIX,
    '--store',
    spec,
    '--program',
    programFile,
    '--key-file',
    keyFile,
    '--key-id',
    'k1',
  )
  expect(replay.code).toBe(0)
  return replay.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { closed: number; returned: number; pointsBooked: number })
}

const openCard = (db: string) => async () => {
  const store = openSqliteStores({ file: db })
  await store.loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 })
  await store.loyalty.issueCard({ number: '2900001234566', accountId: 'acc-1', at: 0 })
  await store.close()
}

describe('tessera simulate --store', () => {
  const db = join(dir, 'booked.db')
  it("replays a SQLite store's own closes and returns: what they booked, with the campaigns that ran", async () => {
    const days = await bookedStore(`sqlite:${db}`, openCard(db))
    const closed = days.reduce((s, d) => s + d.closed, 0)
    const returned = days.reduce((s, d) => s + d.returned, 0)
    // What the closes earned (the return clawed some back since: the replay counts points issued).
    const raw = openDatabase({ file: db })
    const receipts = raw.prepare('SELECT receipt FROM checkout_closes').all() as { receipt: string }[]
    raw.close()
    const points = receipts.reduce((s, r) => s + JSON.parse(r.receipt).points.earned, 0)
    expect(points).toBeGreaterThan(days.reduce((s, d) => s + d.pointsBooked, 0))
    const r = await runCli('simulate', '--store', `sqlite:${db}`, '--campaigns', current, '--json')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    // No campaign ran: the replay's points are the program's, exactly what the closes earned.
    expect(report).toMatchObject({ baskets: closed, returns: returned, discountCost: 0, pointsIssued: points })
    expect(report.skipped).toEqual([])
    const withDraft = await runCli(
      'simulate',
      '--store',
      `sqlite:${db}`,
      '--campaigns',
      draft,
      '--baseline',
      current,
      '--json',
    )
    expect(withDraft.code).toBe(0)
    const both = JSON.parse(withDraft.stdout)
    expect(both.discountCost).toBeGreaterThan(0)
    expect(both.baseline.pointsIssued).toBe(points)
  })

  it("scores the campaigns on the same store's transactions (tessera scorecard --store)", async () => {
    const held = file('held.json', {
      campaigns: [
        { id: 'ten-off', status: 'active', holdout: { share: 0.5 }, reward: { percentOff: { of: '*', percent: 10 } } },
      ],
      program,
    })
    const r = await runCli('scorecard', '--store', `sqlite:${db}`, '--campaigns', held, '--min-sample', '2', '--json')
    expect(r.code).toBe(0)
    const card = JSON.parse(r.stdout)
    expect(card.skipped).toEqual([])
    expect(card.campaigns.map((c: { id: string }) => c.id)).toEqual(['ten-off'])
    const none = await runCli('scorecard', '--store', 'sqlite:', '--campaigns', held)
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/no file after sqlite:/)
  })

  it('reports a stored row whose JSON does not read, with its table and position, and goes on', async () => {
    const tampered = join(dir, 'tampered.db')
    await bookedStore(`sqlite:${tampered}`, openCard(tampered))
    const raw = openDatabase({ file: tampered })
    raw
      .prepare(
        "UPDATE checkout_closes SET receipt = '{not json' WHERE rowid = (SELECT min(rowid) FROM checkout_closes)",
      )
      .run()
    raw.close()
    const r = await runCli('simulate', '--store', `sqlite:${tampered}`, '--campaigns', current, '--json')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(
      /sqlite:.*tampered\.db closes: line 1: \(row\): close .*: its request or receipt is not JSON \(skipped\)/,
    )
    expect(JSON.parse(r.stdout).skipped).toHaveLength(1)
  })

  it('refuses a missing SQLite file, an unknown store URL and a server that is not there (exit 2)', async () => {
    const missing = await runCli('simulate', '--store', `sqlite:${join(dir, 'nope.db')}`, '--campaigns', current)
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toMatch(/store not found: .*nope\.db \(ENOENT\)/)
    const unknown = await runCli('simulate', '--store', 'mysql://root:hunter2@db/shop', '--campaigns', current)
    expect(unknown).toMatchObject({ code: 2, stdout: '' })
    expect(unknown.stderr).toMatch(/unknown store URL scheme "mysql:"/)
    expect(unknown.stderr).not.toMatch(/hunter2/)
    const down = await runCli(
      'simulate',
      '--store',
      'postgres://nobody:secret@127.0.0.1:1/none',
      '--campaigns',
      current,
    )
    expect(down).toMatchObject({ code: 2, stdout: '' })
    expect(down.stderr).toMatch(/cannot open the store/)
    expect(down.stderr).not.toMatch(/secret/)
    const none = await runCli('simulate', '--campaigns', current)
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/name a history: --history FILE..., --store URL or --poslog FILE.../)
  })
})

describe.skipIf(testDatabaseUrl() === undefined)('tessera simulate --store postgres://', () => {
  it("replays a PostgreSQL store's closes as the SQLite one", async () => {
    const pg = await createTestDatabase()
    try {
      const { openPostgresStores } = await import('@tessera/store-postgres')
      const days = await bookedStore(pg.url, async () => {
        const store = await openPostgresStores({ connectionString: pg.url, maxConnections: 2 })
        await store.loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 })
        await store.loyalty.issueCard({ number: '2900001234566', accountId: 'acc-1', at: 0 })
        await store.close()
      })
      const r = await runCli('simulate', '--store', pg.url, '--campaigns', current, '--json')
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({
        baskets: days.reduce((s, d) => s + d.closed, 0),
        returns: days.reduce((s, d) => s + d.returned, 0),
      })
      // The return clawed back part of what the sale earned: points issued are more than what stayed.
      expect(JSON.parse(r.stdout).pointsIssued).toBeGreaterThan(days.reduce((s, d) => s + d.pointsBooked, 0))
    } finally {
      await pg.drop()
    }
  })
})

describe('tessera simulate --poslog', () => {
  it('replays POSLog files read by the adapter, as the store that booked them does', async () => {
    const db = join(dir, 'poslog.db')
    await bookedStore(`sqlite:${db}`, openCard(db))
    const fromStore = JSON.parse(
      (await runCli('simulate', '--store', `sqlite:${db}`, '--campaigns', draft, '--json')).stdout,
    )
    const r = await runCli('simulate', '--poslog', ARTS, RETALIX, '--campaigns', draft, '--json')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report).toMatchObject({ baskets: fromStore.baskets, returns: fromStore.returns })
    expect(report.discountCost).toBe(fromStore.discountCost)
  })

  it('reports a refused POSLog transaction with its position and XML path, and replays the others', async () => {
    const r = await runCli('simulate', '--poslog', MALFORMED, '--campaigns', draft, '--json')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(
      /malformed\.xml: line 4: POSLog\/Transaction\[4\]\/.*ExtendedAmount: BAD_AMOUNT: .*\(skipped\)/,
    )
    const report = JSON.parse(r.stdout)
    expect(report.baskets).toBe(2)
    expect(report.skipped).toHaveLength(4)
  })

  it('refuses a missing POSLog file and a bad dialect (exit 2)', async () => {
    const missing = await runCli('simulate', '--poslog', join(dir, 'nope.xml'), '--campaigns', draft)
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toMatch(/nope\.xml: cannot read the POSLog \(ENOENT\)/)
    const dialect = await runCli('simulate', '--poslog', ARTS, '--poslog-dialect', 'toshiba', '--campaigns', draft)
    expect(dialect.code).toBe(2)
    expect(dialect.stderr).toMatch(/--poslog-dialect must be one of/)
  })
})

describe('tessera simulate --workers', () => {
  const basket = (i: number) => ({
    id: `T-${i}`,
    storeId: '0042',
    terminalId: '01',
    channel: 'store',
    currency: 'EUR',
    pricesIncludeTax: true,
    at: `2026-11-26T${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+01:00`,
    ...(i % 5 === 0 ? {} : { card: `29000000000${String(i % 17).padStart(2, '0')}` }),
    lines: [
      { id: '1', sku: 'A', quantity: 1 + (i % 3), unitPrice: 1000, amount: 1000 * (1 + (i % 3)), categories: ['x'] },
    ],
  })
  const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ basket: basket(i) }))
  lines.splice(40, 0, '{"basket": 1}')
  const history = file('workers.jsonl', lines.join('\n'))
  const limited = file('limited.json', {
    campaigns: [
      { id: 'ten-off', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } },
      {
        id: 'once-a-day',
        status: 'active',
        eligibility: { cardRequired: true },
        reward: { amountOff: { of: 'basket', amount: 300 } },
        limits: { perCustomer: { count: 1, period: 'day' } },
      },
    ],
    program,
    storeTimeZone: 'Europe/Paris',
  })

  it('prints the same report with 1 and with 3 worker threads', async () => {
    const one = await runCli('simulate', '--history', history, '--campaigns', limited, '--workers', '1', '--json')
    const three = await runCli('simulate', '--history', history, '--campaigns', limited, '--workers', '3', '--json')
    expect(one.code).toBe(0)
    expect(three.code).toBe(0)
    expect(JSON.parse(three.stdout)).toEqual(JSON.parse(one.stdout))
    expect(three.stderr).toBe(one.stderr)
    expect(one.stderr).toMatch(/workers\.jsonl: line 41: basket: /)
  })

  it('replays on one thread, and says so, when a campaign has a budget shared by every customer', async () => {
    const budget = file('budget.json', {
      campaigns: [
        {
          id: 'budgeted',
          status: 'active',
          reward: { amountOff: { of: 'basket', amount: 100 } },
          limits: { budget: { discount: 5_000 } },
        },
      ],
    })
    const r = await runCli('simulate', '--history', history, '--campaigns', budget, '--workers', '2', '--json')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/replayed on one thread/)
    expect(JSON.parse(r.stdout).discountCost).toBe(5_000)
  })

  it('refuses --workers that is not a whole number from 1 (exit 2)', async () => {
    for (const bad of ['0', 'two', '1.5']) {
      const r = await runCli('simulate', '--history', history, '--campaigns', limited, '--workers', bad)
      expect(r).toMatchObject({ code: 2, stdout: '' })
      expect(r.stderr).toMatch(/--workers: must be a whole number from 1 to 256/)
    }
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openSqliteStores } from '@tessera/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../adapter-poslog/test/fixtures')
const RETALIX = join(fixtures, 'public/retalix-r10-v6/store0610-ws140-seq451.xml')
const NCR = join(fixtures, 'public/ncr-acs/SMALL.xml')
const MALFORMED = join(fixtures, 'malformed.xml')
const ARTS = join(fixtures, 'arts-v6-returns.xml')
const dir = mkdtempSync(join(tmpdir(), 'tessera-poslog-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { transactionId: string; kind: string; reason?: string; basket?: { lines: unknown[] } },
    )

describe('tessera poslog import', () => {
  it('prints one JSON line per transaction and exits 0 when every one was read', async () => {
    const r = await runCli('poslog', 'import', NCR, '--time-zone', 'America/New_York')
    expect(r.code).toBe(0)
    const records = lines(r.stdout)
    expect(records.map((x) => [x.transactionId, x.kind, x.reason])).toEqual([
      ['9-34-20170930-160', 'skipped', 'CONTROL_TRANSACTION'],
      ['9-34-20170930-161', 'sale', undefined],
    ])
    expect(records[1]?.basket?.lines).toHaveLength(1)
  })

  it('exits 1 when some transactions are refused, each refusal on its line, the others imported', async () => {
    const r = await runCli('poslog', 'import', MALFORMED)
    expect(r.code).toBe(1)
    expect(lines(r.stdout).map((x) => x.kind)).toEqual(['sale', 'refused', 'refused', 'refused', 'refused', 'sale'])
    expect(r.stderr).toMatch(/4 refused/)
  })

  it('exits 1 on local times without --time-zone, with BAD_TIMESTAMP on the line', async () => {
    const r = await runCli('poslog', 'import', NCR)
    expect(r.code).toBe(1)
    expect(lines(r.stdout)[1]).toMatchObject({ kind: 'refused', reason: 'BAD_TIMESTAMP' })
  })

  it('exits 2 on a missing file, a file that is not POSLog, and bad options, with nothing on stdout', async () => {
    const missing = await runCli('poslog', 'import', join(dir, 'nope.xml'))
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toMatch(/cannot read .*nope\.xml: ENOENT/)
    const html = join(dir, 'page.xml')
    writeFileSync(html, '<html><body>hello</body></html>')
    const notPosLog = await runCli('poslog', 'import', html)
    expect(notPosLog).toMatchObject({ code: 2, stdout: '' })
    expect(notPosLog.stderr).toMatch(/not an ARTS <POSLog>/)
    const dialect = await runCli('poslog', 'import', RETALIX, '--dialect', 'toshiba')
    expect(dialect.code).toBe(2)
    expect(dialect.stderr).toMatch(/--dialect must be one of ncr-acs, wincor, retalix, arts/)
    const unit = await runCli('poslog', 'import', RETALIX, '--weight-unit', 'each')
    expect(unit.code).toBe(2)
  })

  it('draws a progress display on stderr when asked, keeping stdout pure JSONL', async () => {
    const r = await runCli('poslog', 'import', RETALIX, '--progress')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/store0610-ws140-seq451\.xml \[.*\] 100% \| 0\/0 MB \| 1 transactions/)
    expect(lines(r.stdout)).toHaveLength(1)
  })
})

describe('tessera poslog replay', () => {
  it('closes the day into SQLite and books nothing the second time', async () => {
    const db = join(dir, 'replay.db')
    const store = openSqliteStores({ file: db })
    await store.loyalty.openAccount({ accountId: 'acc-1', programId: 'club', at: 0 })
    await store.loyalty.issueCard({ number: '2900001234566', accountId: 'acc-1', at: 0 })
    await store.close()
    const keyFile = join(dir, 'keys.json')
    writeFileSync(keyFile, JSON.stringify({ keys: { k1: '11'.repeat(32) } }))
    const programFile = join(dir, 'program.json')
    writeFileSync(programFile, JSON.stringify({ id: 'club', earn: { points: 1, per: 100 }, pendingDays: 0 }))
    const args = ['poslog', 'replay', ARTS, RETALIX, '--store', `sqlite:${db}`, '--program', programFile]
    const first = await runCli(...args, '--key-file', keyFile, '--key-id', 'k1')
    expect(first.code).toBe(0)
    const [arts, retalix] = lines(first.stdout) as unknown as {
      closed: number
      returned: number
      pointsBooked: number
      already: number
    }[]
    expect(arts).toMatchObject({ transactions: 4, closed: 1, returned: 1, skipped: 2, refused: 0 })
    // 13.89 → 13 points; the returned jar (3.49 of 13.89) takes its share back.
    expect(arts?.pointsBooked).toBeGreaterThan(0)
    expect(arts?.pointsBooked).toBeLessThan(13)
    expect(retalix).toMatchObject({ transactions: 1, closed: 1, pointsBooked: 0 })
    expect(first.stderr).toMatch(/4 transactions: 1 closed, 1 returned, 0 already booked, 2 skipped, 0 refused/)
    const second = await runCli(...args, '--key-file', keyFile, '--key-id', 'k1')
    expect(second.code).toBe(0)
    expect(lines(second.stdout).map((s) => s as unknown as { already: number; pointsBooked: number })).toEqual([
      expect.objectContaining({ closed: 0, returned: 0, already: 2, pointsBooked: 0 }),
      expect.objectContaining({ closed: 0, already: 1, pointsBooked: 0 }),
    ])
    const check = openSqliteStores({ file: db })
    const balance = await check.loyalty.balance('acc-1', Date.parse('2027-01-01T00:00:00Z'))
    await check.close()
    expect(balance._tag === 'Right' && balance.right.available + balance.right.pending).toBe(arts?.pointsBooked)
  })

  it('exits 1 when a transaction is refused, and 2 without a key file', async () => {
    const db = join(dir, 'refused.db')
    const keyFile = join(dir, 'keys2.json')
    writeFileSync(keyFile, JSON.stringify({ keys: { k1: '22'.repeat(32) } }))
    const r = await runCli('poslog', 'replay', MALFORMED, '--store', db, '--key-file', keyFile, '--key-id', 'k1')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/refused 5-1-20261126-4 \(BAD_AMOUNT\)/)
    const noKey = await runCli(
      'poslog',
      'replay',
      MALFORMED,
      '--store',
      db,
      '--key-file',
      join(dir, 'none.json'),
      '--key-id',
      'k1',
    )
    expect(noKey.code).toBe(2)
    expect(readFileSync(MALFORMED, 'utf8').length).toBeGreaterThan(0)
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase, openPostgresStores, testDatabaseUrl } from '@tessera/store-postgres'
import { openSqliteStores } from '@tessera/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-value-inputs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The CDNOW sample (core's fixture): member, day and amount in cents. */
const cdnow = readFileSync(new URL('../../../core/test/fixtures/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((row) => {
    const [, id, date, , dollars] = row.trim().split(/\s+/) as [string, string, string, string, string]
    return {
      memberId: id,
      at: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`,
      amount: Math.round(Number(dollars) * 100),
    }
  })
const write = (name: string, lines: readonly unknown[]) => {
  const path = join(dir, name)
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'))
  return path
}
const PLAIN = write('plain.jsonl', cdnow)

/** A purchase as a line of `tessera simulate`'s history (the demo's `history.jsonl`). */
const sale = (id: string, memberId: string | undefined, at: string, amount: number) => ({
  basket: {
    id,
    storeId: '0001',
    terminalId: '01',
    channel: 'store',
    currency: 'USD',
    pricesIncludeTax: true,
    at,
    lines: [{ id: '1', sku: 'CD', quantity: 1, unitPrice: amount, amount, categories: ['music'] }],
  },
  ...(memberId !== undefined ? { customer: { memberId } } : {}),
  booked: { total: amount, discount: 0, points: 0, coupons: 0 },
})

/** The same fit up to the order of a floating-point sum (the store gives the members in another order). */
const expectSameFit = (actual: unknown, expected: unknown): void => {
  if (typeof expected === 'number') {
    expect(typeof actual).toBe('number')
    expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)))
  } else if (typeof expected === 'object' && expected !== null) {
    expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort())
    for (const [k, v] of Object.entries(expected)) expectSameFit((actual as Record<string, unknown>)[k], v)
  } else expect(actual).toEqual(expected)
}

const fitOf = async (...args: string[]) => {
  const r = await runCli('value', 'fit', ...args, '--until', '1997-09-30', '--json')
  return { ...r, fit: r.code === 0 ? JSON.parse(r.stdout) : undefined }
}

describe('tessera value --history with transaction lines', () => {
  it('fits the demo-format history (sales with a member, what they booked) exactly as the plain lines', async () => {
    const lines: unknown[] = cdnow.map((p, i) => sale(`T-${i}`, p.memberId, `${p.at}T12:00:00+00:00`, p.amount))
    // Anonymous sales and a return of one of them change nothing.
    lines.push(sale('T-anon', undefined, '1997-03-01T10:00:00+00:00', 5000))
    lines.push({ return: { id: 'R-anon', of: 'T-anon', at: '1997-03-02T10:00:00+00:00', full: true } })
    const plain = await fitOf('--history', PLAIN)
    const transactions = await fitOf('--history', write('transactions.jsonl', lines))
    expect(transactions.stderr).toBe('')
    expect(transactions.fit).toEqual(plain.fit)
  })

  it("takes a return off the member's day: its refund, else the whole sale when full", async () => {
    const base = cdnow.filter((p) => p.at <= '1997-09-30')
    const lines: unknown[] = base.map((p, i) => sale(`T-${i}`, p.memberId, `${p.at}T12:00:00+00:00`, p.amount))
    const first = base[0] as (typeof base)[number]
    lines.push({ return: { id: 'R-1', of: 'T-0', at: `${first.at}T18:00:00+00:00`, full: false, refund: 100 } })
    const predict = async (file: string) => {
      const r = await runCli('value', 'predict', '--history', file, '--until', '1997-09-30', '--horizon-weeks', '39')
      expect(r.code).toBe(0)
      return r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { memberId: string; frequency: number })
    }
    const withReturn = await predict(write('with-return.jsonl', lines))
    const plain = await predict(write('minus-100.jsonl', [{ ...first, amount: first.amount - 100 }, ...base.slice(1)]))
    expect(withReturn).toEqual(plain)
  })

  it('names the line and field of a transaction line that does not decode (exit 2)', async () => {
    const bad = write('bad.jsonl', [
      sale('T-1', 'm-1', '1997-01-01T10:00:00+00:00', 1000),
      {
        ...sale('T-2', 'm-1', '1997-01-02T10:00:00+00:00', 1000),
        booked: { total: 10.5, discount: 0, points: 0, coupons: 0 },
      },
    ])
    const r = await runCli('value', 'fit', '--history', bad, '--until', '1997-09-30')
    expect(r).toMatchObject({ code: 2, stdout: '' })
    expect(r.stderr).toMatch(/bad\.jsonl: invalid history line 2: booked\.total: /)
    const malformed = write('malformed.jsonl', [sale('T-1', 'm-1', '1997-01-01T10:00:00+00:00', 1000), '{"basket": '])
    const m = await runCli('value', 'fit', '--history', malformed, '--until', '1997-09-30')
    expect(m.code).toBe(2)
    expect(m.stderr).toMatch(/malformed\.jsonl: invalid history line 2: \(root\): malformed JSON/)
    const missing = await runCli('value', 'fit', '--history', join(dir, 'nope.jsonl'), '--until', '1997-09-30')
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toMatch(/nope\.jsonl: cannot read the history \(ENOENT\)/)
  })
})

/** A store holding the CDNOW purchases as imported history (members), and a card-only customer's. */
const importCdnow = async (checkout: { importPurchases: (rows: never[]) => Promise<void> }) => {
  const rows = cdnow.map((p, i) => ({
    customer: `member:${p.memberId}`,
    id: `cdnow/${i}`,
    at: `${p.at}T12:00:00+00:00`,
    amount: p.amount,
    points: 0,
  }))
  rows.push({ customer: 'card:2900000000001', id: 'card/1', at: '1997-02-01T10:00:00+00:00', amount: 999, points: 0 })
  await checkout.importPurchases(rows as never[])
}

describe('tessera value --store', () => {
  it("fits a SQLite store's purchases of its members as the same history in a file", async () => {
    const db = join(dir, 'value.db')
    const stores = openSqliteStores({ file: db })
    await importCdnow(stores.checkout as never)
    await stores.close()
    const plain = await fitOf('--history', PLAIN)
    const fromStore = await fitOf('--store', `sqlite:${db}`)
    expect(fromStore.stderr).toBe('')
    expectSameFit(fromStore.fit, plain.fit)
  })

  it("writes each member's value snapshot back into the store's member documents, in one go", async () => {
    const db = join(dir, 'snapshot.db')
    const stores = openSqliteStores({ file: db })
    await importCdnow(stores.checkout as never)
    // Three CDNOW customers are enrolled members; the others only have purchases.
    for (const memberId of ['0001', '0002', '0004'])
      await stores.loyalty.saveMember({ memberId, programId: 'club', joinedAt: 0, segments: ['cd'] })
    await stores.close()
    const r = await runCli(
      'value',
      'predict',
      '--store',
      `sqlite:${db}`,
      '--until',
      '1997-09-30',
      '--horizon-weeks',
      '52',
      '--write-snapshot',
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(
      /value snapshot \(as of 1997-09-30\) written for 3 members; 2354 customers with purchases are not enrolled members/,
    )
    const predicted = new Map(
      r.stdout
        .trim()
        .split('\n')
        .map(
          (l) => JSON.parse(l) as { memberId: string; clv: number; pAlive: number; rank: number; shareAbove: number },
        )
        .map((p) => [p.memberId, p]),
    )
    const check = openSqliteStores({ file: db })
    try {
      for (const memberId of ['0001', '0002', '0004']) {
        const member = await check.loyalty.member(memberId)
        const p = predicted.get(memberId)
        expect(member._tag === 'Right' && member.right).toEqual({
          memberId,
          programId: 'club',
          joinedAt: 0,
          segments: ['cd'],
          value: { clv: p?.clv, pAlive: p?.pAlive, shareAbove: p?.shareAbove, rank: p?.rank, asOf: '1997-09-30' },
        })
      }
    } finally {
      await check.close()
    }
    const without = await runCli(
      'value',
      'predict',
      '--history',
      PLAIN,
      '--until',
      '1997-09-30',
      '--horizon-weeks',
      '52',
      '--write-snapshot',
    )
    expect(without).toMatchObject({ code: 2, stdout: '' })
    expect(without.stderr).toMatch(/--write-snapshot needs --store URL/)
  })

  it('refuses both or neither of --history and --store, a missing store and an unknown URL (exit 2)', async () => {
    const both = await runCli('value', 'fit', '--history', PLAIN, '--store', 'sqlite:x.db', '--until', '1997-09-30')
    expect(both).toMatchObject({ code: 2, stdout: '' })
    expect(both.stderr).toMatch(/--history FILE or --store URL \(one of them\)/)
    const neither = await runCli('value', 'fit', '--until', '1997-09-30')
    expect(neither.code).toBe(2)
    const missing = await runCli('value', 'fit', '--store', `sqlite:${join(dir, 'none.db')}`, '--until', '1997-09-30')
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toMatch(/store not found: .*none\.db \(ENOENT\)/)
    const unknown = await runCli('value', 'fit', '--store', 'redis://localhost/0', '--until', '1997-09-30')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown store URL scheme "redis:"/)
  })
})

describe.skipIf(testDatabaseUrl() === undefined)('tessera value --store postgres://', () => {
  it("fits a PostgreSQL store's purchases as the SQLite one, and writes the snapshot back", async () => {
    const pg = await createTestDatabase()
    try {
      const stores = await openPostgresStores({ connectionString: pg.url, maxConnections: 2 })
      await importCdnow(stores.checkout as never)
      await stores.loyalty.saveMember({ memberId: '0004', programId: 'club', joinedAt: 0 })
      await stores.close()
      const plain = await fitOf('--history', PLAIN)
      expectSameFit((await fitOf('--store', pg.url)).fit, plain.fit)
      const args = ['--until', '1997-09-30', '--horizon-weeks', '52', '--write-snapshot']
      const r = await runCli('value', 'predict', '--store', pg.url, ...args)
      expect(r.code).toBe(0)
      expect(r.stderr).toMatch(/written for 1 members/)
      const check = await openPostgresStores({ connectionString: pg.url, maxConnections: 1 })
      const member = await check.loyalty.member('0004')
      await check.close()
      expect(member._tag === 'Right' && member.right.value?.asOf).toBe('1997-09-30')
    } finally {
      await pg.drop()
    }
  })
})

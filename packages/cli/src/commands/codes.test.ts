import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkCodeFormat } from '@tessera/core'
import { openSqliteStores } from '@tessera/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-codes-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('tessera codes generate', () => {
  it('writes the count asked, one unique well-formed code per line', async () => {
    const out = join(dir, 'xmas.txt')
    const r = await runCli(
      'codes',
      'generate',
      '--pool',
      'XMAS',
      '--pattern',
      'XMAS-####-####-####',
      '--count',
      '5000',
      '--out',
      out,
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/wrote 5,000 codes of pool XMAS/)
    const codes = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(codes).toHaveLength(5000)
    expect(new Set(codes).size).toBe(5000)
    for (const code of codes) expect(checkCodeFormat('XMAS-####-####-####', code)._tag).toBe('Right')
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('shows progress on stderr for large counts', async () => {
    const out = join(dir, 'big.txt')
    const r = await runCli(
      'codes',
      'generate',
      '--pool',
      'P',
      '--pattern',
      '####-####-####',
      '--count',
      '100000',
      '--out',
      out,
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/codes: 100,000 \/ 100,000 \(100 %\)/)
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(100_001)
  })

  it('exits 2 when the --existing file of already-issued codes cannot be read', async () => {
    const r = await runCli(
      'codes',
      'generate',
      '--pool',
      'P',
      '--pattern',
      '##########',
      '--count',
      '3',
      '--out',
      join(dir, 'more.txt'),
      '--existing',
      join(dir, 'missing.txt'),
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/cannot read --existing .*missing\.txt: ENOENT/)
  })

  it('refuses a pattern too weak for the count with exit 2, saying how many symbols it needs, and writes nothing', async () => {
    const out = join(dir, 'weak.txt')
    const r = await runCli(
      'codes',
      'generate',
      '--pool',
      'XMAS',
      '--pattern',
      'XMAS-####',
      '--count',
      '1000000',
      '--out',
      out,
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/needs at least 12 random symbols, the pattern has 4/)
    expect(existsSync(out)).toBe(false)
  })

  it('refuses a bad count and an unwritable output with exit 2', async () => {
    const bad = await runCli(
      'codes',
      'generate',
      '--pool',
      'P',
      '--pattern',
      '##########',
      '--count',
      'many',
      '--out',
      join(dir, 'x'),
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--count must be a positive whole number/)
    const nowhere = await runCli(
      'codes',
      'generate',
      '--pool',
      'P',
      '--pattern',
      '##########',
      '--count',
      '1',
      '--out',
      join(dir, 'no', 'such', 'dir'),
    )
    expect(nowhere.code).toBe(2)
    expect(nowhere.stderr).toMatch(/cannot write/)
  })
})

describe('tessera codes check', () => {
  it('exits 0 for a valid code and 1 with the reason for a typo', async () => {
    const out = join(dir, 'one.txt')
    await runCli('codes', 'generate', '--pool', 'P', '--pattern', 'XMAS-####-####', '--count', '1', '--out', out)
    const code = readFileSync(out, 'utf8').trim()
    const good = await runCli('codes', 'check', code, '--pattern', 'XMAS-####-####')
    expect(good).toMatchObject({ code: 0, stdout: `valid: ${code}\n` })
    const last = code.at(-1) === '2' ? '3' : '2'
    const typo = await runCli('codes', 'check', code.slice(0, -1) + last, '--pattern', 'XMAS-####-####', '--json')
    expect(typo.code).toBe(1)
    expect(JSON.parse(typo.stdout)).toMatchObject({ valid: false, reason: 'BAD_CHECK_CHARACTER' })
  })
})

describe('tessera codes import', () => {
  const storedCode = async (db: string, code: string) => {
    const stores = openSqliteStores({ file: db })
    try {
      return { code: await stores.checkout.code(code), pools: await stores.checkout.pools() }
    } finally {
      await stores.close()
    }
  }

  it('imports a strong pool made elsewhere, normalised as a till reads it, and adds nothing the second time', async () => {
    const file = join(dir, 'printshop.txt')
    const generated = await runCli(
      'codes',
      'generate',
      '--pool',
      'P',
      '--pattern',
      'GIFT-####-####-####',
      '--count',
      '2000',
    )
    const codes = generated.stdout.trim().split('\n')
    writeFileSync(file, `${codes.map((c, i) => (i === 0 ? `  ${c.toLowerCase()}  ` : c)).join('\r\n')}\n\n`)
    const db = join(dir, 'import.db')
    const args = ['codes', 'import', file, '--pool', 'GIFT', '--campaign', 'gift-10', '--db', db]
    const first = await runCli(...args, '--until', '2027-01-31T00:00:00+01:00')
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toBe('imported 2,000 codes into pool GIFT; guessing: 1 in 2^54\n')
    const stored = await storedCode(db, codes[0] ?? '')
    expect(stored.code).toMatchObject({ pool: 'GIFT', kind: { type: 'singleUse' } })
    expect(stored.pools).toEqual([
      {
        id: 'GIFT',
        kind: { type: 'singleUse' },
        campaignId: 'gift-10',
        validUntilMs: Date.parse('2027-01-30T23:00:00Z'),
      },
    ])
    const again = await runCli(...args, '--until', '2027-01-31T00:00:00+01:00', '--json')
    expect(JSON.parse(again.stdout)).toMatchObject({ read: 2000, added: 0, alreadyStored: 2000 })
    const otherSettings = await runCli(...args)
    expect(otherSettings.code).toBe(2)
    expect(otherSettings.stderr).toMatch(/pool GIFT exists with other settings/)
  })

  it('refuses numbered single-use codes and writes nothing, unless --accept-guessable', async () => {
    const file = join(dir, 'numbered.txt')
    writeFileSync(file, Array.from({ length: 500 }, (_, i) => `WEEK-${String(i + 1).padStart(10, '0')}`).join('\n'))
    const db = join(dir, 'weak.db')
    const refused = await runCli('codes', 'import', file, '--pool', 'WEEK', '--db', db)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/500 codes of .* are easy to guess: they are numbered in sequence/)
    expect(refused.stderr).toMatch(/tessera codes generate.*--accept-guessable/)
    expect((await storedCode(db, 'WEEK-0000000001')).pools).toEqual([])
    const accepted = await runCli('codes', 'import', file, '--pool', 'WEEK', '--accept-guessable', '--db', db)
    expect(accepted.code).toBe(0)
    expect(accepted.stderr).toMatch(/^warning: .*imported anyway/)
    expect((await storedCode(db, 'WEEK-0000000001')).code).toMatchObject({ pool: 'WEEK' })
  })

  it('takes a public multi-use code without a strength check', async () => {
    const file = join(dir, 'welcome.txt')
    writeFileSync(file, 'welcome10\n')
    const db = join(dir, 'public.db')
    const r = await runCli(
      'codes',
      'import',
      file,
      '--pool',
      'WELCOME',
      '--multi-use',
      '--per-customer',
      '1',
      '--db',
      db,
    )
    expect(r.code).toBe(0)
    expect((await storedCode(db, 'WELCOME10')).code).toMatchObject({ kind: { type: 'multiUse', perCustomerLimit: 1 } })
  })

  it('refuses bad input with exit 2, naming the line or the option, and writes nothing', async () => {
    const db = join(dir, 'bad.db')
    const bad = join(dir, 'bad-lines.txt')
    writeFileSync(bad, 'GOOD-AAAA-BBBB\nno spaces allowed\nGOOD-AAAA-BBBB\n')
    const lines = await runCli('codes', 'import', bad, '--pool', 'X', '--db', db)
    expect(lines.code).toBe(2)
    expect(lines.stderr).toMatch(
      /line 2: "NO SPACES ALLOWED" may hold only letters, digits and hyphens; line 3: GOOD-AAAA-BBBB repeats line 1/,
    )
    const missing = await runCli('codes', 'import', join(dir, 'nope.txt'), '--pool', 'X', '--db', db)
    expect(missing.stderr).toMatch(/file not found: .*nope\.txt/)
    const perCustomer = await runCli('codes', 'import', bad, '--pool', 'X', '--per-customer', '2', '--db', db)
    expect(perCustomer.stderr).toMatch(/--per-customer applies to a --multi-use pool only/)
    const window = await runCli(
      'codes',
      'import',
      bad,
      '--pool',
      'X',
      '--from',
      '2027-01-01T00:00:00Z',
      '--until',
      '2026-01-01T00:00:00Z',
      '--db',
      db,
    )
    expect(window.stderr).toMatch(/validUntilMs must be after validFromMs/)
    expect((await storedCode(db, 'GOOD-AAAA-BBBB')).pools).toEqual([])
  })
})

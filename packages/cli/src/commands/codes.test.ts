import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkCodeFormat } from '@tessera/core'
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

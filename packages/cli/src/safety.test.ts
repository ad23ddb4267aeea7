import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { maskSecrets } from './io.js'
import { runCli } from './testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-safety-'))

describe('the CLI never prints a secret', () => {
  it('masks the password of a database URL that fails to connect, and says what failed', async () => {
    // Port 1 on loopback refuses at once: the failure message would carry the URL.
    const r = await runCli(
      'balance',
      '2900001234566',
      '--database-url',
      'postgres://postgres:S3cretPw@127.0.0.1:1/test',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cannot open the store')
    expect(r.stderr).toContain('postgres://postgres:***@127.0.0.1:1/test')
    expect(r.stderr).not.toContain('S3cretPw')
  })

  it('masks user-info passwords and password/secret/token parameters, and leaves the rest', () => {
    expect(maskSecrets('postgres://u:p%40ss@db:5432/x?sslmode=require&password=hunter2 and nats://a:b@h')).toBe(
      'postgres://u:***@db:5432/x?sslmode=require&password=*** and nats://a:***@h',
    )
    expect(maskSecrets('postgres://only-user@db/x token=abc;')).toBe('postgres://only-user@db/x token=***;')
  })
})

describe('the CLI says what is wrong', () => {
  it('a missing file is "file not found", not malformed JSON', async () => {
    const r = await runCli('lint', '--campaigns', join(dir, 'nope.json'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/file not found: .*nope\.json \(ENOENT\)/)
    expect(r.stderr).not.toContain('malformed JSON')
  })

  it('an unknown --store-time-zone is an error (exit 2), not a warning', async () => {
    const campaigns = join(dir, 'campaigns.json')
    writeFileSync(campaigns, '[]')
    const r = await runCli('lint', '--campaigns', campaigns, '--store-time-zone', 'Europe/Pariss')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('"Europe/Pariss" is not a known IANA time zone')
    expect((await runCli('lint', '--campaigns', campaigns, '--store-time-zone', 'Europe/Paris')).code).toBe(0)
  })
})

describe('codes generate keeps issued codes safe', () => {
  const generate = (...extra: string[]) =>
    runCli('codes', 'generate', '--pool', 'P', '--pattern', 'XMAS-####-####-####', '--count', '3', ...extra)

  it('refuses to overwrite an existing --out file unless --force', async () => {
    const out = join(dir, 'issued.txt')
    writeFileSync(out, 'XMAS-AAAA-AAAA-Q\n')
    const refused = await generate('--out', out)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('pass --force to overwrite it')
    expect(readFileSync(out, 'utf8')).toBe('XMAS-AAAA-AAAA-Q\n')
    const forced = await generate('--out', out, '--force')
    expect(forced.code).toBe(0)
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3)
  })

  it('writes to stdout without --out', async () => {
    const r = await generate()
    expect(r.code).toBe(0)
    const codes = r.stdout.trim().split('\n')
    expect(codes).toHaveLength(3)
    for (const c of codes) expect(c).toMatch(/^XMAS(-[0-9A-Z]{4}){3}[0-9A-Z]$/)
  })
})

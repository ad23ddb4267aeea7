import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-keys-'))
const db = join(dir, 'shop.sqlite')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('tessera keys', () => {
  it('creates a key once (only its hash is stored), lists, rotates and revokes it', async () => {
    const made = await runCli('keys', 'create', '--shop', '0042', '--till', '01', '--db', db)
    expect(made.code).toBe(0)
    const key = made.stdout.trim()
    expect(key).toMatch(/^tk_[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/)
    const keyId = key.slice(3, 19)
    expect(readFileSync(db).toString('latin1')).not.toContain(key.split('.')[1])
    expect((await runCli('keys', 'list', '--db', db)).stdout).toBe(`${keyId}\t0042\t01\tactive\n`)
    const rotated = await runCli('keys', 'rotate', keyId, '--db', db)
    expect(rotated.code).toBe(0)
    const newId = rotated.stdout.trim().slice(3, 19)
    expect((await runCli('keys', 'revoke', newId, '--db', db)).stdout).toBe(`revoked ${newId}\n`)
    const listed = (await runCli('keys', 'list', '--db', db)).stdout
    expect(listed).toContain(`${keyId}\t0042\t01\trevoked`)
    expect(listed).toContain(`${newId}\t0042\t01\trevoked`)
  })

  it('refuses an unknown key id (exit 1) and a missing --shop (exit 2)', async () => {
    const unknown = await runCli('keys', 'revoke', 'nope', '--db', db)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no key nope')
    const missing = await runCli('keys', 'create', '--till', '01', '--db', db)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--shop')
  })
})

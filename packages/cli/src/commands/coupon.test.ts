import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-coupon-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const keyFile = join(dir, 'keys.json')
writeFileSync(keyFile, JSON.stringify({ keys: { k1: '11'.repeat(32), k2: Buffer.alloc(32, 2).toString('base64') } }))

const sign = async (...extra: string[]) => {
  const r = await runCli(
    'coupon',
    'sign',
    '--key-file',
    keyFile,
    '--key-id',
    'k2',
    '--pool',
    'XMAS',
    '--serial',
    '42',
    '--from',
    '2026-12-01T00:00:00+01:00',
    '--until',
    '2027-01-01T00:00:00+01:00',
    ...extra,
  )
  expect(r.code).toBe(0)
  return r.stdout.trim()
}

describe('tessera coupon', () => {
  it('signs a coupon that verifies: exit 0 and the claims', async () => {
    const text = await sign('--card', '4022847518216')
    const r = await runCli(
      'coupon',
      'verify',
      text,
      '--key-file',
      keyFile,
      '--at',
      '2026-12-24T10:00:00+01:00',
      '--card',
      '4022847518216',
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      'valid: pool XMAS, serial 42, card 4022847518216, valid 2026-11-30T23:00:00Z – 2026-12-31T23:00:00Z, key K2\n',
    )
  })

  it('exits 1 with the reason for an expired coupon, a personal coupon without its card and a tampered one', async () => {
    const text = await sign('--card', '4022847518216')
    const expired = await runCli(
      'coupon',
      'verify',
      text,
      '--key-file',
      keyFile,
      '--at',
      '2027-01-01T00:00:00+01:00',
      '--card',
      '4022847518216',
    )
    expect(expired.code).toBe(1)
    expect(expired.stdout).toMatch(/^invalid: EXPIRED/)
    const noCard = await runCli(
      'coupon',
      'verify',
      text,
      '--key-file',
      keyFile,
      '--at',
      '2026-12-24T10:00:00+01:00',
      '--json',
    )
    expect(noCard.code).toBe(1)
    expect(JSON.parse(noCard.stdout)).toMatchObject({ valid: false, reason: 'NOT_YOURS', claims: { serial: '42' } })
    const i = 12
    const tampered = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1)
    const t = await runCli(
      'coupon',
      'verify',
      tampered,
      '--key-file',
      keyFile,
      '--at',
      '2026-12-24T10:00:00+01:00',
      '--card',
      '4022847518216',
    )
    expect(t.code).toBe(1)
    expect(t.stdout).toMatch(/^invalid: TAMPERED/)
  })

  it('prints the barcode data with --json', async () => {
    const out = JSON.parse(await sign('--json'))
    expect(out.barcodes.qrcode).toEqual({ bcid: 'qrcode', text: out.text, eclevel: 'M' })
  })

  it('exits 2 for a missing key file, a bad key file and a bad --at, naming the problem', async () => {
    const text = await sign()
    const missing = await runCli('coupon', 'verify', text, '--key-file', join(dir, 'nope.json'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/file not found: .*nope\.json \(ENOENT\)/)
    const badFile = join(dir, 'bad.json')
    writeFileSync(badFile, JSON.stringify({ keys: { k1: 'abc' } }))
    const bad = await runCli('coupon', 'verify', text, '--key-file', badFile)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/keys\.k1: must be a hex or base64 secret/)
    const badAt = await runCli('coupon', 'verify', text, '--key-file', keyFile, '--at', 'tomorrow')
    expect(badAt.code).toBe(2)
    expect(badAt.stderr).toMatch(/--at must be an ISO-8601 date-time/)
  })
})

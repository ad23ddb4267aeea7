import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures')
const campaigns = join(fixtures, 'campaigns.json')
const program = join(fixtures, 'program.json')
const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-bundle-'))
const at = (name: string) => join(dir, name)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const keygen = async (keyId: string) => {
  const r = await runCli('bundle', 'keygen', '--key-id', keyId, '--out', at(`${keyId}.jwk`))
  expect(r.code).toBe(0)
  writeFileSync(at(`${keyId}.keys.json`), r.stdout)
  return JSON.parse(r.stdout) as { keys: { keyId: string; publicKey: string }[] }
}

describe('tessera bundle', () => {
  it('keygen, sign and verify: a valid bundle exits 0 and says what it holds', async () => {
    const keys = await keygen('hq-1')
    expect(keys.keys[0]?.keyId).toBe('hq-1')
    expect(statSync(at('hq-1.jwk')).mode & 0o777).toBe(0o600)
    const signed = await runCli(
      'bundle',
      'sign',
      ...['--campaigns', campaigns, '--program', program, '--key', at('hq-1.jwk'), '--version', '7'],
      ...['--issued-at', '2026-11-26T06:00:00+01:00'],
    )
    expect(signed.code).toBe(0)
    writeFileSync(at('bundle.json'), signed.stdout)
    const verified = await runCli('bundle', 'verify', '--bundle', at('bundle.json'), '--keys', at('hq-1.keys.json'))
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(
      /^valid: version 7, issued 2026-11-26T06:00:00\+01:00, key hq-1, \d+ campaigns, program club, trusts hq-1\n$/,
    )
    const json = await runCli(
      'bundle',
      'verify',
      '--bundle',
      at('bundle.json'),
      '--keys',
      at('hq-1.keys.json'),
      '--json',
    )
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, version: 7, program: 'club' })
  })

  it('refuses a tampered bundle, an unknown key and an older version with exit 1 and the reason', async () => {
    await keygen('other')
    const text = readFileSync(at('bundle.json'), 'utf8')
    const envelope = JSON.parse(text) as { payload: string }
    const payload = Buffer.from(envelope.payload, 'base64').toString('utf8').replace('"version":7', '"version":8')
    writeFileSync(
      at('tampered.json'),
      JSON.stringify({ ...envelope, payload: Buffer.from(payload).toString('base64') }),
    )
    const tampered = await runCli('bundle', 'verify', '--bundle', at('tampered.json'), '--keys', at('hq-1.keys.json'))
    expect(tampered.code).toBe(1)
    expect(tampered.stdout).toContain('invalid: TAMPERED')
    expect(tampered.stderr).toContain('bundle refused (TAMPERED)')
    const unknown = await runCli('bundle', 'verify', '--bundle', at('bundle.json'), '--keys', at('other.keys.json'))
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain('invalid: UNKNOWN_KEY')
    const older = await runCli(
      ...['bundle', 'verify', '--bundle', at('bundle.json'), '--keys', at('hq-1.keys.json'), '--after', '7', '--json'],
    )
    expect(older.code).toBe(1)
    expect(JSON.parse(older.stdout)).toMatchObject({ valid: false, reason: 'NOT_NEWER', version: 7, current: 7 })
    writeFileSync(at('broken.json'), text.slice(0, 30))
    const broken = await runCli('bundle', 'verify', '--bundle', at('broken.json'), '--keys', at('hq-1.keys.json'))
    expect(broken.code).toBe(1)
    expect(broken.stdout).toContain('invalid: MALFORMED')
  })

  it('announces a rotation: a bundle signed by hq-1 that trusts hq-1 and hq-2', async () => {
    const next = await keygen('hq-2')
    const old = JSON.parse(readFileSync(at('hq-1.keys.json'), 'utf8')) as typeof next
    writeFileSync(at('both.keys.json'), JSON.stringify({ keys: [...old.keys, ...next.keys] }))
    const signed = await runCli(
      ...['bundle', 'sign', '--campaigns', campaigns, '--program', program, '--key', at('hq-1.jwk')],
      ...['--version', '8', '--trust', at('both.keys.json'), '--out', at('rotation.json')],
    )
    expect(signed.code).toBe(0)
    expect(signed.stdout).toBe('')
    const verified = await runCli('bundle', 'verify', '--bundle', at('rotation.json'), '--keys', at('hq-1.keys.json'))
    expect(verified.stdout).toContain('trusts hq-1, hq-2')
  })

  it('bad input exits 2 naming the problem: an unknown campaign field, a bad key file, a bad version, an existing key file', async () => {
    const badCampaigns = await runCli(
      ...['bundle', 'sign', '--campaigns', join(fixtures, 'campaigns-unknown-field.json'), '--program', program],
      ...['--key', at('hq-1.jwk')],
    )
    expect(badCampaigns.code).toBe(2)
    expect(badCampaigns.stderr).toContain('unknown field')
    writeFileSync(at('bad.jwk'), JSON.stringify({ kty: 'OKP', crv: 'Ed25519', kid: 'x', d: 'short', x: 'short' }))
    const badKey = await runCli(
      'bundle',
      'sign',
      '--campaigns',
      campaigns,
      '--program',
      program,
      '--key',
      at('bad.jwk'),
    )
    expect(badKey.code).toBe(2)
    expect(badKey.stderr).toMatch(/signing key .*d: must be the private key/)
    const badVersion = await runCli(
      ...[
        'bundle',
        'sign',
        '--campaigns',
        campaigns,
        '--program',
        program,
        '--key',
        at('hq-1.jwk'),
        '--version',
        '1.5',
      ],
    )
    expect(badVersion.code).toBe(2)
    expect(badVersion.stderr).toContain('--version must be a whole number')
    writeFileSync(at('keys-typo.json'), JSON.stringify({ keyz: [] }))
    const badKeys = await runCli('bundle', 'verify', '--bundle', at('bundle.json'), '--keys', at('keys-typo.json'))
    expect(badKeys.code).toBe(2)
    expect(badKeys.stderr).toContain('keyz')
    const missing = await runCli('bundle', 'verify', '--bundle', at('nope.json'), '--keys', at('hq-1.keys.json'))
    expect(missing.code).toBe(2)
    const again = await runCli('bundle', 'keygen', '--key-id', 'hq-1', '--out', at('hq-1.jwk'))
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('never overwritten')
  })
})

import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))
const WITH_PROBLEMS = fixture('campaigns-lint.json')

describe('tessera lint', () => {
  it('exits 0 and says so when the campaigns have no static problem', async () => {
    const { code, stdout, stderr } = await runCli('lint', '--campaigns', fixture('campaigns.json'))
    expect(code).toBe(0)
    expect(stdout).toBe('2 campaign(s), no problems\n')
    expect(stderr).toBe('')
  })

  it('prints one line per problem (campaign: CODE: message) and exits 1', async () => {
    const { code, stdout, stderr } = await runCli('lint', '--campaigns', WITH_PROBLEMS)
    expect(code).toBe(1)
    const lines = stdout.trim().split('\n')
    expect(lines.map((l) => l.split(': ').slice(0, 2).join(': ')).sort()).toEqual([
      'draft-one: NOT_ACTIVE',
      'nothing-selected: UNSATISFIABLE_REWARD_SELECTOR',
      'zero-off: ZERO_REWARD',
    ])
    expect(stderr).toContain('3 problem(s) in 3 of 4 campaign(s)')
  })

  it('prints the problems as JSON with --json', async () => {
    const { code, stdout } = await runCli('lint', '--campaigns', WITH_PROBLEMS, '--json')
    expect(code).toBe(1)
    const report = JSON.parse(stdout)
    expect(report.campaigns).toBe(4)
    expect(report.problems).toContainEqual(expect.objectContaining({ campaignId: 'zero-off', code: 'ZERO_REWARD' }))
    expect(report.problems).toHaveLength(3)
  })

  it('also reports campaigns already ended at --now', async () => {
    const { code, stdout } = await runCli('lint', '--campaigns', WITH_PROBLEMS, '--now', '2026-06-01T12:00:00+02:00')
    expect(code).toBe(1)
    expect(stdout).toContain('fine: ENDED')
  })

  it('refuses a --now without an offset with exit 2 and nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCli('lint', '--campaigns', WITH_PROBLEMS, '--now', '2026-06-01T12:00:00')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('--now')
  })

  it('refuses an unknown campaign field with exit 2, naming 1.rewrad, and prints nothing on stdout', async () => {
    const { code, stdout, stderr } = await runCli('lint', '--campaigns', fixture('campaigns-unknown-field.json'))
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('1.rewrad')
  })

  it('refuses a missing file with exit 2', async () => {
    const { code, stdout, stderr } = await runCli('lint', '--campaigns', fixture('nope.json'))
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('nope.json')
  })
})

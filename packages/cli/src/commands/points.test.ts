import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-points-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const AT = '2026-11-26T10:00:00+01:00'

describe('tessera points adjust', () => {
  it('credits and debits with a reason, once per key, and refuses the same key with other points', async () => {
    const db = join(dir, 'points.db')
    const card = (await runCli('card', 'new', '--db', db)).stdout.trim()
    const adjust = (points: string, key: string) =>
      runCli(
        'points',
        'adjust',
        card,
        '--points',
        points,
        '--reason',
        'complaint #42: till was down',
        '--key',
        key,
        '--at',
        AT,
        '--db',
        db,
      )
    const first = await adjust('250', 'ticket-42')
    expect(first.code).toBe(0)
    expect(first.stdout).toBe(`booked once under ticket-42: +250 points on ${card}; available 250\n`)
    // The same command again books nothing more.
    expect((await adjust('250', 'ticket-42')).stdout).toContain('available 250')
    const conflicting = await adjust('300', 'ticket-42')
    expect(conflicting.code).toBe(2)
    expect(conflicting.stderr).toMatch(/key ticket-42 was already us/)
    expect((await adjust('-100', 'ticket-43')).stdout).toContain('-100 points')
    const balance = await runCli('balance', card, '--db', db, '--at', AT, '--json')
    expect(JSON.parse(balance.stdout).available).toBe(150)
  })

  it('refuses bad input with exit 2 and books nothing: zero, a fraction, an empty reason, an unknown card', async () => {
    const db = join(dir, 'bad.db')
    const card = (await runCli('card', 'new', '--db', db)).stdout.trim()
    const run = (...args: string[]) => runCli('points', 'adjust', ...args, '--key', 'k', '--at', AT, '--db', db)
    expect((await run(card, '--points', '0', '--reason', 'r')).stderr).toMatch(
      /--points must be a whole number other than 0/,
    )
    expect((await run(card, '--points', '1.5', '--reason', 'r')).code).toBe(2)
    expect((await run(card, '--points', '10', '--reason', '  ')).stderr).toMatch(/--reason must say who asked and why/)
    const unknown = await run('2900000000000', '--points', '10', '--reason', 'r')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/card/i)
    expect(JSON.parse((await runCli('balance', card, '--db', db, '--at', AT, '--json')).stdout).available).toBe(0)
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStores } from '@tessera/store-sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-member-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const AT = '2026-11-26T10:00:00+01:00'

/** A member with a card, 250 points, a profile and one purchase in the checkout store. */
const seeded = async (db: string) => {
  const stores = openSqliteStores({ file: db })
  try {
    // The personal data a shop holds, enrolled through the store (the CLI enrols with none).
    const joinedAt = Date.parse('2026-01-05T09:00:00Z')
    const profile = { name: 'Ada Lovelace', email: 'ada@example.org' }
    expect((await stores.loyalty.saveMember({ memberId: 'ada', programId: 'club', joinedAt, profile }))._tag).toBe(
      'Right',
    )
    await stores.checkout.importPurchases([
      {
        customer: 'member:ada',
        id: 'till-1/2026-11-20/42',
        at: '2026-11-20T18:00:00+01:00',
        amount: 4_250,
        points: 42,
      },
    ])
  } finally {
    await stores.close()
  }
  const card = (await runCli('card', 'new', '--member', 'ada', '--db', db)).stdout.trim()
  const adjust = ['points', 'adjust', card, '--points', '250', '--reason', 'welcome', '--key', 'w1', '--at', AT]
  expect((await runCli(...adjust, '--db', db)).code).toBe(0)
  return card
}

describe('tessera member export | erase', () => {
  it('exports the record, cards, accounts with balances and entries, and purchases, as JSON', async () => {
    const db = join(dir, 'export.db')
    const card = await seeded(db)
    const out = await runCli('member', 'export', 'ada', '--at', AT, '--db', db)
    expect(out.code).toBe(0)
    const data = JSON.parse(out.stdout)
    expect(data.member).toMatchObject({ memberId: 'ada', profile: { name: 'Ada Lovelace' } })
    expect(data.cards.map((c: { number: string }) => c.number)).toEqual([card])
    expect(data.accounts).toHaveLength(1)
    expect(data.accounts[0].balance.available).toBe(250)
    expect(data.accounts[0].entries.map((e: { kind: string }) => e.kind)).toEqual(['adjust'])
    expect(data.purchases).toEqual([
      {
        customer: 'member:ada',
        id: 'till-1/2026-11-20/42',
        at: '2026-11-20T18:00:00+01:00',
        amount: 4_250,
        points: 42,
      },
    ])
  })

  it('erases only with --yes, blocks the card, keeps the points and a clean ledger check, and is idempotent', async () => {
    const db = join(dir, 'erase.db')
    const card = await seeded(db)
    const unconfirmed = await runCli('member', 'erase', 'ada', '--db', db)
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toMatch(/cannot be undone.*tessera member export ada.*--yes/)
    const erased = await runCli('member', 'erase', 'ada', '--yes', '--db', db)
    expect(erased.code).toBe(0)
    expect(erased.stdout).toBe(`erased ada: personal data removed, card(s) ${card} blocked; points and ledger kept\n`)
    const after = JSON.parse((await runCli('member', 'export', 'ada', '--at', AT, '--db', db)).stdout)
    expect(Object.keys(after.member).sort()).toEqual(['erasedAt', 'joinedAt', 'memberId', 'programId'])
    expect(JSON.stringify(after.member)).not.toMatch(/Ada|example/)
    expect(after.cards[0].status).toBe('blocked')
    expect(after.accounts[0].balance.available).toBe(250)
    const check = await runCli('ledger', 'check', '--db', db)
    expect(check.code).toBe(0)
    expect((await runCli('member', 'erase', 'ada', '--yes', '--db', db)).stdout).toMatch(
      /was already erased on .*nothing changed/,
    )
  })

  it('refuses an unknown member, an id with spaces and a bad --at with exit 2', async () => {
    const db = join(dir, 'bad.db')
    await seeded(db)
    const unknown = await runCli('member', 'export', 'bob', '--db', db)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/member bob does not exist/)
    expect((await runCli('member', 'erase', ' ada', '--yes', '--db', db)).stderr).toMatch(/without spaces around it/)
    expect((await runCli('member', 'export', 'ada', '--at', 'yesterday', '--db', db)).stderr).toMatch(
      /--at must be an ISO-8601 date-time/,
    )
  })
})

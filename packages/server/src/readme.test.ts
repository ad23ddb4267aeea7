import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Program } from '@tessera/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AT, CAMPAIGNS, fixedAt } from '../test/world.js'
import { createApiKey } from './keys.js'
import { type Started, startServer } from './start.js'

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8')
const conversation = /```sh\n(set -eu[\s\S]*?)```/.exec(readme)?.[1]

let dir: string
let started: Started
let key: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-readme-'))
  started = await startServer({
    location: { file: join(dir, 'shop.sqlite') },
    campaigns: CAMPAIGNS,
    program: { id: 'club', earn: { points: 1, per: 100 }, pendingDays: 14 } as Program,
    keys: { keyring: { K1: new Uint8Array(32).fill(3) }, keyId: 'K1' },
    clock: fixedAt(AT),
  })
  key = (await createApiKey(started.stores.server, { shop: '0042', till: '01', atMs: 0 })).key
})
afterAll(async () => {
  await started?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the README', () => {
  it("runs the till's curl conversation against a real server", async () => {
    expect(conversation).toBeDefined()
    const { stdout } = await promisify(execFile)('bash', ['-c', conversation as string], {
      env: { ...process.env, TESSERA: started.url, KEY: key, SHOP: '0042', RUN: 'readme-1' },
    })
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toBe('{"status":"ok"}')
    expect(lines[1]).toMatch(/^card 29\d{11}$/)
    expect(lines.slice(2)).toEqual([
      '628', // 698 - 10 %
      '6', // points earned on 6.28 €
      'idempotent-replayed: true',
      '6', // pending for 14 days
      '314', // one jar: 349 less its 35 of discount
      'basket.id',
    ])
  })
})

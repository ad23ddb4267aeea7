import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PostingResult } from '@tessera/core'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from './database.js'
import { openSqliteStore } from './store.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../../..')
const dir = mkdtempSync(join(tmpdir(), 'tessera-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What the writer acknowledged before it died: keys booked (`ok`) and refused (`no`). */
interface Acknowledged {
  readonly ok: Set<string>
  readonly refused: Set<string>
}

/** Starts the writer, waits until it has acknowledged `atLeast` postings, then SIGKILLs it mid-stream. */
const runAndKill = (file: string, round: number, atLeast: number) =>
  new Promise<Acknowledged>((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@tessera/source', join(here, 'crashWriter.ts'), file, String(round)],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const acknowledged: Acknowledged = { ok: new Set(), refused: new Set() }
    let pending = ''
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += String(d)
    })
    child.stdout.on('data', (d: Buffer) => {
      pending += String(d)
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const [verdict, key] = line.split(' ')
        if (key === undefined) continue
        ;(verdict === 'ok' ? acknowledged.ok : acknowledged.refused).add(key)
      }
      if (acknowledged.ok.size + acknowledged.refused.size >= atLeast && !child.killed) child.kill('SIGKILL')
    })
    // 'close', not 'exit': every line the writer printed before it died has been read by then.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') done(acknowledged)
      else fail(new Error(`writer exited with ${code} before it was killed:\n${stderr}`))
    })
  })

describe('sqlite store after a crash', () => {
  it('a writer SIGKILLed mid-batch leaves every posting whole or absent, and check() clean', async () => {
    const file = join(dir, 'crash.db')
    for (let round = 0; round < 3; round++) {
      const acknowledged = await runAndKill(file, round, 60 + round * 37)

      // Reopened (recovering the WAL), the ledger is consistent…
      const store = openSqliteStore({ file })
      const report = await store.check()
      await store.close()
      expect(report._tag === 'Right' && report.right.problems).toEqual([])

      // …and each posting is either fully there (its record and every entry it wrote) or absent.
      const raw = openDatabase({ file })
      const postings = raw.prepare('SELECT key, result FROM postings').all() as { key: string; result: string }[]
      const entries = raw.prepare('SELECT entry_id, key FROM entries').all() as { entry_id: string; key: string }[]
      raw.close()
      const entryIds = new Set(entries.map((e) => e.entry_id))
      const postingKeys = new Set(postings.map((p) => p.key))
      for (const p of postings) {
        const result = JSON.parse(p.result) as PostingResult
        for (const e of result.entries) expect(entryIds.has(e.entryId)).toBe(true)
      }
      for (const e of entries) expect(postingKeys.has(e.key)).toBe(true)
      // Every posting acknowledged as booked survived (synchronous=FULL); none refused was written;
      // at most one more (the one in flight when the kill came) may have committed unacknowledged.
      const present = new Set([...postingKeys].filter((k) => k.startsWith(`r${round}-`)))
      for (const key of acknowledged.ok) expect(present.has(key)).toBe(true)
      for (const key of acknowledged.refused) expect(present.has(key)).toBe(false)
      expect(present.size - acknowledged.ok.size).toBeLessThanOrEqual(1)
      expect(acknowledged.ok.size).toBeGreaterThan(0)
    }
  }, 120_000)
})

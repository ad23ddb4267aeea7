import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'tessera-simulate-memory-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const bin = fileURLToPath(new URL('../bin.ts', import.meta.url))
/** The heap the child CLI gets: about what loading it takes, far less than the long history below. */
const HEAP_MB = 64
/** Characters of the (unknown, allowed) `note` of each line: long lines make a large file from few baskets. */
const PAD = 30_000

/** A history of `n` anonymous baskets, one a minute, each line about 30 kB: in time order, or reversed. */
const history = (name: string, n: number, order: 'sorted' | 'reversed') => {
  const path = join(dir, name)
  const note = 'x'.repeat(PAD)
  const from = Date.parse('2026-10-01T08:00:00Z')
  const lines: string[] = []
  for (let i = 0; i < n; i++) {
    const j = order === 'reversed' ? n - 1 - i : i
    const basket = {
      id: `T-${j}`,
      storeId: '0042',
      terminalId: '01',
      channel: 'store',
      currency: 'EUR',
      pricesIncludeTax: true,
      at: new Date(from + j * 60_000).toISOString(),
      lines: [{ id: '1', sku: 'A', quantity: 1, unitPrice: 1000, amount: 1000, categories: ['grocery'] }],
    }
    lines.push(JSON.stringify({ basket, note }))
  }
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

const draft = join(dir, 'draft.json')
writeFileSync(
  draft,
  JSON.stringify([{ id: 'ten-off', status: 'active', reward: { percentOff: { of: '*', percent: 10 } } }]),
)
// Reports the child's peak resident memory on its way out.
const peak = join(dir, 'peak.mjs')
writeFileSync(
  peak,
  "process.on('exit', () => process.stderr.write('peak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'))\n",
)

/** `tessera simulate` in a child process whose heap is {@link HEAP_MB} MB. */
const simulate = (file: string, workers: number) => {
  const r = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MB}`,
      '--import',
      'tsx',
      '--conditions=@tessera/source',
      '--import',
      peak,
      bin,
      'simulate',
      '--history',
      file,
      '--campaigns',
      draft,
      '--workers',
      String(workers),
      '--json',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 },
  )
  const rss = Number(/peak-rss-kb=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN)
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, rss }
}

describe('tessera simulate --history, streamed', () => {
  it('replays a history twice as large as its heap, on one thread and in workers, its peak memory flat as the history grows', () => {
    const n = 1_000
    const small = history('small.jsonl', n, 'sorted')
    const large = history('large.jsonl', 4 * n, 'sorted')
    // 4,000 lines of 30 kB: 120 MB of text, against a 64 MB heap.
    const one = simulate(small, 1)
    expect(one.status, one.stderr).toBe(0)
    expect(JSON.parse(one.stdout)).toMatchObject({ baskets: n, discountCost: n * 100 })
    for (const workers of [1, 2]) {
      const four = simulate(large, workers)
      expect(four.status, four.stderr).toBe(0)
      expect(JSON.parse(four.stdout)).toMatchObject({ baskets: 4 * n, discountCost: 4 * n * 100, skipped: [] })
      if (workers === 1) {
        // Four times the history, not four times the memory: the peak grows by less than the small file's size (30 MB).
        expect(four.rss - one.rss).toBeLessThan((n * PAD) / 1024)
      }
    }
    // The same lines out of order are read whole (the fallback): that does not fit the heap, which shows the cap bites.
    const reversed = simulate(history('reversed.jsonl', 4 * n, 'reversed'), 1)
    expect(reversed.stderr).toMatch(/reversed\.jsonl: line 2 is earlier than line 1 before it/)
    expect(reversed.status === 0 && reversed.signal === null).toBe(false)
  }, 180_000)
})

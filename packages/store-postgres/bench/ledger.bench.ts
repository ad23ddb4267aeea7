/**
 * The ledger benchmark (DESIGN §8): Postgres postings per second with 8 and 16 concurrent workers,
 * each on its own members, against pgbench tpcb-like at the same client counts on the same server
 * for the same duration; and SQLite durable postings per second with a single writer.
 *
 *   pnpm bench:ledger            (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 *                                 BENCH_SECONDS, default 10)
 *
 * Run it from the repository root (as `pnpm bench:ledger` does): the posting threads load tsx from
 * there. Needs pgbench (on PATH or in /usr/lib/postgresql/15/bin).
 *
 * Prints a table, then ONE JSON line last.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import type { LoyaltyStore } from '@tessera/core'
import { openSqliteStore } from '@tessera/store-sqlite'
import { openPostgresStore } from '../src/store.js'
import { createTestDatabase } from '../src/testing.js'
import { initPgbench, runPgbench } from './pgbench.js'

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const MEMBERS_PER_WORKER = 200
const T0 = Date.parse('2026-11-26T10:00:00Z')
const YEAR = 365 * 86_400_000
/** Tessera's workers run on this many threads, as pgbench's clients run on `-j 2` threads. */
const THREADS = 2

/** Opens `members` accounts for one worker. */
const openMembers = async (store: LoyaltyStore, prefix: string, members: number): Promise<string[]> => {
  const ids: string[] = []
  for (let m = 0; m < members; m++) {
    const accountId = `${prefix}-m${m}`
    const opened = await store.openAccount({ accountId, programId: 'club', at: T0 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    ids.push(accountId)
  }
  return ids
}

/** Earn postings on `workers` loops, each on its own members, round robin. */
const poster = async (store: LoyaltyStore, label: string, workers: number) => {
  const members = await Promise.all(
    Array.from({ length: workers }, (_, w) => openMembers(store, `${label}-w${w}`, MEMBERS_PER_WORKER)),
  )
  const next = members.map(() => 0)
  /**
   * Posts for `seconds` and returns how many postings were booked: each an earn with its
   * idempotency key, a lot pending 14 days and expiring in two years, and the balance row.
   */
  return async (seconds: number): Promise<number> => {
    let posted = 0
    const deadline = performance.now() + seconds * 1000
    await Promise.all(
      members.map(async (accounts, w) => {
        while (performance.now() < deadline) {
          const i = next[w]!++
          const at = T0 + i * 1000
          const result = await store.post({
            kind: 'earn',
            key: `${label}-w${w}-${i}`,
            at,
            account: { accountId: accounts[i % accounts.length]! },
            points: 1 + (i % 97),
            availableFrom: at + 14 * 86_400_000,
            expiresAt: at + 2 * YEAR,
          })
          if (result._tag === 'Left') throw new Error(result.left.message)
          posted++
        }
      }),
    )
    return posted
  }
}

/** What a posting thread is told: post for `seconds` (answering with a count), or stop. */
type Command = { readonly seconds: number } | { readonly stop: true }
/** What a posting thread answers. */
type Report = { readonly ready: true } | { readonly posted: number; readonly seconds: number }

/** A posting thread: its own pool and its share of the workers, driven by {@link Command}s. */
const postingThread = async () => {
  const { url, label, workers } = workerData as { url: string; label: string; workers: number }
  const port = parentPort!
  const store = await openPostgresStore({ connectionString: url, maxConnections: workers })
  const post = await poster(store, label, workers)
  port.on('message', async (command: Command) => {
    if ('stop' in command) {
      await store.close()
      port.close()
      return
    }
    const started = performance.now()
    const posted = await post(command.seconds)
    port.postMessage({ posted, seconds: (performance.now() - started) / 1000 } satisfies Report)
  })
  port.postMessage({ ready: true } satisfies Report)
}

/** Starts a posting thread and resolves once its members are open. */
const startThread = (url: string, label: string, workers: number) =>
  new Promise<Worker>((resolve, reject) => {
    // A worker thread does not inherit tsx's loader: register it (from the repo root), then load
    // this very file, which runs postingThread() off the main thread.
    const boot = `(async () => {
      const { register } = await import('tsx/esm/api')
      register()
      await import(${JSON.stringify(import.meta.url)})
    })()`
    const worker = new Worker(boot, {
      eval: true,
      workerData: { url, label, workers },
      execArgv: ['--conditions=@tessera/source'],
    })
    worker.once('error', reject)
    worker.once('message', () => resolve(worker))
  })

const ask = (worker: Worker, command: Command) =>
  new Promise<{ posted: number; seconds: number }>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('message', resolve)
    worker.postMessage(command)
  })

/**
 * Tessera on Postgres against pgbench at one client count. Tessera's workers are split over
 * {@link THREADS} threads, each with its own pool, as pgbench's clients are over `-j 2`. The two
 * alternate in 2-second slices (T P T P …), so that a change in the machine's load during the run
 * weighs on both alike. Returns postings/s and tps.
 */
const compare = async (pgbenchUrl: string, clients: number): Promise<{ tessera: number; pgbench: number }> => {
  const db = await createTestDatabase(SERVER)
  // Migrate once, before the threads open their stores.
  await (await openPostgresStore({ connectionString: db.url, maxConnections: 1 })).close()
  const threads: Worker[] = []
  try {
    for (let t = 0; t < THREADS; t++) {
      threads.push(await startThread(db.url, `pg${clients}-t${t}`, Math.ceil(clients / THREADS)))
    }
    // pgbench takes whole seconds: slices of 2 s (1 s for a run shorter than 4 s).
    const slice = SECONDS >= 4 ? 2 : 1
    const slices = Math.max(1, Math.round(SECONDS / slice))
    let posted = 0
    let transactions = 0
    // Count over the time actually spent (the last postings finish a little after the deadline).
    let tesseraSeconds = 0
    for (let s = 0; s < slices; s++) {
      const reports = await Promise.all(threads.map((t) => ask(t, { seconds: slice })))
      posted += reports.reduce((sum, r) => sum + r.posted, 0)
      tesseraSeconds += Math.max(...reports.map((r) => r.seconds))
      transactions += (await runPgbench(pgbenchUrl, clients, 2, slice)) * slice
    }
    return { tessera: posted / tesseraSeconds, pgbench: transactions / (slices * slice) }
  } finally {
    for (const t of threads) t.postMessage({ stop: true } satisfies Command)
    await Promise.all(threads.map((t) => new Promise((resolve) => t.once('exit', resolve))))
    await db.drop()
  }
}

const sqlitePostings = async (): Promise<number> => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'))
  try {
    const store = openSqliteStore({ file: join(dir, 'ledger.db') })
    try {
      const post = await poster(store, 'sqlite', 1)
      const started = performance.now()
      const posted = await post(SECONDS)
      return posted / ((performance.now() - started) / 1000)
    } finally {
      await store.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const main = async () => {
  const pgbenchDb = await createTestDatabase(SERVER)
  const figures: Record<number, { tessera: number; pgbench: number }> = {}
  try {
    // Scale 16: one pgbench branch per client, as each Tessera worker has its own members.
    await initPgbench(pgbenchDb.url, 16)
    for (const clients of [8, 16]) figures[clients] = await compare(pgbenchDb.url, clients)
  } finally {
    await pgbenchDb.drop()
  }
  const sqlite = await sqlitePostings()
  const round = (n: number) => Math.round(n)
  const ratio = (c: number) => Math.round((figures[c]!.tessera / figures[c]!.pgbench) * 100) / 100
  const lines = [
    `ledger benchmark: ${SECONDS} s per run (alternating 2 s slices with pgbench; Tessera on ${THREADS} threads like pgbench -j 2), earn postings (key + lot + balance row), server ${new URL(SERVER).host}`,
    '',
    '| clients | tessera postings/s | pgbench tpcb-like tps | ratio |',
    '| ---: | ---: | ---: | ---: |',
    ...[8, 16].map(
      (c) => `| ${c} | ${round(figures[c]!.tessera)} | ${round(figures[c]!.pgbench)} | ${ratio(c).toFixed(2)} |`,
    ),
    '',
    `SQLite (WAL, synchronous=FULL), one writer: ${round(sqlite)} postings/s`,
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  process.stdout.write(
    `${JSON.stringify({
      clients: 16,
      tessera_postings_per_s: round(figures[16]!.tessera),
      pgbench_tps: round(figures[16]!.pgbench),
      ratio: ratio(16),
      sqlite_postings_per_s: round(sqlite),
      clients_8_tessera_postings_per_s: round(figures[8]!.tessera),
      clients_8_pgbench_tps: round(figures[8]!.pgbench),
      clients_8_ratio: ratio(8),
      seconds: SECONDS,
    })}\n`,
  )
}

if (isMainThread) {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  })
} else {
  await postingThread()
}

/**
 * The sync benchmark (issue 13): entries per second from 8 tills' SQLite outboxes through JetStream
 * into the head office's PostgreSQL (the publishers, the durable consumer, one SERIALIZABLE
 * transaction per fetched batch, the events outbox written in it), beside a bare JetStream
 * publish-and-consume of messages of the same size, from the same Node client, in the same run;
 * and the catch-up after a 10-minute outage: the entries N busy tills write while the link is down,
 * then the time from the link's return until the head office has applied them all.
 *
 *   pnpm bench:sync     (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 *                        BENCH_TILLS, default 8; BENCH_ENTRIES per till, default 1500;
 *                        BENCH_ROUNDS, default 2; BENCH_SALES_PER_MINUTE per till, default 2)
 *
 * Loopback only: it starts its own nats-server on a free 127.0.0.1 port and creates (and drops)
 * a database of its own. Bounded: every wait gives up after 120 s. Prints a table, then ONE JSON
 * line last.
 *
 * The outboxes are filled directly with close entries of the shape a till writes (a card's earn
 * posting on one of 60 members, the members' campaign usage, one sale in 20 with a single-use
 * code), each with a fresh UUID v7: writing them is the till's booking, not the path measured.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { createTestDatabase } from '@tessera/store-postgres'
import Database from 'better-sqlite3'
import pg from 'pg'
import { newEntryId, type SyncEntry } from '../src/entry/entry.js'
import { createHeadOfficeConsumer } from '../src/headoffice/consumer.js'
import { migrateHeadOffice } from '../src/headoffice/schema.js'
import { startNatsServer } from '../src/nats/server.js'
import { ensureSyncStream } from '../src/nats/stream.js'
import { createPublisher, type Publisher } from '../src/publisher/publisher.js'
import { migrateOutbox } from '../src/till/outbox.js'
import { openOutboxReader } from '../src/till/till.js'

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const TILLS = Number(process.env.BENCH_TILLS ?? 8)
const PER_TILL = Number(process.env.BENCH_ENTRIES ?? 1500)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
/** A busy lane: a customer every 30 s. About 1.15 entries per sale (closes, rewards, returns, voids). */
const SALES_PER_MINUTE = Number(process.env.BENCH_SALES_PER_MINUTE ?? 2)
const ENTRIES_PER_SALE = 1.15
const OUTAGE_MINUTES = 10
const OUTAGE_TILLS = [TILLS, TILLS * 8]
const MEMBERS = 60
const BATCH = Number(process.env.BENCH_BATCH ?? 256)
const TIMEOUT_MS = 120_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const until = async (what: string, done: () => Promise<boolean>, pollMs = 20) => {
  const t0 = Date.now()
  while (!(await done())) {
    if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`bench:sync: ${what} did not finish within ${TIMEOUT_MS} ms`)
    await sleep(pollMs)
  }
}

/** A close entry as a till writes it (see `till/outbox.ts`). */
const closeEntry = (till: string, seq: number, atMs: number): SyncEntry => {
  const ref = `${till}-S-${seq}`
  const member = (seq * 7 + till.length * 13) % MEMBERS
  const total = 1200 + ((seq * 37) % 4000)
  const coded = seq % 20 === 0
  return {
    v: 1,
    id: newEntryId(),
    till,
    seq,
    kind: 'close',
    atMs,
    ref,
    offline: false,
    postings: [{ entryId: ref, accountId: `enrol:member-${member}`, kind: 'earn', points: Math.floor(total / 100) }],
    codes: coded ? [{ code: `${till}-C-${seq}`, pool: 'COUPON', campaignId: 'coupon-2', discount: 200 }] : [],
    campaigns: [
      { campaignId: 'members-5', redemptions: 1, discountSpent: Math.round(total * 0.05), pointsSpent: 0 },
      ...(coded ? [{ campaignId: 'coupon-2', redemptions: 1, discountSpent: 200, pointsSpent: 0 }] : []),
    ],
    accounts: [],
    cards: [],
    total,
    card: `29${String(member).padStart(11, '0')}`,
  }
}

/** Fills a till's outbox file with `count` entries after `from`, their times spread from `t0` by `stepMs`. */
const fillOutbox = (file: string, till: string, from: number, count: number, t0: number, stepMs: number) => {
  const db = new Database(file)
  try {
    migrateOutbox(db)
    const insert = db.prepare('INSERT INTO sync_outbox (seq, id, kind, at_ms, body) VALUES (?, ?, ?, ?, ?)')
    let bytes = 0
    db.transaction(() => {
      for (let i = 1; i <= count; i++) {
        const e = closeEntry(till, from + i, Math.round(t0 + i * stepMs))
        const body = JSON.stringify(e)
        bytes += Buffer.byteLength(body)
        insert.run(e.seq, e.id, e.kind, e.atMs, body)
      }
    })()
    return bytes
  } finally {
    db.close()
  }
}

interface World {
  readonly nc: NatsConnection
  readonly pool: pg.Pool
  readonly dir: string
  readonly stop: () => Promise<void>
  readonly nats: Awaited<ReturnType<typeof startNatsServer>>
}

const openWorld = async (): Promise<World> => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-sync-'))
  const nats = await startNatsServer()
  const db = await createTestDatabase(SERVER)
  const pool = new pg.Pool({ connectionString: db.url, max: 4 })
  await migrateHeadOffice(pool)
  await pool.query(
    `INSERT INTO sync_accounts (account_id, points, opening, lowest)
     SELECT 'enrol:member-' || g, 120, 120, 0 FROM generate_series(0, ${MEMBERS - 1}) g`,
  )
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 })
  await ensureSyncStream(nc)
  return {
    nc,
    pool,
    dir,
    nats,
    stop: async () => {
      await nc.close()
      await pool.end()
      await db.drop()
      await nats.dispose()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const applied = async (pool: pg.Pool) =>
  Number((await pool.query('SELECT coalesce(sum(applied), 0) AS n FROM sync_tills')).rows[0].n)

/** Starts one publisher per till file on `nc`; answers a stop. */
const publishers = (world: World, files: readonly string[]) => {
  const running: { publisher: Publisher; close: () => Promise<void> }[] = files.map((file) => {
    const reader = openOutboxReader(file)
    return {
      publisher: createPublisher({
        reader,
        nc: world.nc,
        batchSize: BATCH,
        ackTimeoutMs: 2000,
        retryMs: 50,
        idleMs: 10,
      }),
      close: reader.close,
    }
  })
  for (const r of running) void r.publisher.run()
  return async () => {
    for (const r of running) {
      await r.publisher.stop()
      await r.close()
    }
  }
}

/** The whole path: outboxes already full, publishers and the consumer started together; until all applied. */
const tesseraRound = async (world: World, round: number) => {
  const files = Array.from({ length: TILLS }, (_, t) => join(world.dir, `r${round}-till-${t + 1}.db`))
  let bytes = 0
  const before = await applied(world.pool)
  for (const [t, file] of files.entries()) bytes += fillOutbox(file, `R${round}T${t + 1}`, 0, PER_TILL, Date.now(), 10)
  const total = TILLS * PER_TILL
  const consumer = createHeadOfficeConsumer({ nc: world.nc, pool: world.pool, batchSize: BATCH })
  const t0 = performance.now()
  const stopPublishers = publishers(world, files)
  void consumer.run()
  await until('the sync', async () => (await applied(world.pool)) - before >= total)
  const seconds = (performance.now() - t0) / 1000
  await stopPublishers()
  await consumer.stop()
  return { rate: total / seconds, seconds, total, avgBytes: Math.round(bytes / total) }
}

/** Bare JetStream: the same count of messages of the same size, published like the publisher (batches of 256, Nats-Msg-Id, expected stream) by 8 concurrent producers, pulled in batches of 256 and acked. */
const bareRound = async (world: World, round: number, size: number) => {
  const name = `BENCH_BARE_${round}`
  const jsm = await jetstreamManager(world.nc)
  await jsm.streams.add({ name, subjects: [`bench.bare${round}.>`], storage: StorageType.File })
  await jsm.consumers.add(name, {
    durable_name: 'bare',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: 20_000,
  })
  const js = jetstream(world.nc)
  const consumer = await js.consumers.get(name, 'bare')
  const payload = new Uint8Array(size).fill(120)
  const total = TILLS * PER_TILL
  let consumed = 0
  const t0 = performance.now()
  const produce = async (t: number) => {
    for (let i = 0; i < PER_TILL; i += BATCH) {
      const n = Math.min(BATCH, PER_TILL - i)
      await Promise.all(
        Array.from({ length: n }, (_, k) =>
          js.publish(`bench.bare${round}.T${t}`, payload, {
            msgID: `${round}-${t}-${i + k}`,
            expect: { streamName: name },
            timeout: 2000,
          }),
        ),
      )
    }
  }
  const consume = async () => {
    while (consumed < total) {
      const messages = await consumer.fetch({ max_messages: BATCH, expires: 1000 })
      for await (const m of messages) {
        m.ack()
        consumed++
      }
    }
  }
  await Promise.all([...Array.from({ length: TILLS }, (_, t) => produce(t)), consume()])
  const seconds = (performance.now() - t0) / 1000
  await jsm.streams.delete(name)
  return { rate: total / seconds, seconds, total }
}

/** N tills sell through a 10-minute cut at a busy lane's rate; the link comes back; until all applied. */
const outage = async (world: World, tills: number) => {
  const perTill = Math.round(OUTAGE_MINUTES * SALES_PER_MINUTE * ENTRIES_PER_SALE)
  const files = Array.from({ length: tills }, (_, t) => join(world.dir, `outage-${tills}-till-${t + 1}.db`))
  const before = await applied(world.pool)
  const consumer = createHeadOfficeConsumer({ nc: world.nc, pool: world.pool, batchSize: BATCH })
  void consumer.run()
  const stopPublishers = publishers(world, files)
  await world.nats.stop()
  // The ten minutes' entries, timed as they were sold (one every 60 / (rate × 1.15) s).
  const cutAt = Date.now() - OUTAGE_MINUTES * 60_000
  const step = (OUTAGE_MINUTES * 60_000) / perTill
  for (const [t, file] of files.entries()) fillOutbox(file, `O${tills}T${t + 1}`, 0, perTill, cutAt, step)
  await sleep(500) // the publishers find the link down and wait
  const t0 = performance.now()
  await world.nats.start()
  const total = tills * perTill
  const readers = files.map((f) => openOutboxReader(f))
  let publishedS: number | undefined
  await until(
    'the catch-up',
    async () => {
      if (publishedS === undefined) {
        let acked = 0
        for (const r of readers) acked += (await r.position()).ackedSeq
        if (acked >= total) publishedS = (performance.now() - t0) / 1000
      }
      return (await applied(world.pool)) - before >= total
    },
    10,
  )
  const seconds = (performance.now() - t0) / 1000
  for (const r of readers) await r.close()
  await stopPublishers()
  await consumer.stop()
  return { tills, entries: total, perTill, seconds, publishedS: publishedS ?? seconds }
}

const main = async () => {
  const world = await openWorld()
  try {
    const tessera: { rate: number; seconds: number; avgBytes: number }[] = []
    const bare: { rate: number; seconds: number }[] = []
    // A warm-up of each (JIT, the stream's files, the tables' first pages), not counted.
    const warm = await tesseraRound(world, 0)
    await bareRound(world, 0, warm.avgBytes)
    for (let r = 1; r <= ROUNDS; r++) {
      const t = await tesseraRound(world, r)
      tessera.push(t)
      bare.push(await bareRound(world, r, t.avgBytes))
    }
    const outages = []
    for (const tills of OUTAGE_TILLS) outages.push(await outage(world, tills))
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
    const tRate = median(tessera.map((t) => t.rate))
    const bRate = median(bare.map((b) => b.rate))
    const ratio = Math.round((tRate / bRate) * 100) / 100
    const size = tessera[0]?.avgBytes ?? 0
    const lines = [
      `sync benchmark: ${TILLS} tills × ${PER_TILL} entries (${size} bytes each on average), ${ROUNDS} rounds after a warm-up, median; batches of ${BATCH}; own nats-server on 127.0.0.1, PostgreSQL ${new URL(SERVER).host}`,
      '',
      '| path | entries/s | rounds (s) |',
      '| --- | ---: | --- |',
      `| tessera: outbox → JetStream → consumer → PostgreSQL (SERIALIZABLE, events outbox) | ${Math.round(tRate)} | ${tessera.map((t) => t.seconds.toFixed(2)).join(', ')} |`,
      `| bare JetStream publish + pull consume, same size, same client | ${Math.round(bRate)} | ${bare.map((b) => b.seconds.toFixed(2)).join(', ')} |`,
      `| ratio (target ≥ 0.5) | ${ratio.toFixed(2)} | |`,
      '',
      `catch-up after a ${OUTAGE_MINUTES}-minute outage (${SALES_PER_MINUTE} sales/min per till × ${ENTRIES_PER_SALE} entries per sale):`,
      '',
      '| tills | entries waiting | all published (s) | all applied: catch-up (s) |',
      '| ---: | ---: | ---: | ---: |',
      ...outages.map((o) => `| ${o.tills} | ${o.entries} | ${o.publishedS.toFixed(2)} | ${o.seconds.toFixed(2)} |`),
      '',
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
    const [first, second] = outages
    process.stdout.write(
      `${JSON.stringify({
        tills: TILLS,
        entries: TILLS * PER_TILL,
        entry_bytes: size,
        tessera_entries_per_s: Math.round(tRate),
        bare_jetstream_msgs_per_s: Math.round(bRate),
        ratio,
        target_ratio: 0.5,
        outage_minutes: OUTAGE_MINUTES,
        outage_tills: first?.tills,
        outage_entries: first?.entries,
        catchup_s: first === undefined ? undefined : Math.round(first.seconds * 100) / 100,
        outage_tills_large: second?.tills,
        outage_entries_large: second?.entries,
        catchup_large_s: second === undefined ? undefined : Math.round(second.seconds * 100) / 100,
        rounds: ROUNDS,
      })}\n`,
    )
  } finally {
    await world.stop()
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(1)
  })

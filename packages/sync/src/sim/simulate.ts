import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Basket, type Campaign, createLoyaltyHost, type Program } from '@tessera/core'
import { createTestDatabase } from '@tessera/store-postgres'
import { openSqliteStores } from '@tessera/store-sqlite'
import Database from 'better-sqlite3'
import pg from 'pg'
import { createHeadOfficeConsumer, type HeadOfficeConsumer } from '../headoffice/consumer.js'
import {
  campaignReports,
  consistencyCheck,
  provisionAccounts,
  provisionBudgets,
  tillsApplied,
} from '../headoffice/report.js'
import { migrateHeadOffice } from '../headoffice/schema.js'
import { startNatsServer } from '../nats/server.js'
import { ensureSyncStream } from '../nats/stream.js'
import { createFactsClient, openLastKnown, serveFacts } from '../online/facts.js'
import { createPublisher, type Publisher } from '../publisher/publisher.js'
import { withSaleContext } from '../till/outbox.js'
import { openOutboxReader, openTill } from '../till/till.js'
import { openLink } from './link.js'
import { type SellingTill, SIM_AT, seeded, sellOne } from './sellingTill.js'

/** The simulation's program and campaigns: points per euro, a 50-point voucher, coupons, a budgeted members' discount. */
export const SIM_PROGRAM: Program = {
  id: 'club',
  earn: { points: 1, per: 100 },
  rewards: [{ id: 'voucher-5', cost: 50, grants: { amountOff: { of: 'basket', amount: 500 } } }],
}
export const SIM_CAMPAIGNS: readonly Campaign[] = [
  {
    id: 'coupon-2',
    status: 'active',
    code: { required: true, pool: 'COUPON' },
    reward: { amountOff: { of: 'basket', amount: 200 } },
  },
  {
    id: 'members-5',
    status: 'active',
    eligibility: { cardRequired: true },
    reward: { percentOff: { of: '*', percent: 5 } },
    limits: { budget: { discount: 200_000 } },
  },
]
const OPENING_POINTS = 120

/** How the link-cut simulation runs. @category sync */
export interface SimulationOptions {
  readonly tills?: number
  readonly transactions?: number
  readonly members?: number
  readonly codes?: number
  /**
   * Members whose card every till, once the link is cut, uses for rewards until its own ledger
   * refuses: together the tills redeem more than the member has, a debt at the head office. Default 3.
   */
  readonly debtors?: number
  /** The PostgreSQL server (a database of its own is created on it and dropped after). */
  readonly databaseUrl: string
  readonly seed?: number
  readonly log?: (line: string) => void
  /** How long the sync may take once the link is back, in ms. Default 600 s. */
  readonly syncTimeoutMs?: number
  /**
   * Replaces the in-process publishers and consumer (fault injection: child processes killed and
   * restarted). Called with the NATS url, the database url and the tills' files once the link is
   * up; its `stop` is awaited after the sync.
   */
  readonly pipeline?: (ctx: PipelineContext) => Promise<{ readonly stop: () => Promise<void> }>
}

/** What a custom pipeline gets. @category sync */
export interface PipelineContext {
  readonly natsUrl: string
  readonly databaseUrl: string
  readonly files: readonly string[]
}

/** The simulation's last line. @category sync */
export interface SimulationResult {
  readonly tills: number
  readonly transactions: number
  readonly lost: number
  readonly doubled: number
  readonly conflictsCreated: number
  readonly conflictsReported: number
  readonly seconds: number
  readonly entries: number
  readonly offlineSales: number
  readonly ledgerMatches: boolean
  /** Accounts the head office reported in debt after the sync (offline redemptions past the balance). */
  readonly debtors: number
  /** Their debt in all, in points. */
  readonly debt: number
  /** The debts reported are exactly the accounts whose opening plus every till's postings is below zero, to the point. */
  readonly debtsMatch: boolean
  /** Accounts in debt that the next earnings (an online sale each, after the sync) brought back to zero or above. */
  readonly debtsRepaid: number
  /** Accounts still in debt at the end. */
  readonly accountsInDebt: number
  readonly overspend: number
  readonly overspendMatches: boolean
}

const counter = (prefix: string) => {
  let n = 0
  return { next: () => `${prefix}-${++n}` }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The tills' bookings as their own files hold them, to compare with the head office. */
const readTill = (file: string) => {
  const db = new Database(file, { readonly: true })
  try {
    const outbox = db.prepare('SELECT id, body FROM sync_outbox ORDER BY seq').all() as { id: string; body: string }[]
    const ledger = db
      .prepare("SELECT entry_id, account_id, points FROM entries WHERE key NOT LIKE 'opening:%'")
      .all() as { entry_id: string; account_id: string; points: number }[]
    const codes = db.prepare("SELECT code, redemptions FROM checkout_codes WHERE redemptions <> '[]'").all() as {
      code: string
      redemptions: string
    }[]
    const usage = db.prepare("SELECT discount_spent FROM checkout_campaign_usage WHERE campaign_id = 'members-5'").get()
    return { outbox, ledger, codes, usage }
  } finally {
    db.close()
  }
}

/**
 * The link-cut simulation: its own `nats-server -js` on a free port, a fresh PostgreSQL database on
 * `databaseUrl`, `tills` tills each on its own SQLite file selling `transactions` sales against the
 * same members. The link is up for the first quarter, cut (the server stopped) for the middle
 * half, restored for the last quarter; then the sync completes and every till's file is compared
 * with PostgreSQL entry by entry. Reads the clock and the environment, spawns a process.
 * @category sync
 */
export const simulateOffline = async (options: SimulationOptions): Promise<SimulationResult> => {
  const started = Date.now()
  const tillCount = options.tills ?? 8
  const perTill = options.transactions ?? 1000
  const memberCount = options.members ?? 60
  const codeCount = options.codes ?? 400
  const log = options.log ?? (() => undefined)
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sim-'))
  const nats = await startNatsServer()
  const db = await createTestDatabase(options.databaseUrl)
  const pool = new pg.Pool({ connectionString: db.url, max: 6 })
  const stoppers: (() => Promise<void>)[] = []
  try {
    await migrateHeadOffice(pool)
    const cards = Array.from({ length: memberCount }, (_, i) => `29${String(i + 1).padStart(11, '0')}`)
    const accountOf = (card: string) => `enrol:member-${card}`
    const codes = Array.from({ length: codeCount }, (_, i) => `C-${String(i + 1).padStart(5, '0')}`)
    await provisionAccounts(
      pool,
      cards.map((c) => ({ accountId: accountOf(c), points: OPENING_POINTS })),
    )
    await provisionBudgets(pool, SIM_CAMPAIGNS)
    log(`setup: nats ${nats.url}, database ${db.name}, ${tillCount} tills, ${memberCount} members, ${codeCount} codes`)

    // Every till is provisioned like the head office: the same members, opening points and codes.
    const files = Array.from({ length: tillCount }, (_, t) => join(dir, `till-${t + 1}.db`))
    for (const file of files) {
      const plain = openSqliteStores({ file })
      const host = createLoyaltyHost({
        stores: plain,
        program: SIM_PROGRAM,
        campaigns: [...SIM_CAMPAIGNS],
        keyring: { K1: new Uint8Array(32).fill(7) },
        keyId: 'K1',
        clock: { now: Date.now },
        storeTimeZone: 'Europe/Paris',
        ids: counter('provision'),
      })
      for (const card of cards) {
        const made = await host.enrol({ key: `member-${card}`, card, at: Date.parse(SIM_AT) - 1 })
        if (made._tag === 'Left') throw new Error(made.left.message)
        const opened = await plain.loyalty.post({
          kind: 'earn',
          key: `opening:${card}`,
          at: Date.parse(SIM_AT) - 1,
          account: { accountId: accountOf(card) },
          points: OPENING_POINTS,
        })
        if (opened._tag === 'Left') throw new Error(opened.left.message)
      }
      await plain.checkout.putPool({ id: 'COUPON', kind: { type: 'singleUse' } })
      await plain.checkout.addCodes('COUPON', codes)
      await plain.close()
    }

    // The head office: consumer and online checks.
    const hoLink = await openLink(nats.url, 'head-office')
    stoppers.push(hoLink.close)
    await ensureSyncStream(hoLink.nc)
    const factsSub = serveFacts(hoLink.nc, pool)
    stoppers.push(async () => factsSub.unsubscribe())
    let consumer: HeadOfficeConsumer | undefined
    const publishers: Publisher[] = []
    let custom: { stop: () => Promise<void> } | undefined
    if (options.pipeline === undefined) {
      consumer = createHeadOfficeConsumer({ nc: hoLink.nc, pool })
      void consumer.run()
    } else custom = await options.pipeline({ natsUrl: nats.url, databaseUrl: db.url, files })

    // The tills. They sell to every member (until the debtors are set apart, see "debt").
    const sellable = [...cards]
    const seed = options.seed ?? 13
    const tills: SellingTill[] = []
    const links: Awaited<ReturnType<typeof openLink>>[] = []
    for (const [t, file] of files.entries()) {
      const tillId = `T${t + 1}`
      const link = await openLink(nats.url, tillId)
      links.push(link)
      stoppers.push(link.close)
      const stores = openTill({ file, tillId, campaigns: SIM_CAMPAIGNS })
      const lastKnown = openLastKnown(file)
      stoppers.push(async () => {
        await lastKnown.close()
        await stores.close()
      })
      if (options.pipeline === undefined) {
        const reader = openOutboxReader(file)
        const publisher = createPublisher({ reader, nc: link.nc, ackTimeoutMs: 1000 })
        publishers.push(publisher)
        void publisher.run()
        stoppers.push(async () => {
          await publisher.stop()
          await reader.close()
        })
      }
      tills.push({
        tillId,
        host: createLoyaltyHost({
          stores,
          program: SIM_PROGRAM,
          campaigns: [...SIM_CAMPAIGNS],
          keyring: { K1: new Uint8Array(32).fill(7) },
          keyId: 'K1',
          clock: { now: Date.now },
          storeTimeZone: 'Europe/Paris',
          ids: counter(tillId),
        }),
        stores,
        facts: createFactsClient(link.current, 300),
        lastKnown,
        cards: sellable,
        accountOf,
        codes,
        budgetCampaign: 'members-5',
        random: seeded(seed * 1000 + t),
      })
    }

    let offlineSales = 0
    const sellRange = async (from: number, to: number) => {
      await Promise.all(
        tills.map(async (till) => {
          for (let n = from; n <= to; n++) if ((await sellOne(till, n)).offline) offlineSales++
        }),
      )
    }
    const quarter = Math.floor(perTill / 4)
    const phase = async (name: string, from: number, to: number) => {
      const t0 = Date.now()
      await sellRange(from, to)
      log(
        `${name}: ${tillCount} tills sold ${(to - from + 1) * tillCount} transactions in ${((Date.now() - t0) / 1000).toFixed(1)} s (offline so far: ${offlineSales})`,
      )
    }
    await phase('online', 1, quarter)
    await nats.stop()
    log('link cut: nats-server stopped')
    await phase('offline', quarter + 1, perTill - quarter)
    // Debt: at the end of the cut, every till spends the same members' points on rewards, each
    // judging on its own ledger.
    const debtorCards = cards.slice(0, Math.min(options.debtors ?? 3, cards.length))
    let debtRedemptions = 0
    await Promise.all(
      tills.map(async (till) => {
        for (const card of debtorCards)
          for (let i = 1; ; i++) {
            const done = await withSaleContext({ offline: true }, () =>
              till.host.redeemReward({
                card,
                rewardId: 'voucher-5',
                key: `${till.tillId}-DEBT-${card}-${i}`,
                at: Date.parse(SIM_AT),
              }),
            )
            if (done._tag === 'Left') break
            debtRedemptions++
          }
      }),
    )
    // They buy nothing more until the sync: their next earnings come after it (see "repaid").
    sellable.splice(0, sellable.length, ...cards.filter((c) => !debtorCards.includes(c)))
    log(`debt: ${tillCount} tills redeemed ${debtRedemptions} rewards offline on ${debtorCards.length} members' points`)
    await nats.start()
    const back = Date.now()
    while (!links.every((l) => l.up()) && Date.now() - back < 10_000) await sleep(20)
    log(`link restored: nats-server started, the tills reconnected in ${Date.now() - back} ms`)
    await phase('restored', perTill - quarter + 1, perTill)

    // The sync: wait until the head office has applied every till's every entry.
    const synced = async (name: string) => {
      const t0 = Date.now()
      const expected = new Map<string, number>()
      for (const [t, file] of files.entries()) expected.set(`T${t + 1}`, readTill(file).outbox.length)
      const total = [...expected.values()].reduce((s, n) => s + n, 0)
      for (;;) {
        const applied = await tillsApplied(pool)
        const done = applied.reduce((s, a) => s + Math.min(a.applied, expected.get(a.till) ?? 0), 0)
        if (done >= total) break
        if (Date.now() - t0 > (options.syncTimeoutMs ?? 600_000)) {
          log(`${name}: timed out with ${done} of ${total} entries applied`)
          break
        }
        await sleep(200)
      }
      log(`${name}: ${total} entries applied at the head office in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      return total
    }
    await synced('sync')

    // The debts as the head office reports them, against what the tills' files booked.
    const owing = (await consistencyCheck(pool)).debts
    const booked = new Map<string, number>()
    for (const file of files)
      for (const e of readTill(file).ledger)
        booked.set(e.account_id, (booked.get(e.account_id) ?? 0) + Number(e.points))
    const openings = await pool.query('SELECT account_id, opening FROM sync_accounts')
    const expectedDebts = openings.rows
      .map((r) => ({ accountId: r.account_id as string, balance: Number(r.opening) + (booked.get(r.account_id) ?? 0) }))
      .filter((a) => a.balance < 0)
      .sort((a, b) => (a.accountId < b.accountId ? -1 : 1))
    const debtsMatch =
      owing.length === expectedDebts.length &&
      owing.every((d, i) => d.accountId === expectedDebts[i]?.accountId && -d.debt === expectedDebts[i]?.balance)
    const debt = owing.reduce((s, d) => s + d.debt, 0)
    log(
      `debts: ${owing.length} accounts owe ${debt} points at the head office (${debtsMatch ? 'exactly' : 'NOT'} what the tills booked)`,
    )

    // The policy: the next earnings repay a debt. One online sale per account in debt, at till 1,
    // worth twice the debt in points.
    const payer = tills[0] as SellingTill
    const cardOf = new Map(cards.map((c) => [accountOf(c), c]))
    for (const [i, d] of owing.entries()) {
      const card = cardOf.get(d.accountId)
      if (card === undefined) continue
      const basket = {
        id: `${payer.tillId}-PAY-${i + 1}`,
        storeId: '0001',
        terminalId: payer.tillId,
        channel: 'store',
        currency: 'EUR',
        pricesIncludeTax: true,
        at: SIM_AT,
        card,
        codes: [],
        lines: [
          {
            id: '1',
            sku: 'SKU-PAY',
            quantity: 1,
            unitPrice: d.debt * 200,
            amount: d.debt * 200,
            categories: ['grocery'],
          },
        ],
      } as unknown as Basket
      const paid = await payer.host.close({ basket, tenders: [] })
      if (paid._tag === 'Left') throw new Error(`repaying ${d.accountId}: ${paid.left.message}`)
    }
    const total = await synced('repay sync')
    const after = new Map(
      (await pool.query('SELECT account_id, points FROM sync_accounts')).rows.map((r) => [
        r.account_id as string,
        Number(r.points),
      ]),
    )
    const debtsRepaid = owing.filter((d) => (after.get(d.accountId) ?? -1) >= 0).length
    log(`repaid: ${debtsRepaid} of ${owing.length} debts repaid by the next earnings`)
    await custom?.stop()
    await consumer?.stop()

    // Entry by entry: every till's outbox and ledger against PostgreSQL.
    let lost = 0
    let doubled = 0
    let conflictsCreated = 0
    let tillSpend = 0
    const redemptions = new Map<string, Set<string>>()
    const tillPoints = new Map<string, number>()
    for (const [t, file] of files.entries()) {
      const tillId = `T${t + 1}`
      const mine = readTill(file)
      const ho = await pool.query('SELECT id::text AS id FROM sync_entries WHERE till = $1', [tillId])
      const hoIds = new Set(ho.rows.map((r) => r.id as string))
      const tillIds = new Set(mine.outbox.map((e) => e.id))
      for (const id of tillIds) if (!hoIds.has(id)) lost++
      for (const id of hoIds) if (!tillIds.has(id)) doubled++
      const postings = await pool.query(
        `SELECT p.posting, count(*)::int AS n, sum(p.points)::bigint AS points
           FROM sync_postings p JOIN sync_entries e ON e.id = p.entry_id WHERE e.till = $1 GROUP BY p.posting`,
        [tillId],
      )
      const booked = new Map(
        postings.rows.map((r) => [r.posting as string, { n: r.n as number, points: Number(r.points) }]),
      )
      for (const entry of mine.ledger) {
        const at = booked.get(entry.entry_id)
        if (at === undefined) lost++
        else if (at.n > 1 || at.points !== Number(entry.points)) doubled++
        tillPoints.set(entry.account_id, (tillPoints.get(entry.account_id) ?? 0) + Number(entry.points))
      }
      for (const c of mine.codes) {
        const set = redemptions.get(c.code) ?? new Set<string>()
        for (const r of JSON.parse(c.redemptions) as { transactionId?: string }[])
          set.add(`${tillId}/${r.transactionId}`)
        redemptions.set(c.code, set)
      }
      tillSpend += mine.outbox
        .flatMap(
          (e) => (JSON.parse(e.body) as { campaigns: { campaignId: string; discountSpent: number }[] }).campaigns,
        )
        .filter((c) => c.campaignId === 'members-5')
        .reduce((s, c) => s + c.discountSpent, 0)
    }
    for (const set of redemptions.values()) conflictsCreated += Math.max(0, set.size - 1)
    const accounts = await pool.query('SELECT account_id, points, opening FROM sync_accounts')
    let ledgerMatches = accounts.rows.length > 0
    for (const a of accounts.rows) {
      if (Number(a.points) !== Number(a.opening) + (tillPoints.get(a.account_id) ?? 0)) ledgerMatches = false
    }
    const check = await consistencyCheck(pool)
    if (check.mismatches.length > 0) ledgerMatches = false
    const members = (await campaignReports(pool)).find((c) => c.campaignId === 'members-5')
    const overspend = members?.discountOverspend ?? 0
    const budget = members?.discountBudget ?? 0
    return {
      tills: tillCount,
      transactions: tillCount * perTill,
      lost,
      doubled,
      conflictsCreated,
      conflictsReported: check.conflicts,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      entries: total,
      offlineSales,
      ledgerMatches,
      debtors: owing.length,
      debt,
      debtsMatch,
      debtsRepaid,
      accountsInDebt: check.debts.length,
      overspend,
      overspendMatches: members?.discountSpent === tillSpend && overspend === Math.max(0, tillSpend - budget),
    }
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined)
    await pool.end()
    await db.drop()
    await nats.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}

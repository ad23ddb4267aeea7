import { execFile } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { replayPosLog } from '@tessera/adapter-poslog'
import type { LocalDate } from '@tessera/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderReceipt } from '../receipt/receipt.js'
import { type DemoShop, openDemoShop } from '../shop/shop.js'
import { type DemoDay, runDemoDay, withDay } from './day.js'
import { writeDemoPosLog } from './poslog.js'
import { printedReceipt, refusalsByReason, sampleCloses, writeDayReport } from './printDay.js'

const DAY = '2026-11-26' as LocalDate
const EXAMPLE = fileURLToPath(new URL('../../', import.meta.url))

describe('the demo day on a small day, through the checkout on a temp SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-demo-day-'))
  let shop: DemoShop
  let day: DemoDay

  beforeAll(async () => {
    const opened = await openDemoShop({ file: join(dir, 'demo.sqlite'), day: DAY, members: 300 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    shop = opened.right
    const ran = await runDemoDay(shop, { sales: 150, previousDaySales: 120, seed: 'smoke' })
    if (ran._tag === 'Left') throw new Error(ran.left.message)
    day = ran.right
  }, 120_000)
  afterAll(async () => {
    await shop?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('closes every sale through the checkout: closes counted = sales, each stored with its receipt', async () => {
    const sales = day.transactions.filter((t) => t.kind === 'sale')
    expect(sales).toHaveLength(150)
    expect(day.failures).toEqual([])
    expect(day.closes).toHaveLength(150)
    for (const id of day.closes) {
      const record = await shop.store.findClose(id)
      expect(record?.receipt.transactionId).toBe(id)
      // A receipt adds up: total = subtotal − discounts, and the lines sum to the subtotal.
      const r = record!.receipt
      expect(r.total).toBe(r.subtotal - r.discountTotal)
      expect(r.lines.reduce((s, l) => s + l.amount, 0)).toBe(r.subtotal)
    }
  })

  it('seeds members as real cards and accounts whose history is in the ledger, and keeps the ledger consistent', async () => {
    const member = shop.members[0]!
    const card = await shop.loyalty.card(member.card)
    expect(card._tag === 'Right' && card.right.accountId).toBe(shop.accountOf(member))
    const entries = await shop.loyalty.entries(shop.accountOf(member))
    if (entries._tag === 'Left') throw new Error(entries.left.message)
    // One earn per month of visits, each floor(spend / 100) per visit summed.
    const months = new Set(member.visits.filter((v) => v.spend >= 100).map((v) => v.at.slice(0, 7)))
    expect(entries.right.filter((e) => e.key.startsWith('history/')).length).toBe(months.size)
    const check = await shop.loyalty.check()
    if (check._tag === 'Left') throw new Error(check.left.message)
    expect(check.right.accounts).toBe(300)
    expect(check.right.problems).toEqual([])
  })

  it('returns through checkout.return, from the stored snapshot', async () => {
    expect(day.returns.length).toBeGreaterThanOrEqual(1)
    for (const { returnId, transactionId } of day.returns) {
      const stored = await shop.store.findReturns(transactionId)
      const back = stored.find((r) => r.returnId === returnId)
      expect(back).toBeDefined()
      const sale = await shop.store.findClose(transactionId)
      // A return refunds at most what the sale charged.
      expect(back!.receipt.refund).toBeLessThanOrEqual(sale!.receipt.total)
      expect(back!.receipt.refund).toBe(back!.receipt.lines.reduce((s, l) => s + l.refund, 0))
    }
  })

  it('issues coupons at close the evening before, and redeems some of them today', async () => {
    expect(day.previousDay.couponsIssued).toBeGreaterThan(0)
    let redeemed = 0
    for (const id of day.closes) {
      const record = await shop.store.findClose(id)
      for (const code of record!.bookings.codes) {
        const stored = await shop.store.code(code)
        if (stored?.redemptions.some((r) => r.sessionId === id)) redeemed++
      }
    }
    expect(redeemed).toBeGreaterThanOrEqual(1)
  })

  it('refuses tampered codes with their reason, and counts refusals by reason', () => {
    const tampered = day.refusals.filter((r) => r.by === 'signature' && ['TAMPERED', 'MALFORMED'].includes(r.reason))
    expect(tampered.length).toBeGreaterThanOrEqual(1)
    const counts = refusalsByReason(day)
    expect(counts.reduce((s, [, n]) => s + n, 0)).toBe(day.refusals.length)
  })

  it('prints sample receipts from the stored closes and writes the report from the stores', async () => {
    const samples = await sampleCloses(shop, day)
    expect(samples.length).toBeGreaterThanOrEqual(2)
    const text = samples.map((r) => renderReceipt(printedReceipt(shop, r, join(dir, 'coupons')))).join('\n')
    expect(text).toContain('TOTAL EUR')
    expect(text).toContain('YOUR COUPON')
    expect(text).toMatch(/New balance +\d+/)
    const written = await writeDayReport(shop, day, dir)
    if (written._tag === 'Left') throw new Error(written.left.message)
    expect(readFileSync(written.right.file, 'utf8')).toContain('<canvas')
    const report = written.right.report
    expect(report.totals.sales).toBe(150)
    expect(report.totals.returns).toBe(day.returns.length)
    expect(report.coupons.reduce((s, c) => s + c.redeemed, 0)).toBeGreaterThanOrEqual(1)
    expect(report.points.redeemed).toBe(day.rewards.reduce((s, r) => s + r.points, 0))
  })

  it('writes the POSLog of every transaction, which replays into a fresh store to the same ledger, to the point', async () => {
    const written = writeDemoPosLog(shop, day, join(dir, 'poslog'))
    if (written._tag === 'Left') throw new Error(written.left.message)
    const eve = '2026-11-25'
    expect(written.right.files.map((f) => f.slice(dir.length))).toEqual([`/poslog/${eve}.xml`, `/poslog/${DAY}.xml`])
    expect(written.right.transactions).toBe(day.previousDay.closes.length + day.closes.length + day.returns.length)
    expect(day.rewards.length, 'a points voucher to replay').toBeGreaterThanOrEqual(1)

    // A fresh store seeded as the demo's, then `tessera poslog replay`'s path: the adapter's replay
    // through the shop's checkout, the rewards bought with points booked with their sale.
    const opened = await openDemoShop({ file: join(dir, 'replay.sqlite'), day: DAY, members: 300 })
    if (opened._tag === 'Left') throw new Error(opened.left.message)
    const fresh = opened.right
    try {
      const totals = { transactions: 0, closed: 0, returned: 0, pointsRedeemed: 0, couponsIssued: 0 }
      for (const file of written.right.files) {
        const summary = await replayPosLog(createReadStream(file), fresh.checkout, {
          store: fresh.store,
          rewards: { ledger: fresh.loyalty, program: fresh.program },
        })
        expect(summary.refusals).toEqual([])
        expect(summary.skipped).toBe(0)
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += summary[k]
      }
      const issued = async (s: DemoShop, ids: readonly string[]) => {
        let n = 0
        for (const id of ids) n += (await s.store.findClose(id))?.receipt.coupons.length ?? 0
        return n
      }
      expect(totals).toEqual({
        transactions: written.right.transactions,
        closed: day.previousDay.closes.length + day.closes.length,
        returned: day.returns.length,
        pointsRedeemed: day.rewards.reduce((s, r) => s + r.points, 0),
        couponsIssued: await issued(shop, [...day.previousDay.closes, ...day.closes]),
      })

      // The same ledger: every account's balance, and its entries one by one (key, kind, time, points).
      const asOf = Date.parse('2026-12-31T00:00:00+01:00')
      let entries = 0
      for (const member of shop.members) {
        const account = shop.accountOf(member)
        const [a, b] = [await shop.loyalty.balance(account, asOf), await fresh.loyalty.balance(account, asOf)]
        expect(b, account).toEqual(a)
        const view = async (s: DemoShop) => {
          const r = await s.loyalty.entries(account)
          if (r._tag === 'Left') throw new Error(r.left.message)
          return r.right.map((e) => ({ key: e.key, kind: e.kind, at: e.at, points: e.points, debt: e.debtChange }))
        }
        const mine = await view(shop)
        expect(await view(fresh), account).toEqual(mine)
        entries += mine.length
      }
      const [check, checkFresh] = [await shop.loyalty.check(), await fresh.loyalty.check()]
      if (check._tag === 'Left' || checkFresh._tag === 'Left') throw new Error('ledger check failed')
      expect(checkFresh.right).toEqual(check.right)
      expect(entries).toBe(check.right.entries)
      // Each close's receipt, replayed under the till's own receipt number, is the till's receipt.
      for (const id of [...day.previousDay.closes, ...day.closes]) {
        const [mine, theirs] = [await shop.store.findClose(id), await fresh.store.findClose(id)]
        expect(theirs?.receipt.total, id).toBe(mine?.receipt.total)
        expect(theirs?.receipt.points, id).toEqual(mine?.receipt.points)
        expect(
          theirs?.receipt.coupons.map((c) => c.code),
          id,
        ).toEqual(mine?.receipt.coupons.map((c) => c.code))
      }
    } finally {
      await fresh.close()
    }
  }, 120_000)

  it('refuses bad options with the field and the reason', async () => {
    const bad = await runDemoDay(shop, { sales: 0 })
    expect(bad._tag === 'Left' && bad.left.message).toMatch(/^sales: must be a whole number ≥ 1/)
    const noShop = await openDemoShop({ file: join(dir, 'x.sqlite'), day: '26/11/2026' as LocalDate })
    expect(noShop._tag === 'Left' && noShop.left.message).toMatch(/^day: must be a YYYY-MM-DD date/)
    expect(withDay('T-0042-01-000007', '2026-11-26')).toBe('T-0042-01-20261126-000007')
  })
})

describe('pnpm demo (the command line) on a small day', () => {
  it('prints receipts, the refusals by reason, a clean ledger check and the report path', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tessera-demo-cli-'))
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=@tessera/source',
          'src/demo.ts',
          '--out',
          out,
          '--sales',
          '150',
          '--previous-day-sales',
          '100',
          '--members',
          '200',
        ],
        { cwd: EXAMPLE, timeout: 120_000 },
      )
      expect(stdout).toContain('TOTAL EUR')
      expect(stdout).toMatch(/Today: 150 sales closed and \d+ returns through the checkout/)
      expect(stdout).toMatch(/Codes refused \(\d+\):\n {2}[A-Z_]+ +\d+/)
      expect(stdout).toMatch(/Ledger check: 200 accounts, [\d ]+ entries, 0 problems/)
      // The till's POSLog of both days (what the in-process test above replays to the same ledger).
      expect(stdout).toMatch(/POSLog of [\d ]+ transactions: .*2026-11-25\.xml, .*2026-11-26\.xml/)
      expect(readdirSync(join(out, 'poslog')).sort()).toEqual(['2026-11-25.xml', '2026-11-26.xml'])
      const report = /End-of-day report: (.+\.html)/.exec(stdout)?.[1]
      expect(report && existsSync(report)).toBe(true)
      // The console's net sales is the report's, in the report's number format.
      const net = /Net sales ([\d ]+,\d{2} €) \(after [\d ]+,\d{2} € of discounts and [\d ]+,\d{2} € of refunds\)/.exec(
        stdout,
      )?.[1]
      expect(net, 'the summary line').toBeDefined()
      const html = readFileSync(report as string, 'utf8').replace(/[\u00a0\u202f]/g, ' ')
      expect(html).toContain(`<span>Net sales</span><b>${net}</b>`)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 150_000)
})

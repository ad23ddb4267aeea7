#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { LocalDate } from '@tessera/core'
import { SingleBar } from 'cli-progress'
import { Command } from 'commander'
import { runDemoDay } from './demo/day.js'
import { historyJsonl } from './demo/history.js'
import { writeDemoPosLog } from './demo/poslog.js'
import { printedReceipt, refusalsByReason, sampleCloses, writeDayReport } from './demo/printDay.js'
import { count, displayMoney } from './format.js'
import { renderReceipt } from './receipt/receipt.js'
import { openDemoShop } from './shop/shop.js'
import { addDays } from './store/members.js'

/**
 * `pnpm demo`: seeds the demo store in a fresh SQLite file, runs a trading day at 3 tills through
 * the checkout, prints 3 sample receipts and the refusals by reason, and writes the end-of-day
 * HTML report from what the stores recorded.
 */
const options = new Command()
  .name('demo')
  .description('The Tessera demo day: a seeded store, 3 tills through the checkout on SQLite, the day report')
  .option('--out <dir>', 'where the SQLite file, the report and the coupon barcodes go', '.tessera/demo')
  .option('--day <YYYY-MM-DD>', 'the trading day', '2026-11-26')
  .option('--sales <n>', 'sales of the day (returns come on top)', '2100')
  .option('--previous-day-sales <n>', 'sales of the evening before, which issue the coupons redeemed today', '400')
  .option('--members <n>', 'loyalty members to enrol', '1200')
  .option('--keep', 'keep the existing store instead of starting fresh', false)
  .parse()
  .opts<{ out: string; day: string; sales: string; previousDaySales: string; members: string; keep: boolean }>()

const whole = (name: string, text: string, min: number): number => {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(`--${name} must be a whole number ≥ ${min}, got "${text}"\n`)
    process.exit(2)
  }
  return n
}
const sales = whole('sales', options.sales, 1)
const previousDaySales = whole('previous-day-sales', options.previousDaySales, 0)
const members = whole('members', options.members, 1)
if (!/^\d{4}-\d{2}-\d{2}$/.test(options.day) || Number.isNaN(Date.parse(options.day))) {
  process.stderr.write(`--day must be YYYY-MM-DD, got "${options.day}"\n`)
  process.exit(2)
}
const out = resolve(options.out)
mkdirSync(out, { recursive: true })
const started = performance.now()
const seconds = () => ((performance.now() - started) / 1000).toFixed(1)
const file = join(out, 'demo.sqlite')

const seedBar = new SingleBar({ format: 'Seeding the store [{bar}] {value}/{total} members', hideCursor: true })
seedBar.start(members, 0)
const opened = await openDemoShop({
  file,
  reset: !options.keep,
  day: options.day as LocalDate,
  members,
  onSeed: (done) => seedBar.update(done),
})
seedBar.stop()
if (opened._tag === 'Left') {
  process.stderr.write(`${opened.left.message}\n`)
  process.exit(1)
}
const shop = opened.right
process.stdout.write(
  `${shop.seeded ? 'Seeded' : 'Opened'} ${relative(process.cwd(), file)}: ${shop.catalog.products.length} products, ${shop.members.length} members with cards and 12 months of points, ${shop.campaigns.length} campaigns (${seconds()} s)\n`,
)

const bar = new SingleBar({ format: 'Trading day   [{bar}] {value}/{total} transactions', hideCursor: true })
bar.start(1, 0)
const day = await runDemoDay(shop, {
  sales,
  previousDaySales,
  onProgress: (done, total) => {
    bar.setTotal(total)
    bar.update(done)
  },
})
bar.stop()
if (day._tag === 'Left') {
  process.stderr.write(`${day.left.message}\n`)
  await shop.close()
  process.exit(1)
}
const d = day.right

for (const record of await sampleCloses(shop, d)) {
  process.stdout.write(`\n${renderReceipt(printedReceipt(shop, record, join(out, 'coupons')))}\n`)
}

const p = count
process.stdout.write(
  `\nThe evening before: ${p(d.previousDay.closes.length)} closes issued ${p(d.previousDay.couponsIssued)} coupons.\n`,
)
process.stdout.write(
  `Today: ${p(d.closes.length)} sales closed and ${p(d.returns.length)} returns through the checkout, ${p(d.rewards.length)} points vouchers used.\n`,
)
if (d.failures.length > 0) {
  process.stdout.write(`Not booked (${d.failures.length}):\n`)
  for (const f of d.failures.slice(0, 10)) process.stdout.write(`  ${f.id}: ${f.message}\n`)
}
process.stdout.write(`Codes refused (${d.refusals.length}):\n`)
for (const [reason, n] of refusalsByReason(d)) process.stdout.write(`  ${reason.padEnd(20)} ${n}\n`)

const check = await shop.loyalty.check()
if (check._tag === 'Left') process.stdout.write(`Ledger check failed: ${check.left.message}\n`)
else
  process.stdout.write(
    `Ledger check: ${p(check.right.accounts)} accounts, ${p(check.right.entries)} entries, ${check.right.problems.length} problems\n`,
  )

// What `tessera simulate` replays: the booked sales and returns of both days, and the campaigns.
writeFileSync(join(out, 'history.jsonl'), d.history.map((h) => `${JSON.stringify(h)}\n`).join(''))
writeFileSync(
  join(out, 'campaigns.json'),
  `${JSON.stringify({ campaigns: shop.campaignDocuments, program: shop.program, storeTimeZone: shop.timeZone }, null, 2)}\n`,
)

// The till's POSLog of both days, every sale and return as booked: `tessera poslog replay` takes it.
const poslog = writeDemoPosLog(shop, d, join(out, 'poslog'))
if (poslog._tag === 'Left') {
  process.stderr.write(`${poslog.left.message}\n`)
  await shop.close()
  process.exit(1)
}
process.stdout.write(
  `POSLog of ${p(poslog.right.transactions)} transactions: ${poslog.right.files.map((f) => relative(process.cwd(), f)).join(', ')}\n`,
)

// The members' purchases (12 seeded months and the day), for `tessera value fit|predict --history`.
const historyFile = join(out, 'purchases.jsonl')
writeFileSync(historyFile, historyJsonl(shop, `${addDays(d.day, 1)}T00:00:00+01:00`))
const written = await writeDayReport(shop, d, out)
await shop.close()
if (written._tag === 'Left') {
  process.stderr.write(`${written.left.message}\n`)
  process.exit(1)
}
const r = written.right.report
// The same numbers as the report's, in the report's format (fr-FR: 75 647,78 €): net sales are
// after discounts and after the day's refunds.
const eur = (cents: number) => displayMoney(cents)
process.stdout.write(
  `Net sales ${eur(r.totals.net)} (after ${eur(r.totals.discount)} of discounts and ${eur(r.totals.refunds)} of refunds); coupons issued ${p(r.coupons.reduce((s, c) => s + c.issued, 0))}, redeemed ${p(r.coupons.reduce((s, c) => s + c.redeemed, 0))}; points issued ${p(r.points.issued)}, redeemed ${p(r.points.redeemed)}, outstanding ${p(r.points.outstanding)} (${eur(r.points.liability)})\n`,
)
process.stdout.write(
  `Customer value: ${shop.value === undefined ? `not fitted (${shop.valueProblem ?? 'no history'})` : `${p(shop.value.values.length)} members fitted to ${shop.value.until}`}; history for \`tessera value\`: ${historyFile}\n`,
)
process.stdout.write(`End-of-day report: ${written.right.file}\nDone in ${seconds()} s\n`)

import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LocalDate } from '@tessera/core'
import { SingleBar } from 'cli-progress'
import { Command } from 'commander'
import { writeCouponBarcode } from './receipt/barcode.js'
import { receiptOf } from './receipt/fromEvaluation.js'
import { renderReceipt } from './receipt/receipt.js'
import { buildDayReport } from './report/dayReport.js'
import { renderReport } from './report/renderReport.js'
import { simulateEngineDay } from './simulate/engineDay.js'
import { spend12m, type TierLadder, tierFor } from './store/members.js'

/**
 * A preview of the demo day priced by the engine alone (no checkout, no SQLite yet):
 * `tsx --conditions=@tessera/source examples/till-simulator/src/preview.ts [--out DIR] [--sales N]`.
 * Prints 3 sample receipts and writes the end-of-day HTML report.
 */
const options = new Command()
  .name('preview')
  .option('--out <dir>', 'where to write the report and barcodes', 'examples/till-simulator/artifacts')
  .option('--day <YYYY-MM-DD>', 'the trading day', '2026-11-26')
  .option('--sales <n>', 'number of sales', '2100')
  .parse()
  .opts<{ out: string; day: string; sales: string }>()

const sales = Number(options.sales)
if (!Number.isInteger(sales) || sales < 1) {
  process.stderr.write(`--sales must be a whole number ≥ 1, got "${options.sales}"\n`)
  process.exit(2)
}
if (!/^\d{4}-\d{2}-\d{2}$/.test(options.day)) {
  process.stderr.write(`--day must be YYYY-MM-DD, got "${options.day}"\n`)
  process.exit(2)
}
const started = performance.now()
const bar = new SingleBar({ format: 'Trading day [{bar}] {value}/{total} transactions', hideCursor: true })
bar.start(1, 0)
const day = simulateEngineDay({
  day: options.day as LocalDate,
  sales,
  onProgress: (done, total) => {
    bar.setTotal(total)
    bar.update(done)
  },
})
bar.stop()
if (day._tag === 'Left') {
  process.stderr.write(`${day.left.message}\n`)
  process.exit(1)
}
const out = resolve(options.out)
mkdirSync(out, { recursive: true })
const { priced, catalog, program } = day.right
const ladder = program as unknown as TierLadder
// Three sample receipts: a member with a checkout coupon, a member with discounts, an anonymous sale.
const samples = [
  priced.find((p) => p.member && p.evaluation.coupons.length > 0 && p.evaluation.discountTotal > 0),
  priced.find((p) => p.member && p.evaluation.discountTotal > 300 && p.evaluation.coupons.length === 0),
  priced.find((p) => !p.member && p.evaluation.discountTotal > 0),
].filter((p) => p !== undefined)
for (const p of samples) {
  const m = p.member
  const spend = m ? spend12m(m, options.day as LocalDate) + p.evaluation.total : 0
  const next = [...ladder.tiers].sort((a, b) => a.qualify.spend - b.qualify.spend).find((t) => t.qualify.spend > spend)
  const tier = tierFor(spend, ladder)
  const receipt = receiptOf({
    basket: p.sale.basket,
    evaluation: p.evaluation,
    store: { name: 'Marché Tessera', address: ['12 rue des Lices', '49100 Angers'], storeId: '0042' },
    nameOf: (sku) => catalog.bySku.get(sku)?.name,
    tender: p.sale.tender,
    ...(p.sale.tender === 'cash' ? { tendered: Math.ceil(p.evaluation.total / 1000) * 1000 } : {}),
    ...(m
      ? {
          loyalty: {
            card: m.card,
            name: `${m.firstName} ${m.lastName}`,
            pointsEarned: p.evaluation.points.earned,
            pointsBalance: p.pointsAfter,
            tierProgress: {
              ...(tier ? { tier } : {}),
              ...(next ? { next: next.id, nextAt: next.qualify.spend } : {}),
              spend,
            },
          },
        }
      : {}),
    // Preview only: the checkout gives the real codes at close; here the code is a placeholder.
    coupons: p.evaluation.coupons.map((c, i) => {
      const code = `PREVIEW-${p.sale.basket.id.slice(-6)}-${i + 1}`
      return {
        label: c.label,
        code,
        validUntil: c.validUntil,
        barcodeFile: writeCouponBarcode(code, join(out, 'coupons')),
      }
    }),
  })
  process.stdout.write(`\n${renderReceipt(receipt)}\n`)
}
const file = join(out, `report-${options.day}.html`)
const report = buildDayReport(day.right.report)
if (report._tag === 'Left') {
  process.stderr.write(`${report.left.message}\n`)
  process.exit(1)
}
writeFileSync(file, renderReport(report.right))
process.stdout.write(`End-of-day report: ${file}\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`)

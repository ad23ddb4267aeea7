import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CloseRecord } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { receiptFromCheckout } from '../receipt/fromCheckout.js'
import type { ReceiptData } from '../receipt/receipt.js'
import { buildDayReport, type DayReport } from '../report/dayReport.js'
import { renderReport } from '../report/renderReport.js'
import { type DemoShop, localIso } from '../shop/shop.js'
import type { DemoDay } from './day.js'
import { dayReportInput } from './report.js'

/**
 * What the demo prints and writes after the day: sample receipts (from the stored closes), the
 * refusals by reason, and the HTML report.
 */

/**
 * A stored close as the printed receipt: discounts labelled from the snapshot, the member's name,
 * the tier progress just after the sale, and the coupon barcodes written to `barcodeDir`.
 * @category demo
 */
export const printedReceipt = (shop: DemoShop, record: CloseRecord, barcodeDir?: string): ReceiptData => {
  const receipt = record.receipt
  const member = receipt.card !== undefined ? shop.byCard.get(receipt.card) : undefined
  return receiptFromCheckout(receipt, {
    store: { name: shop.storeName, address: shop.storeAddress, storeId: shop.storeId },
    terminalId: receipt.transactionId.split('-')[2] ?? '01',
    nameOf: (sku) => shop.catalog.bySku.get(sku)?.name,
    taxRateOf: (sku) => shop.catalog.bySku.get(sku)?.taxRate,
    allocations: record.snapshot.discounts,
    ...(member !== undefined
      ? {
          memberName: `${member.firstName} ${member.lastName}`,
          tierProgress: shop.tierProgressOf(member, localIso(Date.parse(receipt.at) + 1000)),
        }
      : {}),
    ...(barcodeDir !== undefined ? { barcodeDir } : {}),
  })
}

/**
 * Three sample closes of the day: a member's sale that issued a coupon, a member's sale that
 * redeemed one (or with the biggest discount), and an anonymous sale with a discount.
 * @category demo
 */
export const sampleCloses = async (shop: DemoShop, day: DemoDay): Promise<CloseRecord[]> => {
  const records: CloseRecord[] = []
  for (const id of day.closes) {
    const r = await shop.store.findClose(id)
    if (r !== undefined) records.push(r)
  }
  const member = (r: CloseRecord) => r.receipt.card !== undefined
  const withCoupon = records.find((r) => member(r) && r.receipt.coupons.length > 0 && r.receipt.discountTotal > 0)
  const redeemed =
    records.find((r) => member(r) && r.bookings.codes.length > 0 && r !== withCoupon) ??
    [...records].filter(member).sort((a, b) => b.receipt.discountTotal - a.receipt.discountTotal)[0]
  const anonymous = records.find((r) => !member(r) && r.receipt.discountTotal > 0)
  return [withCoupon, redeemed, anonymous].filter((r): r is CloseRecord => r !== undefined)
}

/** Refusals counted by reason, most frequent first. @category demo */
export const refusalsByReason = (day: DemoDay): readonly (readonly [string, number])[] => {
  const counts = new Map<string, number>()
  for (const r of day.refusals) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

/**
 * Reads the day back from the stores, builds the report and writes `report-<day>.html` into `dir`.
 * @category demo
 */
export const writeDayReport = async (
  shop: DemoShop,
  day: DemoDay,
  dir: string,
): Promise<Either<{ readonly message: string }, { readonly file: string; readonly report: DayReport }>> => {
  const input = await dayReportInput(shop, day)
  if (input._tag === 'Left') return input
  const report = buildDayReport(input.right)
  if (report._tag === 'Left') return left(report.left)
  const file = join(dir, `report-${day.day}.html`)
  writeFileSync(file, renderReport(report.right))
  return right({ file, report: report.right })
}

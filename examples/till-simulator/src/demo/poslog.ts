import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { joinPosLog, writeReceiptPosLog, writeReturnReceiptPosLog } from '@tessera/adapter-poslog'
import type { Basket } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { DemoShop } from '../shop/shop.js'
import type { BookedTransaction, DemoDay, DemoDayError } from './day.js'

/** What {@link writeDemoPosLog} wrote: one TLog per business day, in order. @category demo */
export interface DemoPosLog {
  readonly files: readonly string[]
  readonly transactions: number
}

/**
 * Writes the POSLog of every transaction the demo booked, one TLog per business day
 * (`<dir>/<day>.xml`: the evening before, then the trading day), in the order the tills booked
 * them: each sale from its close (the basket as closed, its discounts, points, coupons, tenders and
 * the points voucher bought for it), each return from the checkout's return with its
 * `TransactionLink` to the sale. Sequence numbers count per till and day. The ids are the tills'
 * receipt numbers, kept in `tessera:TransactionID`, so that `tessera poslog replay` of these files
 * into a fresh store closes the same transactions under the same ids.
 * @category demo
 */
export const writeDemoPosLog = (
  shop: DemoShop,
  day: Pick<DemoDay, 'booked'>,
  dir: string,
): Either<DemoDayError, DemoPosLog> => {
  const fail = (message: string) => left<DemoDayError>({ _tag: 'DemoDayError', message })
  const names = new Map(shop.catalog.products.map((p) => [p.sku, p.name]))
  const byDay = new Map<string, string[]>()
  const sequences = new Map<string, number>()
  const sales = new Map<string, { basket: Basket; sequenceNumber: string; businessDayDate: string }>()
  const next = (businessDay: string, till: string) => {
    const key = `${businessDay}/${till}`
    const n = (sequences.get(key) ?? 0) + 1
    sequences.set(key, n)
    return String(n)
  }
  for (const t of day.booked as readonly BookedTransaction[]) {
    let written: ReturnType<typeof writeReceiptPosLog>
    if (t.kind === 'sale') {
      const sequenceNumber = next(t.day, t.basket.terminalId)
      sales.set(t.basket.id, { basket: t.basket, sequenceNumber, businessDayDate: t.day })
      const descriptions: Record<string, string> = {}
      for (const l of t.basket.lines) {
        const name = names.get(l.sku)
        if (name !== undefined) descriptions[l.id] = name
      }
      written = writeReceiptPosLog(t.basket, t.receipt, {
        sequenceNumber,
        businessDayDate: t.day,
        programId: shop.program.id,
        descriptions,
        ...(t.reward !== undefined
          ? { redemptions: [{ rewardId: t.reward.rewardId, points: t.reward.points, key: t.reward.key }] }
          : {}),
      })
    } else {
      const sale = sales.get(t.request.transactionId)
      if (sale === undefined)
        return fail(`return ${t.request.returnId}: its sale ${t.request.transactionId} was not booked`)
      written = writeReturnReceiptPosLog(t.request, t.receipt, sale.basket, {
        sequenceNumber: next(t.day, t.terminalId),
        workstationId: t.terminalId,
        businessDayDate: t.day,
        programId: shop.program.id,
        original: { sequenceNumber: sale.sequenceNumber, businessDayDate: sale.businessDayDate },
      })
    }
    if (written._tag === 'Left') return fail(`POSLog of a ${t.kind}: ${written.left.message}`)
    const list = byDay.get(t.day) ?? []
    list.push(written.right)
    byDay.set(t.day, list)
  }
  mkdirSync(dir, { recursive: true })
  const files: string[] = []
  for (const [businessDay, documents] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = join(dir, `${businessDay}.xml`)
    writeFileSync(file, joinPosLog(documents))
    files.push(file)
  }
  return right({ files, transactions: day.booked.length })
}

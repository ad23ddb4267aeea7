import { DOCUMENT, importPosLogAll, type PosLogError, replayRecord, writeReceiptPosLog } from '@tessera/adapter-poslog'
import type { CheckoutStore, LoyaltyHost, ReturnReceipt } from '@tessera/core'
import { badInput, type Problem, problem } from './problems.js'

/** What the POSLog route answers: a POSLog document, or JSON (a return, a skipped transaction), or a problem. */
export type PosLogAnswer =
  | { readonly status: 200; readonly type: 'application/xml'; readonly xml: string }
  | { readonly status: 200; readonly type: 'application/json'; readonly body: unknown }
  | { readonly status: number; readonly type: 'problem'; readonly body: Problem }

const refusedAnswer = (status: number, body: Problem): PosLogAnswer => ({ status, type: 'problem', body })

/** What the adapter could not read: a 400 naming the XML path. */
const unreadable = (error: PosLogError): PosLogAnswer =>
  refusedAnswer(400, badInput(error.message, [{ path: error.path ?? '', reason: error.message }]))

/**
 * `POST /v1/poslog`: one POSLog transaction, as a till writes it, through the checkout. A sale is
 * closed (keyed by its stable transaction id, so the same transaction again books nothing and gets
 * the same answer) and answered as the POSLog of its receipt: the line discounts as
 * `RetailPriceModifier`s, the points and the coupons issued as `LoyaltyReward`s, the account's new
 * balance. A return goes through the return flow and is answered as JSON (its refunds and points
 * clawed back); a training, control, voided or suspended transaction is skipped and says why. The
 * reading is the adapter's (`@tessera/adapter-poslog`): a transaction it cannot read is a 400 naming
 * the XML path, one the checkout refuses a 422 with the checkout's reason.
 * @category server
 */
export const answerPosLog = async (
  xml: string,
  deps: {
    readonly host: Pick<LoyaltyHost, 'close' | 'return'>
    readonly checkout: Pick<CheckoutStore, 'findClose' | 'findReturns'>
    /** The shop the caller's key acts for: a transaction of another store is refused. */
    readonly shop: string | undefined
    readonly accept: string | undefined
  },
): Promise<PosLogAnswer> => {
  const records = await importPosLogAll(xml)
  const document = records.find((r) => r.transactionId === DOCUMENT && r.kind === 'refused')
  if (document?.kind === 'refused') return unreadable(document.error)
  if (records.length !== 1) {
    return refusedAnswer(
      400,
      badInput('send one POSLog transaction per request', [
        {
          path: 'POSLog',
          reason:
            records.length === 0
              ? 'holds no <Transaction>'
              : `holds ${records.length} transactions: replay a whole file with tessera poslog replay`,
        },
      ]),
    )
  }
  const record = records[0] as (typeof records)[number]
  if (record.kind === 'refused') return unreadable(record.error)
  if (record.kind === 'skipped') {
    return {
      status: 200,
      type: 'application/json',
      body: {
        transactionId: record.transactionId,
        status: 'skipped',
        reason: record.reason,
        ...(record.detail !== undefined ? { detail: record.detail } : {}),
      },
    }
  }
  if (deps.shop !== undefined && record.header.storeId !== deps.shop) {
    return refusedAnswer(403, problem(403, 'FORBIDDEN', "this key may not act for this transaction's store"))
  }
  const outcome = await replayRecord(record, deps.host, { store: deps.checkout })
  if (outcome.status === 'refused') {
    return refusedAnswer(422, problem(422, outcome.reason, outcome.message, { transactionId: outcome.transactionId }))
  }
  const wantsJson = deps.accept?.includes('application/json') === true && !deps.accept.includes('xml')
  if (record.kind === 'return') {
    const returns =
      outcome.status === 'returned'
        ? outcome.returns
        : await storedReturns(deps.checkout, record.transactionId, record.return.lines)
    return {
      status: 200,
      type: 'application/json',
      body: { transactionId: record.transactionId, status: 'returned', returns },
    }
  }
  const receipt =
    outcome.status === 'closed' ? outcome.receipt : (await deps.checkout.findClose(record.transactionId))?.receipt
  if (receipt === undefined) {
    return refusedAnswer(500, problem(500, 'INTERNAL', `the close of ${record.transactionId} was not found`))
  }
  if (wantsJson)
    return { status: 200, type: 'application/json', body: { transactionId: record.transactionId, receipt } }
  const written = writeReceiptPosLog(record.basket, receipt, { ...record.header, descriptions: record.descriptions })
  if (written._tag === 'Left') {
    return refusedAnswer(
      500,
      problem(500, 'INTERNAL', `the receipt could not be written as POSLog: ${written.left.message}`),
    )
  }
  return { status: 200, type: 'application/xml', xml: written.right }
}

/** The receipts of a return booked before (a retry): the return ids the replay gives it, per original sale. */
const storedReturns = async (
  checkout: Pick<CheckoutStore, 'findReturns'>,
  returnId: string,
  lines: readonly { readonly original?: { readonly transactionId: string } }[],
): Promise<readonly ReturnReceipt[]> => {
  const sales = [...new Set(lines.flatMap((l) => (l.original === undefined ? [] : [l.original.transactionId])))]
  const out: ReturnReceipt[] = []
  for (const sale of sales) {
    const id = sales.length === 1 ? returnId : `${returnId}/${sale}`
    const found = (await checkout.findReturns(sale)).find((r) => r.returnId === id)
    if (found !== undefined) out.push(found.receipt)
  }
  return out
}

import {
  type Checkout,
  type CheckoutStore,
  type LedgerStore,
  type Receipt,
  type ReturnReceipt,
  type RewardsProgram,
  redeemReward,
} from '@tessera/core'
import { importPosLog, type PosLogSource } from './import.js'
import type { ImportRecord, PosLogReturn, ReadOptions } from './model.js'
import { REDEMPTION } from './write.js'

/**
 * How to replay: the read options, whether to hand the log's tenders to the close (`'log'`: Tessera
 * then checks they cover its own total; default `'omit'`: the till was paid already, Tessera books
 * the loyalty), the checkout store to tell a first close from a replayed one (without it a replay
 * still books nothing twice, but is counted as closed again), and a callback per transaction (a
 * progress bar).
 * @category poslog
 */
export interface ReplayOptions extends ReadOptions {
  readonly tenders?: 'omit' | 'log'
  readonly store?: Pick<CheckoutStore, 'findClose' | 'findReturns'>
  readonly onOutcome?: (outcome: ReplayOutcome) => void
  /**
   * Where to book the catalogue rewards Tessera's till bought with points during a sale (its
   * `tessera:Redemption` lines): the ledger and the program's reward catalogue. Each is booked
   * through core's `redeemReward` under the ledger key the till used, before the close, as at the
   * till, so a replay books it once. Without it, such lines are left as information.
   */
  readonly rewards?: { readonly ledger: Pick<LedgerStore, 'post'>; readonly program: RewardsProgram }
}

/**
 * What happened to one transaction of the log: `closed` (its points and coupons), `returned`,
 * `already` (booked by an earlier replay: nothing booked now), `skipped` (its reason) or `refused`
 * (the reader's or the checkout's error tag and message).
 * @category poslog
 */
export type ReplayOutcome =
  | {
      readonly transactionId: string
      readonly status: 'closed'
      readonly receipt: Receipt
      readonly returns: readonly ReturnReceipt[]
      /** Points spent on catalogue rewards at the till, booked with the sale. */
      readonly pointsRedeemed?: number
    }
  | { readonly transactionId: string; readonly status: 'returned'; readonly returns: readonly ReturnReceipt[] }
  | { readonly transactionId: string; readonly status: 'already' }
  | { readonly transactionId: string; readonly status: 'skipped'; readonly reason: string }
  | { readonly transactionId: string; readonly status: 'refused'; readonly reason: string; readonly message: string }

/**
 * The summary of a replay: transactions read, closed, returned, already booked, skipped and refused
 * (with reasons), the points booked now (earned minus clawed back) and the coupons issued now.
 * @category poslog
 */
export interface ReplaySummary {
  readonly transactions: number
  readonly closed: number
  readonly returned: number
  readonly already: number
  readonly skipped: number
  readonly refused: number
  readonly pointsBooked: number
  readonly couponsIssued: number
  /** Points spent on catalogue rewards at the till, booked now (with `rewards`). */
  readonly pointsRedeemed: number
  readonly refusals: readonly { readonly transactionId: string; readonly reason: string; readonly message: string }[]
  readonly skips: Readonly<Record<string, number>>
}

/** The checkout calls a replay makes: a server or a till hands its own checkout. @category poslog */
export type ReplayCheckout = Pick<Checkout, 'close' | 'return'>

/**
 * Replays a POSLog document through Tessera's checkout, streaming: every sale is closed (keyed by
 * its stable transaction id: a second replay returns the stored receipt and books nothing), every
 * return linked to its sale goes through the return flow (keyed by the return transaction's id),
 * and training, control, voided and suspended transactions are skipped. A transaction the reader or
 * the checkout refuses is counted with its reason; the next one goes on. Meant to be mounted by a
 * server or a CLI: it does no I/O of its own.
 * @category poslog
 */
export const replayPosLog = async (
  source: PosLogSource,
  checkout: ReplayCheckout,
  options: ReplayOptions = {},
): Promise<ReplaySummary> => {
  const counts = {
    transactions: 0,
    closed: 0,
    returned: 0,
    already: 0,
    skipped: 0,
    refused: 0,
    pointsBooked: 0,
    couponsIssued: 0,
    pointsRedeemed: 0,
  }
  const refusals: { transactionId: string; reason: string; message: string }[] = []
  const skips: Record<string, number> = {}
  for await (const record of importPosLog(source, options)) {
    const outcome = await replayRecord(record, checkout, options)
    counts.transactions++
    switch (outcome.status) {
      case 'closed':
        counts.closed++
        counts.pointsBooked += outcome.receipt.points.earned
        counts.couponsIssued += outcome.receipt.coupons.length
        counts.pointsRedeemed += outcome.pointsRedeemed ?? 0
        for (const r of outcome.returns) counts.pointsBooked -= r.pointsClawedBack
        break
      case 'returned':
        counts.returned++
        for (const r of outcome.returns) counts.pointsBooked -= r.pointsClawedBack
        break
      case 'already':
        counts.already++
        break
      case 'skipped':
        counts.skipped++
        skips[outcome.reason] = (skips[outcome.reason] ?? 0) + 1
        break
      case 'refused':
        counts.refused++
        refusals.push({ transactionId: outcome.transactionId, reason: outcome.reason, message: outcome.message })
        break
    }
    options.onOutcome?.(outcome)
  }
  return { ...counts, refusals, skips }
}

/**
 * Replays one imported record through the checkout ({@link replayPosLog} does it for every record of
 * a document): a sale closed, a linked return through the return flow, a skip or a refusal with its
 * reason. For a caller that has read the record already (a server route taking one transaction).
 * @category poslog
 */
export const replayRecord = async (
  record: ImportRecord,
  checkout: ReplayCheckout,
  options: ReplayOptions,
): Promise<ReplayOutcome> => {
  const transactionId = record.transactionId
  const refused = (reason: string, message: string): ReplayOutcome => ({
    transactionId,
    status: 'refused',
    reason,
    message,
  })
  if (record.kind === 'skipped') return { transactionId, status: 'skipped', reason: record.reason }
  if (record.kind === 'refused') return refused(record.reason, record.error.message)
  if (record.kind === 'sale') {
    const before = options.store === undefined ? undefined : await options.store.findClose(transactionId)
    // The till bought its rewards before it closed the sale: the same order here.
    let pointsRedeemed = 0
    const card = record.basket.card
    for (const reward of options.rewards === undefined ? [] : record.tillRewards) {
      if (reward.type !== REDEMPTION || reward.rewardId === undefined) continue
      if (card === undefined)
        return refused('REDEMPTION_WITHOUT_CARD', `line ${reward.lineId}: a redemption needs the card`)
      const granted = await redeemReward(
        options.rewards?.ledger as Pick<LedgerStore, 'post'>,
        options.rewards?.program as RewardsProgram,
        {
          card,
          rewardId: reward.rewardId,
          key: reward.ledgerKey ?? `${transactionId}/reward/${reward.lineId}`,
          at: Date.parse(record.basket.at),
        },
      )
      if (granted._tag === 'Left') return refused(granted.left._tag, `line ${reward.lineId}: ${granted.left.message}`)
      if (reward.pointsRedeemed !== undefined && granted.right.points !== reward.pointsRedeemed) {
        return refused(
          'REDEMPTION_MISMATCH',
          `line ${reward.lineId}: reward ${reward.rewardId} costs ${granted.right.points} points, the log says ${reward.pointsRedeemed}`,
        )
      }
      pointsRedeemed += granted.right.points
    }
    const closed = await checkout.close({
      basket: record.basket,
      tenders: options.tenders === 'log' ? record.tenders : [],
    })
    if (closed._tag === 'Left') return refused(closed.left._tag, closed.left.message)
    const returns =
      record.return === undefined ? { receipts: [], already: true } : await returnsOf(record.return, checkout, options)
    if ('refusal' in returns) return refused(returns.refusal.reason, returns.refusal.message)
    if (before !== undefined && returns.already) return { transactionId, status: 'already' }
    return {
      transactionId,
      status: 'closed',
      receipt: closed.right,
      returns: returns.receipts,
      ...(pointsRedeemed > 0 ? { pointsRedeemed } : {}),
    }
  }
  const returns = await returnsOf(record.return, checkout, options)
  if ('refusal' in returns) return refused(returns.refusal.reason, returns.refusal.message)
  if (returns.already) return { transactionId, status: 'already' }
  return { transactionId, status: 'returned', returns: returns.receipts }
}

/**
 * The returns of a transaction, one per original sale: its id is the return transaction's id
 * (with the original's appended when one transaction returns items of several sales).
 */
const returnsOf = async (
  back: PosLogReturn,
  checkout: ReplayCheckout,
  options: ReplayOptions,
): Promise<
  | { readonly receipts: ReturnReceipt[]; readonly already: boolean }
  | { readonly refusal: { readonly reason: string; readonly message: string } }
> => {
  const unlinked = back.lines.find((l) => l.original?.lineId === undefined)
  if (unlinked !== undefined) {
    return {
      refusal: {
        reason: 'RETURN_WITHOUT_ORIGINAL',
        message: `return ${back.returnId}: line ${unlinked.lineId} (${unlinked.sku}) names no original sale line (TransactionLink with LineItemSequenceNumber); Tessera refunds from the sale's snapshot, so an unlinked return cannot go through its return flow`,
      },
    }
  }
  const bySale = new Map<string, { lineId: string; quantity: number }[]>()
  for (const l of back.lines) {
    const original = l.original as { transactionId: string; lineId: string }
    const lines = bySale.get(original.transactionId) ?? []
    lines.push({ lineId: original.lineId, quantity: l.quantity })
    bySale.set(original.transactionId, lines)
  }
  const receipts: ReturnReceipt[] = []
  let already = true
  for (const [transactionId, lines] of bySale) {
    const returnId = bySale.size === 1 ? back.returnId : `${back.returnId}/${transactionId}`
    const earlier = options.store === undefined ? undefined : await options.store.findReturns(transactionId)
    const seen = earlier?.some((r) => r.returnId === returnId) === true
    const done = await checkout.return({ returnId, transactionId, at: back.at, lines })
    if (done._tag === 'Left') return { refusal: { reason: done.left._tag, message: done.left.message } }
    if (!seen) already = false
    receipts.push(done.right)
  }
  return { receipts, already }
}

import {
  type BgNbdFit,
  type CustomerValue,
  decodeValueHistoryJsonl,
  fitBgNbd,
  fitGammaGamma,
  type GammaGammaFit,
  type HistorySummary,
  type LocalDate,
  type PurchaseLine,
  predictMembers,
  rankByValue,
  summariseHistory,
  type TimeUnit,
  type ValueError,
} from '@tessera/core'
import type { Command } from 'commander'
import type { Either } from 'fp-ts/lib/Either.js'
import { type CliIo, CommandFailure, EXIT, printJson } from '../io.js'
import { readTextFile, storePurchases, writeValueSnapshots } from '../replay/sources.js'

interface PredictOptions extends HistoryOptions {
  readonly horizonWeeks: string
  readonly discountMonthly: string
  readonly jsonl?: boolean
  readonly writeSnapshot?: boolean
}

interface HistoryOptions {
  readonly history?: string
  readonly store?: string
  readonly until: string
  readonly unit?: string
  readonly timeZone?: string
}

/**
 * The purchases of `--history FILE` (plain purchase lines, or the transaction lines of `tessera
 * simulate`'s history) or of `--store URL` (the store's purchase rows of its members): exactly one.
 */
const loadPurchases = async (options: HistoryOptions): Promise<readonly PurchaseLine[]> => {
  if ((options.history === undefined) === (options.store === undefined))
    throw new CommandFailure('name the history: --history FILE or --store URL (one of them)')
  if (options.store !== undefined) return storePurchases(options.store)
  const file = options.history as string
  const lines = decodeValueHistoryJsonl(readTextFile(file, 'history'))
  if (lines._tag === 'Left') throw new CommandFailure(`${file}: ${lines.left.message}`)
  return lines.right
}

/** Reads and summarises the purchase history; a bad file, line, store or option fails with exit 2. */
const loadSummary = async (options: HistoryOptions): Promise<HistorySummary> => {
  const unit = options.unit ?? 'weeks'
  if (unit !== 'weeks' && unit !== 'days') throw new CommandFailure(`--unit must be weeks or days, got ${unit}`)
  const lines = await loadPurchases(options)
  const summary = summariseHistory(lines, {
    until: options.until,
    unit: unit as TimeUnit,
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  })
  if (summary._tag === 'Left') {
    const e = summary.left
    throw new CommandFailure(
      e._tag === 'InvalidAnalyticsInput' ? `--${e.path === 'timeZone' ? 'time-zone' : e.path}: ${e.reason}` : e.message,
      e._tag === 'InvalidAnalyticsInput' ? EXIT.badInput : EXIT.negative,
    )
  }
  return summary.right
}

/** Fits both models: BG/NBD must fit (exit 1 otherwise); Gamma-Gamma may fail, which makes the result partial. */
const fitModels = (summary: HistorySummary) => {
  const bgnbd = fitBgNbd(summary.members)
  if (bgnbd._tag === 'Left') throw new CommandFailure(bgnbd.left.message, EXIT.negative)
  const gammaGamma: Either<ValueError, GammaGammaFit> = fitGammaGamma(summary.members)
  return { bgnbd: bgnbd.right, gammaGamma }
}

const round = (x: number, digits: number) => Number(x.toFixed(digits))

const bgnbdJson = (f: BgNbdFit) => ({
  r: f.r,
  alpha: f.alpha,
  a: f.a,
  b: f.b,
  logLikelihood: f.logLikelihood,
  iterations: f.iterations,
})

const withHistoryOptions = (command: Command) =>
  command
    .option(
      '--history <file>',
      'JSONL history: { "memberId", "at", "amount" } lines (minor units), or the transaction lines of tessera simulate',
    )
    .option('--store <url>', "the store's own purchases of its members: sqlite:PATH or postgres://…")
    .requiredOption('--until <date>', 'last day of calibration, YYYY-MM-DD (its purchases count)')
    .option('--unit <unit>', 'the model time unit: weeks or days', 'weeks')
    .option(
      '--time-zone <zone>',
      "the store's IANA zone, for the day of each purchase (default: each time's own offset)",
    )

/**
 * `tessera value fit (--history FILE | --store URL) --until DATE [--json]` and `tessera value predict
 * (--history FILE | --store URL) --until DATE --horizon-weeks N --jsonl`: customer lifetime value (BG/NBD and Gamma-Gamma). Exit 0
 * with both models, 3 (partial) when only BG/NBD could be fitted (spend and CLV are then null), 1 when
 * the history cannot be fitted (why on stderr), 2 for a bad file, line or option.
 */
export const registerValue = (program: Command, io: CliIo) => {
  const value = program
    .command('value')
    .description('customer lifetime value: BG/NBD and Gamma-Gamma fits and predictions')
  withHistoryOptions(
    value
      .command('fit')
      .description('fit BG/NBD and Gamma-Gamma on a purchase history')
      .option('--json', 'print the fit as JSON'),
  ).action(async (options: HistoryOptions & { json?: boolean }) => {
    const summary = await loadSummary(options)
    const { bgnbd, gammaGamma } = fitModels(summary)
    const spend = gammaGamma._tag === 'Right' ? gammaGamma.right : undefined
    if (options.json === true) {
      printJson(io, {
        members: summary.members.length,
        unit: summary.unit,
        until: summary.until,
        bgnbd: bgnbdJson(bgnbd),
        gammaGamma:
          spend === undefined
            ? null
            : {
                members: spend.members,
                p: spend.p,
                q: spend.q,
                gamma: spend.gamma,
                logLikelihood: spend.logLikelihood,
              },
        ...(gammaGamma._tag === 'Left' ? { partial: gammaGamma.left.message } : {}),
      })
    } else {
      io.out(`${summary.members.length} members, calibrated to ${summary.until}, in ${summary.unit}\n`)
      io.out(
        `BG/NBD: r=${round(bgnbd.r, 4)} alpha=${round(bgnbd.alpha, 4)} a=${round(bgnbd.a, 4)} b=${round(bgnbd.b, 4)} log-likelihood=${round(bgnbd.logLikelihood, 2)} (${bgnbd.iterations} iterations)\n`,
      )
      io.out(
        spend === undefined
          ? 'Gamma-Gamma: not fitted\n'
          : `Gamma-Gamma: ${spend.members} members, p=${round(spend.p, 4)} q=${round(spend.q, 4)} gamma=${round(spend.gamma, 2)} (minor units)\n`,
      )
    }
    if (gammaGamma._tag === 'Left') throw new CommandFailure(`partial result: ${gammaGamma.left.message}`, EXIT.partial)
  })
  withHistoryOptions(
    value
      .command('predict')
      .description('predict each member: P(alive), expected transactions, spend and CLV over a horizon')
      .requiredOption('--horizon-weeks <n>', 'the horizon in weeks')
      .option('--discount-monthly <rate>', 'monthly discount rate of the CLV', '0.01')
      .option('--jsonl', 'one JSON line per member (the default output)')
      .option(
        '--write-snapshot',
        "with --store: write each member's value snapshot (CLV, P(alive), rank, share above) into the store's member documents",
      ),
  ).action(async (options: PredictOptions) => {
    if (options.writeSnapshot === true && options.store === undefined)
      throw new CommandFailure('--write-snapshot needs --store URL: the snapshot is written into that store')
    const weeks = Number(options.horizonWeeks)
    if (!(Number.isFinite(weeks) && weeks > 0)) {
      throw new CommandFailure(`--horizon-weeks must be a number > 0, got ${options.horizonWeeks}`)
    }
    const discountMonthly = Number(options.discountMonthly)
    if (!(Number.isFinite(discountMonthly) && discountMonthly >= 0 && discountMonthly < 1)) {
      throw new CommandFailure(`--discount-monthly must be within [0, 1), got ${options.discountMonthly}`)
    }
    const summary = await loadSummary(options)
    const { bgnbd, gammaGamma } = fitModels(summary)
    const predictions = predictMembers(
      { bgnbd, gammaGamma: gammaGamma._tag === 'Right' ? gammaGamma.right : undefined },
      summary.members,
      { horizon: summary.unit === 'weeks' ? weeks : weeks * 7, unit: summary.unit, discountMonthly },
    )
    if (predictions._tag === 'Left') throw new CommandFailure(predictions.left.message, EXIT.negative)
    // The value rank and share of value above each member: the Customer document's `value` snapshot.
    const ranks = new Map(rankByValue(predictions.right).map((r) => [r.memberId, r]))
    const out: string[] = []
    for (const v of predictions.right) {
      const rank = ranks.get(v.memberId)
      out.push(`${JSON.stringify({ ...v, rank: rank?.rank, shareAbove: rank?.shareAbove })}\n`)
    }
    io.out(out.join(''))
    if (gammaGamma._tag === 'Left') {
      throw new CommandFailure(
        `partial result (spend and CLV are null${options.writeSnapshot === true ? '; no snapshot written' : ''}): ${gammaGamma.left.message}`,
        EXIT.partial,
      )
    }
    if (options.writeSnapshot === true && options.store !== undefined) {
      const snapshots = new Map<string, CustomerValue>(
        [...ranks.values()].map((r) => [
          r.memberId,
          { clv: r.clv, pAlive: r.pAlive, shareAbove: r.shareAbove, rank: r.rank, asOf: summary.until as LocalDate },
        ]),
      )
      const { written, notEnrolled } = await writeValueSnapshots(options.store, snapshots)
      io.err(
        `tessera: value snapshot (as of ${summary.until}) written for ${written} members${notEnrolled > 0 ? `; ${notEnrolled} customers with purchases are not enrolled members (not written)` : ''}\n`,
      )
    }
  })
  return value
}

import { writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { DIALECTS, type Dialect, type ReadOptions } from '@tessera/adapter-poslog'
import {
  type Draft,
  decodeDraft,
  decodeProgram,
  type HistoryEntry,
  type Program,
  type SimulationSummary,
} from '@tessera/core'
import { SingleBar } from 'cli-progress'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, orFail, printJson, readJsonFile } from '../io.js'
import { type RoutedText, replayInWorkers, replayStreamInWorkers } from '../replay/parallel.js'
import {
  atOf,
  decodeTexts,
  jobShardable,
  type ReplayJob,
  type ReplayResult,
  readText,
  replayEntries,
  replayEntryStream,
  replayTexts,
} from '../replay/replay.js'
import { routeOf } from '../replay/route.js'
import { jsonlTexts, posLogTexts, storeTexts } from '../replay/sources.js'
import { mergeByTime, OutOfOrder, openJsonlFile, readAhead, type TextSource, textsSource } from '../replay/stream.js'
import { bySourceThenLine, type HistoryText, type HistoryTexts, type SkippedLine } from '../replay/texts.js'
import { loadDocument } from './evaluate.js'
import { renderSimulationReport } from './simulateReport.js'

/** The POSLog read options of a history command. */
interface PosLogFlags {
  readonly poslogDialect?: string
  readonly poslogTimeZone?: string
  readonly poslogCurrency?: string
}

const posLogOptionsOf = (flags: PosLogFlags): ReadOptions => {
  if (flags.poslogDialect !== undefined && !DIALECTS.includes(flags.poslogDialect as Dialect))
    throw new CommandFailure(`--poslog-dialect must be one of ${DIALECTS.join(', ')}, got "${flags.poslogDialect}"`)
  return {
    ...(flags.poslogDialect !== undefined ? { dialect: flags.poslogDialect as Dialect } : {}),
    ...(flags.poslogTimeZone !== undefined ? { timeZone: flags.poslogTimeZone } : {}),
    ...(flags.poslogCurrency !== undefined ? { currency: flags.poslogCurrency } : {}),
  }
}

export type { SkippedLine } from '../replay/texts.js'

/** The options that name a history: JSONL files, a store, POSLog files (any of them, together). */
export interface HistoryInputOptions extends PosLogFlags {
  readonly history?: readonly string[]
  readonly store?: string
  readonly poslog?: readonly string[]
}

/** Adds `--history FILE...`, `--store URL` and `--poslog FILE...` (with the POSLog read options). */
export const withHistoryInputs = (command: Command): Command =>
  command
    .option('--history <files...>', 'JSONL history files: { basket, customer?, booked? } or { return } per line')
    .option('--store <url>', "a store's own closed transactions: sqlite:PATH or postgres://…")
    .option('--poslog <files...>', 'ARTS POSLog files, read by @tessera/adapter-poslog')
    .option('--poslog-dialect <dialect>', `force the POSLog dialect (${DIALECTS.join(', ')})`)
    .option('--poslog-time-zone <zone>', "the store's IANA zone, for POSLog local timestamps")
    .option('--poslog-currency <code>', 'the currency when the POSLog names none')

/**
 * Reads every history the options name, as texts for one decoder, in this order: the JSONL files,
 * the store's transactions (each customer judged on the program's tiers), the POSLog files. None
 * named: the command fails (exit 2).
 */
export const loadHistoryTexts = async (options: HistoryInputOptions, program?: Program): Promise<HistoryTexts> => {
  const parts: HistoryTexts[] = []
  if (options.history !== undefined) parts.push(jsonlTexts(options.history))
  if (options.store !== undefined) parts.push(await storeTexts(options.store, program))
  if (options.poslog !== undefined) parts.push(await posLogTexts(options.poslog, posLogOptionsOf(options)))
  if (parts.length === 0) throw new CommandFailure('name a history: --history FILE..., --store URL or --poslog FILE...')
  return { texts: parts.flatMap((p) => p.texts), refused: parts.flatMap((p) => p.refused) }
}

/** Prints the skipped lines on stderr (the first 20, then how many more). */
export const warnSkipped = (io: CliIo, skipped: readonly SkippedLine[]) => {
  for (const s of skipped.slice(0, 20))
    io.err(
      `tessera: warning: ${s.file}: line ${s.line}: ${s.problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ')} (skipped)\n`,
    )
  if (skipped.length > 20) io.err(`tessera: warning: ${skipped.length - 20} more lines skipped\n`)
}

/** The JSONL history files, decoded line by line (a bad line is skipped and reported), in time order. */
export const readHistory = (
  files: readonly string[],
): { readonly entries: readonly HistoryEntry[]; readonly skipped: readonly SkippedLine[] } =>
  decodeTexts(jsonlTexts(files).texts)

/** Reads and decodes a draft (strict), or fails the command with the file and the field's path. */
export const loadDraft = (path: string, document: string): Draft => {
  const json = orFail(readJsonFile(path, document))
  const decoded = decodeDraft(json)
  if (decoded._tag === 'Left')
    throw new CommandFailure(`${path}: ${decoded.left.message.replace(/^invalid draft/, `invalid ${document}`)}`)
  return decoded.right
}

interface SimulateOptions extends HistoryInputOptions {
  readonly campaigns: string
  readonly baseline?: string
  readonly program?: string
  readonly storeTimeZone?: string
  readonly workers?: string
  readonly json?: boolean
  readonly out?: string
}

/** The report of `tessera simulate --json`: the draft's figures, the baseline's beside them, the skipped lines. */
export interface SimulationReport extends SimulationSummary {
  readonly storeTimeZone: string
  readonly skipped: readonly SkippedLine[]
  readonly baseline?: SimulationSummary
}

const PROGRESS_FROM = 5_000
/** Without `--workers`, a history this long or longer is replayed on every core; a shorter one on this thread. */
export const PARALLEL_FROM = 5_000

/** Replays the history against the draft (and the baseline, in the same pass), on this thread. */
export const runSimulation = (
  entries: readonly HistoryEntry[],
  draft: Draft,
  baseline: Draft | undefined,
  program: Program | undefined,
  storeTimeZone: string,
  onProgress?: (done: number) => void,
): { readonly draft: SimulationSummary; readonly baseline?: SimulationSummary } =>
  replayEntries(
    {
      draft,
      storeTimeZone,
      ...(baseline !== undefined ? { baseline } : {}),
      ...(program !== undefined ? { program } : {}),
    },
    entries,
    onProgress,
  )

/** `--workers N`: a whole number ≥ 1, else the command fails (exit 2). */
const workersOf = (given: string | undefined): { readonly count: number; readonly explicit: boolean } => {
  if (given === undefined) return { count: availableParallelism(), explicit: false }
  const n = Number(given)
  if (!Number.isSafeInteger(n) || n < 1 || n > 256)
    throw new CommandFailure(`--workers: must be a whole number from 1 to 256, got "${given}"`)
  return { count: n, explicit: true }
}

/**
 * Replays the texts on this thread or in worker threads over customer shards: with `--workers N`
 * (N > 1) always when the campaigns allow it, without it on every core from
 * {@link PARALLEL_FROM} transactions. Campaigns with a total limit or a budget share their usage
 * between customers, so they are replayed on one thread (said on stderr when workers were asked).
 */
export const replayHistory = async (
  io: CliIo,
  job: ReplayJob,
  texts: readonly HistoryText[],
  workers: { readonly count: number; readonly explicit: boolean },
  onProgress?: (done: number) => void,
): Promise<ReplayResult & { readonly workers: number }> => {
  const count = threadsFor(io, job, workers, texts.length)
  return replayTextsOn(job, texts, count, onProgress)
}

/** The threads a job is replayed on, for a history of `length` transactions (or more), as {@link replayHistory} says. */
const threadsFor = (
  io: CliIo,
  job: ReplayJob,
  workers: { readonly count: number; readonly explicit: boolean },
  length: number,
): number => {
  let count = workers.count
  if (!workers.explicit && length < PARALLEL_FROM) count = 1
  if (count > 1 && !jobShardable(job)) {
    if (workers.explicit)
      io.err(
        'tessera: note: a campaign has a total limit or a budget, shared by every customer: replayed on one thread\n',
      )
    count = 1
  }
  return count
}

const replayTextsOn = async (
  job: ReplayJob,
  texts: readonly HistoryText[],
  count: number,
  onProgress?: (done: number) => void,
): Promise<ReplayResult & { readonly workers: number }> =>
  count === 1
    ? { ...replayTexts(job, texts, onProgress), workers: 1 }
    : { ...(await replayInWorkers(job, texts, count, onProgress)), workers: count }

/** A history as the streamed replay reads it: JSONL files opened to stream, the store's and POSLog texts in memory. */
interface StreamedHistory {
  readonly files: readonly string[]
  readonly streams: readonly TextSource[]
  /** The store's texts (one source, in time order) and each POSLog file's (one source each). */
  readonly inMemory: readonly (readonly HistoryText[])[]
  readonly refused: readonly SkippedLine[]
}

/**
 * Opens the history the options name to stream it: every JSONL file opened (a missing one fails
 * the command before anything else is read), then the store's transactions and the POSLog files
 * read as {@link loadHistoryTexts} reads them (in memory: they are not streamed).
 */
const openHistory = async (options: HistoryInputOptions, program?: Program): Promise<StreamedHistory> => {
  const files = options.history ?? []
  const streams: TextSource[] = []
  try {
    for (const f of files) streams.push(openJsonlFile(f))
    const inMemory: HistoryText[][] = []
    const refused: SkippedLine[] = []
    if (options.store !== undefined) {
      const store = await storeTexts(options.store, program)
      inMemory.push([...store.texts])
      refused.push(...store.refused)
    }
    if (options.poslog !== undefined) {
      const poslog = await posLogTexts(options.poslog, posLogOptionsOf(options))
      // Each file's texts, one source each (a file's transactions are together, in file order).
      let run: HistoryText[] | undefined
      for (const t of poslog.texts) {
        if (run?.[0]?.source === t.source) run.push(t)
        else {
          run = [t]
          inMemory.push(run)
        }
      }
      refused.push(...poslog.refused)
    }
    if (files.length === 0 && options.store === undefined && options.poslog === undefined)
      throw new CommandFailure('name a history: --history FILE..., --store URL or --poslog FILE...')
    return { files, streams, inMemory, refused }
  } catch (e) {
    for (const s of streams) s.close()
    throw e
  }
}

/** A progress bar that shows once a history looks long, on a terminal: its total estimated as it is read. */
const progressBar = (estimate: () => number) => {
  let bar: SingleBar | undefined
  let shown = false
  return {
    update: (done: number) => {
      if (!shown) {
        if (!process.stderr.isTTY || estimate() < PROGRESS_FROM) return
        shown = true
        bar = new SingleBar({
          format: 'Replaying [{bar}] {value}/{total} transactions',
          stream: process.stderr,
          hideCursor: true,
        })
        bar.start(Math.max(done, estimate()), done)
        return
      }
      bar?.setTotal(Math.max(done, estimate()))
      bar?.update(done)
    },
    stop: (done: number) => {
      bar?.setTotal(done)
      bar?.update(done)
      bar?.stop()
    },
  }
}

/**
 * Replays the history as a stream: each JSONL file read line by line and the sources merged by
 * time ({@link mergeByTime}), on this thread (each text decoded once, as it is read) or in worker
 * threads over customer shards (each text routed here, decoded in its shard), so that memory stays
 * flat however long the files are. The figures and skipped lines are those of {@link replayHistory}
 * on the same history read whole. A source found out of order (a text earlier than one before it)
 * makes the replay start again on the whole history read into memory and sorted, as before, with a
 * note on stderr: the figures are the same, the memory is not flat.
 */
const replayStreamed = async (
  io: CliIo,
  job: ReplayJob,
  history: StreamedHistory,
  workers: { readonly count: number; readonly explicit: boolean },
): Promise<ReplayResult & { readonly workers: number; readonly sources: readonly string[] }> => {
  const memoryTexts = history.inMemory.reduce((n, texts) => n + texts.length, 0)
  let sources: readonly TextSource[] = [...history.streams, ...history.inMemory.map(textsSource)]
  // Whether the history reaches PARALLEL_FROM (the same choice as on the history read whole): read
  // ahead at most that many texts, only when the choice depends on it.
  let length = PARALLEL_FROM
  if (!workers.explicit && workers.count > 1 && jobShardable(job)) {
    const ahead = await readAhead(sources, PARALLEL_FROM)
    sources = ahead.sources
    length = ahead.counted
  }
  const count = threadsFor(io, job, workers, length)
  let read = 0
  const counted = sources.map(
    (s): TextSource => ({
      ...s,
      next: async () => {
        const t = await s.next()
        if (t !== undefined) read += 1
        return t
      },
    }),
  )
  const estimate = () => {
    let bytesRead = 0
    let bytes = 0
    for (const s of history.streams) {
      const b = s.bytes()
      bytesRead += b.read
      bytes += b.total
    }
    const fromFiles = read - memoryTexts
    return bytesRead === 0 ? read : Math.round(memoryTexts + (Math.max(0, fromFiles) * bytes) / bytesRead)
  }
  const bar = progressBar(estimate)
  const onProgress = (done: number) => bar.update(done)
  const skipped: SkippedLine[] = []
  const names = [...new Set([...history.files, ...history.inMemory.flatMap((texts) => texts.map((t) => t.source))])]
  try {
    let result: ReplayResult
    if (count === 1) {
      const entries = mergeByTime<HistoryEntry>(
        counted,
        (t) => {
          const { entry, skipped: bad } = readText(t)
          // A source gives no blank text, so a text that decodes has an entry.
          return bad !== undefined
            ? { skipped: bad }
            : { atMs: atOf(entry as HistoryEntry), value: entry as HistoryEntry }
        },
        skipped,
      )
      result = { ...(await replayEntryStream(job, entries, onProgress)), skipped: [] }
    } else {
      const texts = mergeByTime<RoutedText>(
        counted,
        (t) => {
          const route = routeOf(t.text)
          return { atMs: route.atMs, value: { text: t, route } }
        },
        skipped,
        (t) => readText(t).skipped,
      )
      result = await replayStreamInWorkers(job, texts, names, count, onProgress)
    }
    bar.stop(read)
    // The sources in the order of their first text, as on the history read whole.
    const given = [
      ...history.files.filter((_, i) => history.streams[i]?.given() === true),
      ...history.inMemory.flatMap((texts) => texts.map((t) => t.source)),
    ]
    return { ...result, skipped: [...skipped, ...result.skipped], workers: count, sources: given }
  } catch (e) {
    bar.stop(0)
    if (!(e instanceof OutOfOrder)) throw e
    io.err(
      `tessera: note: ${e.message}: the history is not in time order, so it is read whole and sorted in memory (sort each file by time to replay it as a stream, in flat memory)\n`,
    )
    const texts = [...jsonlTexts(history.files).texts, ...history.inMemory.flat()]
    const again = progressBar(() => texts.length)
    const result = await replayTextsOn(job, texts, count, (n) => again.update(n))
    again.stop(texts.length)
    return { ...result, sources: texts.map((t) => t.source) }
  }
}

const eur = (minor: number) => (minor / 100).toFixed(2)
const pad = (s: string | number, n: number) => String(s).padStart(n)

const printText = (io: CliIo, r: SimulationReport) => {
  const b = r.baseline
  const row = (label: string, draft: string | number, base?: string | number) =>
    io.out(`${label.padEnd(24)}${pad(draft, 14)}${b !== undefined ? pad(base ?? '', 14) : ''}\n`)
  io.out(`Replayed ${r.baskets} sales and ${r.returns} returns${r.from ? ` from ${r.from} to ${r.until}` : ''}\n\n`)
  row('', 'draft', 'baseline')
  row('discount cost', eur(r.discountCost), b && eur(b.discountCost))
  row('points issued', r.pointsIssued, b?.pointsIssued)
  if (r.pointsLiability !== undefined)
    row('points liability', eur(r.pointsLiability), b?.pointsLiability !== undefined ? eur(b.pointsLiability) : '')
  row('redemptions', r.redemptions, b?.redemptions)
  row('coupons issued', r.couponsIssued, b?.couponsIssued)
  row('customers reached', r.customersReached, b?.customersReached)
  io.out(`\nReach by tier: ${JSON.stringify(r.reach.byTier)}; by stage: ${JSON.stringify(r.reach.byLifecycle)}\n\n`)
  io.out(
    `${'campaign'.padEnd(28)}${pad('cost', 12)}${pad('redeemed', 10)}${pad('points', 10)}${pad('coupons', 9)}${pad('fired', 8)}${pad('rate', 7)}  budget out\n`,
  )
  for (const c of r.campaigns) {
    io.out(
      `${c.id.padEnd(28)}${pad(eur(c.cost), 12)}${pad(c.redemptions, 10)}${pad(c.pointsIssued, 10)}${pad(c.couponsIssued, 9)}${pad(c.fired, 8)}${pad(`${Math.round(c.redemptionRate * 100)}%`, 7)}  ${c.budgetExhaustedAt ?? ''}\n`,
    )
  }
  if (r.neverFired.length > 0) io.out(`\nNever fired: ${r.neverFired.join(', ')}\n`)
  if (r.alwaysShadowed.length > 0) io.out(`Always shadowed by another campaign: ${r.alwaysShadowed.join(', ')}\n`)
}

/**
 * `tessera simulate (--history FILE... | --store URL | --poslog FILE...) --campaigns DRAFT.json
 * [--baseline CURRENT.json] [--program P.json] [--workers N] [--json] [--out report.html]`: replays
 * past baskets in time order against a draft, as the checkout would have priced and booked them,
 * and prints what it would have cost beside the baseline. Books nothing. The history is JSONL files
 * (one sale or return per line), a store's own closed transactions, or POSLog files, or several of
 * them. A history line that does not decode is reported (source, line, field) and skipped; a draft
 * that does not decode stops before the replay (exit 2), naming the field's path. `--workers N`
 * replays in N worker threads over customer shards (default: every core, for long histories).
 */
export const registerSimulate = (program: Command, io: CliIo) =>
  withHistoryInputs(
    program
      .command('simulate')
      .description('replay past baskets against a draft set of campaigns: cost, points, coupons, reach'),
  )
    .requiredOption(
      '--campaigns <file>',
      'the draft: a JSON array of campaigns, or { campaigns, program?, storeTimeZone?, couponPolicy? }',
    )
    .option('--baseline <file>', 'the current campaigns, replayed beside the draft')
    .option('--program <file>', 'the loyalty program JSON (overrides the one in the draft)')
    .option('--store-time-zone <zone>', "IANA zone of the store's limit periods (default: the draft's, else UTC)")
    .option('--workers <n>', 'worker threads over customer shards (default: one per core, for long histories)')
    .option('--json', 'print the figures as JSON')
    .option('--out <file>', 'also write an HTML report with charts (cost per day, reach, draft beside baseline)')
    .action(async (options: SimulateOptions) => {
      // Every document and option is checked before the replay: a bad draft stops here, with its path.
      const workers = workersOf(options.workers)
      const draft = loadDraft(options.campaigns, 'draft')
      const baseline = options.baseline === undefined ? undefined : loadDraft(options.baseline, 'baseline')
      const loyalty =
        options.program === undefined ? undefined : loadDocument(options.program, 'program', decodeProgram)
      const storeTimeZone = options.storeTimeZone ?? draft.storeTimeZone ?? baseline?.storeTimeZone ?? 'UTC'
      const history = await openHistory(options, loyalty ?? draft.program)
      const result = await replayStreamed(
        io,
        {
          draft,
          storeTimeZone,
          ...(baseline !== undefined ? { baseline } : {}),
          ...(loyalty !== undefined ? { program: loyalty } : {}),
        },
        history,
        workers,
      )
      // By source (the JSONL files, the store, the POSLog files, in the order given), then line.
      const sources = [...new Set([...result.sources, ...history.refused.map((r) => r.file)])]
      const skipped = [...history.refused, ...result.skipped].sort(bySourceThenLine(sources))
      warnSkipped(io, skipped)
      const report: SimulationReport = {
        ...result.draft,
        storeTimeZone,
        skipped,
        ...(result.baseline !== undefined ? { baseline: result.baseline } : {}),
      }
      if (options.out !== undefined) {
        try {
          writeFileSync(options.out, renderSimulationReport(report))
        } catch (e) {
          throw new CommandFailure(
            `${options.out}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? e})`,
          )
        }
      }
      if (options.json === true) printJson(io, report)
      else printText(io, report)
      if (options.out !== undefined) io.err(`tessera: report written to ${options.out}\n`)
    })

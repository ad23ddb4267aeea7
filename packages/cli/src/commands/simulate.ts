import { readFileSync, writeFileSync } from 'node:fs'
import {
  createReplay,
  type Draft,
  decodeDraft,
  decodeHistoryLine,
  decodeProgram,
  type FieldProblem,
  type HistoryEntry,
  type Program,
  type SimulationSummary,
} from '@tessera/core'
import { SingleBar } from 'cli-progress'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, orFail, printJson, readJsonFile } from '../io.js'
import { loadDocument } from './evaluate.js'
import { renderSimulationReport } from './simulateReport.js'

/** A history line that did not decode: its file, line number and refused fields. */
export interface SkippedLine {
  readonly file: string
  readonly line: number
  readonly problems: readonly FieldProblem[]
}

/** The history files, decoded line by line (a bad line is skipped and reported), in time order. */
export const readHistory = (
  files: readonly string[],
): { readonly entries: readonly HistoryEntry[]; readonly skipped: readonly SkippedLine[] } => {
  const entries: HistoryEntry[] = []
  const skipped: SkippedLine[] = []
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw new CommandFailure(`${file}: cannot read the history (${(e as NodeJS.ErrnoException).code ?? e})`)
    }
    const lines = text.split('\n')
    for (const [i, line] of lines.entries()) {
      const decoded = decodeHistoryLine(line, i + 1)
      if (decoded._tag === 'Left') skipped.push({ file, line: i + 1, problems: decoded.left.problems })
      else if (decoded.right !== undefined) entries.push(decoded.right)
    }
  }
  const atOf = (e: HistoryEntry) => Date.parse(e.kind === 'sale' ? e.basket.at : e.at)
  let sorted = true
  for (let i = 1; i < entries.length && sorted; i++)
    sorted = atOf(entries[i - 1] as HistoryEntry) <= atOf(entries[i] as HistoryEntry)
  // A stable sort: transactions at the same instant keep the order they were booked in.
  return { entries: sorted ? entries : [...entries].sort((a, b) => atOf(a) - atOf(b)), skipped }
}

/** Reads and decodes a draft (strict), or fails the command with the file and the field's path. */
export const loadDraft = (path: string, document: string): Draft => {
  const json = orFail(readJsonFile(path, document))
  const decoded = decodeDraft(json)
  if (decoded._tag === 'Left')
    throw new CommandFailure(`${path}: ${decoded.left.message.replace(/^invalid draft/, `invalid ${document}`)}`)
  return decoded.right
}

interface SimulateOptions {
  readonly history: readonly string[]
  readonly campaigns: string
  readonly baseline?: string
  readonly program?: string
  readonly storeTimeZone?: string
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

/** Replays the history against the draft (and the baseline, in the same pass). */
export const runSimulation = (
  entries: readonly HistoryEntry[],
  draft: Draft,
  baseline: Draft | undefined,
  program: Program | undefined,
  storeTimeZone: string,
  onProgress?: (done: number) => void,
): { readonly draft: SimulationSummary; readonly baseline?: SimulationSummary } => {
  const replayOf = (d: Draft) => {
    const p = program ?? d.program
    return createReplay({
      campaigns: d.campaigns,
      storeTimeZone,
      ...(p !== undefined ? { program: p } : {}),
      ...(d.couponPolicy !== undefined ? { couponPolicy: d.couponPolicy } : {}),
    })
  }
  const a = replayOf(draft)
  const b = baseline === undefined ? undefined : replayOf(baseline)
  for (const [i, entry] of entries.entries()) {
    a.push(entry)
    b?.push(entry)
    if (onProgress !== undefined && i % 1000 === 999) onProgress(i + 1)
  }
  return { draft: a.summary(), ...(b !== undefined ? { baseline: b.summary() } : {}) }
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
 * `tessera simulate --history FILE... --campaigns DRAFT.json [--baseline CURRENT.json] [--program P.json] [--json] [--out report.html]`:
 * replays past baskets (JSONL, one sale or return per line) in time order against a draft, as the
 * checkout would have priced and booked them, and prints what it would have cost beside the
 * baseline. Books nothing. A history line that does not decode is reported (file, line, field) and
 * skipped; a draft that does not decode stops before the replay (exit 2), naming the field's path.
 */
export const registerSimulate = (program: Command, io: CliIo) =>
  program
    .command('simulate')
    .description('replay past baskets against a draft set of campaigns: cost, points, coupons, reach')
    .requiredOption(
      '--history <files...>',
      'JSONL history files: { basket, customer?, booked? } or { return } per line',
    )
    .requiredOption(
      '--campaigns <file>',
      'the draft: a JSON array of campaigns, or { campaigns, program?, storeTimeZone?, couponPolicy? }',
    )
    .option('--baseline <file>', 'the current campaigns, replayed beside the draft')
    .option('--program <file>', 'the loyalty program JSON (overrides the one in the draft)')
    .option('--store-time-zone <zone>', "IANA zone of the store's limit periods (default: the draft's, else UTC)")
    .option('--json', 'print the figures as JSON')
    .option('--out <file>', 'also write an HTML report with charts (cost per day, reach, draft beside baseline)')
    .action((options: SimulateOptions) => {
      // Every document is decoded before the replay: a bad draft stops here, with its path.
      const draft = loadDraft(options.campaigns, 'draft')
      const baseline = options.baseline === undefined ? undefined : loadDraft(options.baseline, 'baseline')
      const loyalty =
        options.program === undefined ? undefined : loadDocument(options.program, 'program', decodeProgram)
      const storeTimeZone = options.storeTimeZone ?? draft.storeTimeZone ?? baseline?.storeTimeZone ?? 'UTC'
      const { entries, skipped } = readHistory(options.history)
      for (const s of skipped.slice(0, 20))
        io.err(
          `tessera: warning: ${s.file}: line ${s.line}: ${s.problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ')} (skipped)\n`,
        )
      if (skipped.length > 20) io.err(`tessera: warning: ${skipped.length - 20} more lines skipped\n`)
      const bar =
        entries.length >= PROGRESS_FROM && process.stderr.isTTY
          ? new SingleBar({
              format: 'Replaying [{bar}] {value}/{total} transactions',
              stream: process.stderr,
              hideCursor: true,
            })
          : undefined
      bar?.start(entries.length, 0)
      let result: ReturnType<typeof runSimulation>
      try {
        result = runSimulation(entries, draft, baseline, loyalty, storeTimeZone, bar && ((n) => bar.update(n)))
      } finally {
        bar?.update(entries.length)
        bar?.stop()
      }
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

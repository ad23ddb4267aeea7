import {
  createReplay,
  type Draft,
  decodeHistoryLine,
  type HistoryEntry,
  type Program,
  type Replay,
  type SimulationSummary,
  shardable,
} from '@tessera/core'
import { bySourceThenLine, type HistoryText, type SkippedLine } from './texts.js'

/**
 * What a simulation replays against: the draft, the baseline replayed beside it in the same pass,
 * the program (overriding the draft's) and the store's time zone. Plain data, so that it crosses
 * to a worker thread once, at its start.
 */
export interface ReplayJob {
  readonly draft: Draft
  readonly baseline?: Draft
  readonly program?: Program
  readonly storeTimeZone: string
}

/** The figures of a simulation: the draft's, the baseline's, and the lines skipped. */
export interface ReplayResult {
  readonly draft: SimulationSummary
  readonly baseline?: SimulationSummary
  readonly skipped: readonly SkippedLine[]
}

/** The time of an entry (`Date.parse`): its basket's, or its return's. */
export const atOf = (e: HistoryEntry) => Date.parse(e.kind === 'sale' ? e.basket.at : e.at)

/** One history text decoded: its entry, or the skipped line (source, line, fields), or neither (a blank line). */
export const readText = (
  t: HistoryText,
): { readonly entry?: HistoryEntry | undefined; readonly skipped?: SkippedLine | undefined } => {
  const decoded = decodeHistoryLine(t.text, t.line)
  return decoded._tag === 'Left'
    ? { skipped: { file: t.source, line: t.line, problems: decoded.left.problems } }
    : { entry: decoded.right }
}

/**
 * Decodes history texts (a line that does not decode is skipped and reported with its source, line
 * number and fields) and puts the entries in time order: a stable sort, so that transactions at the
 * same instant keep the order they were given in.
 */
export const decodeTexts = (
  texts: readonly HistoryText[],
): { readonly entries: readonly HistoryEntry[]; readonly skipped: readonly SkippedLine[] } => {
  const entries: HistoryEntry[] = []
  const skipped: SkippedLine[] = []
  for (const t of texts) {
    const { entry, skipped: bad } = readText(t)
    if (bad !== undefined) skipped.push(bad)
    else if (entry !== undefined) entries.push(entry)
  }
  let sorted = true
  for (let i = 1; i < entries.length && sorted; i++)
    sorted = atOf(entries[i - 1] as HistoryEntry) <= atOf(entries[i] as HistoryEntry)
  return { entries: sorted ? entries : [...entries].sort((a, b) => atOf(a) - atOf(b)), skipped }
}

/** The replays of a job: the draft's and, when there is one, the baseline's. */
export const replaysOf = (job: ReplayJob): { readonly draft: Replay; readonly baseline?: Replay } => {
  const replayOf = (d: Draft) => {
    const p = job.program ?? d.program
    return createReplay({
      campaigns: d.campaigns,
      storeTimeZone: job.storeTimeZone,
      ...(p !== undefined ? { program: p } : {}),
      ...(d.couponPolicy !== undefined ? { couponPolicy: d.couponPolicy } : {}),
    })
  }
  return {
    draft: replayOf(job.draft),
    ...(job.baseline !== undefined ? { baseline: replayOf(job.baseline) } : {}),
  }
}

/** The figures of one shard: its summaries and the lines it skipped, nothing per basket. */
export interface ShardResult {
  readonly draft: SimulationSummary
  readonly baseline?: SimulationSummary
  readonly skipped: readonly SkippedLine[]
}

/**
 * Decodes and replays a shard's history texts as they come (in time order), against the job's
 * draft and baseline compiled once: what a replay worker does with its shard, and the calling
 * thread with its own. A text that does not decode is kept as a skipped line of `sources[source]`.
 */
export const createTextReplay = (job: ReplayJob, sources: readonly string[]) => {
  const { draft, baseline } = replaysOf(job)
  const skipped: SkippedLine[] = []
  return {
    push: (text: string, source: number, line: number): void => {
      const decoded = decodeHistoryLine(text, line)
      if (decoded._tag === 'Left') {
        skipped.push({ file: sources[source] as string, line, problems: decoded.left.problems })
        return
      }
      const entry = decoded.right
      if (entry === undefined) return
      draft.push(entry)
      baseline?.push(entry)
    },
    end: (): ShardResult => ({
      draft: draft.summary(),
      ...(baseline !== undefined ? { baseline: baseline.summary() } : {}),
      skipped,
    }),
  }
}

/** Replays entries (in time order) against the draft and the baseline in the same pass. */
export const replayEntries = (
  job: ReplayJob,
  entries: readonly HistoryEntry[],
  onProgress?: (done: number) => void,
): { readonly draft: SimulationSummary; readonly baseline?: SimulationSummary } => {
  const { draft, baseline } = replaysOf(job)
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as HistoryEntry
    draft.push(entry)
    baseline?.push(entry)
    if (onProgress !== undefined && i % 1000 === 999) onProgress(i + 1)
  }
  return { draft: draft.summary(), ...(baseline !== undefined ? { baseline: baseline.summary() } : {}) }
}

/**
 * Replays entries as they come (in time order: a merge of streamed files) against the draft and
 * the baseline in the same pass, keeping nothing per entry.
 */
export const replayEntryStream = async (
  job: ReplayJob,
  entries: AsyncIterable<HistoryEntry>,
  onProgress?: (done: number) => void,
): Promise<{ readonly draft: SimulationSummary; readonly baseline?: SimulationSummary }> => {
  const { draft, baseline } = replaysOf(job)
  let i = 0
  for await (const entry of entries) {
    draft.push(entry)
    baseline?.push(entry)
    if (onProgress !== undefined && i % 1000 === 999) onProgress(i + 1)
    i += 1
  }
  return { draft: draft.summary(), ...(baseline !== undefined ? { baseline: baseline.summary() } : {}) }
}

/**
 * Decodes and replays history texts on this thread; the skipped lines by source, then line. Texts
 * in time order are replayed as they are decoded, keeping nothing per basket; at the first one out
 * of order the replay starts again on all of them, decoded and sorted first.
 */
export const replayTexts = (
  job: ReplayJob,
  texts: readonly HistoryText[],
  onProgress?: (done: number) => void,
): ReplayResult => {
  const sources = [...new Set(texts.map((t) => t.source))]
  const { draft, baseline } = replaysOf(job)
  const skipped: SkippedLine[] = []
  let last = Number.NEGATIVE_INFINITY
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i] as HistoryText
    const { entry, skipped: bad } = readText(t)
    if (bad !== undefined) skipped.push(bad)
    else if (entry !== undefined) {
      const at = atOf(entry)
      if (at < last) {
        const sorted = decodeTexts(texts)
        return {
          ...replayEntries(job, sorted.entries, onProgress),
          skipped: [...sorted.skipped].sort(bySourceThenLine(sources)),
        }
      }
      last = at
      draft.push(entry)
      baseline?.push(entry)
    }
    if (onProgress !== undefined && i % 1000 === 999) onProgress(i + 1)
  }
  return {
    draft: draft.summary(),
    ...(baseline !== undefined ? { baseline: baseline.summary() } : {}),
    skipped: skipped.sort(bySourceThenLine(sources)),
  }
}

/**
 * Whether a job can be replayed in customer shards: neither the draft nor the baseline shares
 * anything between customers (no total limit, no budget).
 */
export const jobShardable = (job: ReplayJob): boolean =>
  shardable(job.draft.campaigns) && (job.baseline === undefined || shardable(job.baseline.campaigns))

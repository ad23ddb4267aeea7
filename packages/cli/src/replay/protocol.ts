import type { SimulationSummary } from '@tessera/core'
import type { SkippedLine } from './texts.js'

/**
 * A chunk of one shard's history texts, in time order: the texts end to end (one string crosses to
 * the thread as one copy) and, per text, its source index, line number and length (`meta[3i]`,
 * `meta[3i + 1]`, `meta[3i + 2]`, a transferred buffer), so that a text may hold any character.
 */
export interface TextChunk {
  readonly type: 'chunk'
  readonly text: string
  readonly meta: Int32Array
}

/** What the main thread sends a replay worker. */
export type ToWorker = TextChunk | { readonly type: 'end' }

/** A worker's end: its summaries and the lines it skipped, nothing per basket. */
export interface WorkerDone {
  readonly type: 'done'
  readonly draft: SimulationSummary
  readonly baseline?: SimulationSummary
  readonly skipped: readonly SkippedLine[]
}

/**
 * What a replay worker sends back: that it has compiled the job (and when: `performance.timeOrigin
 * + performance.now()`, a clock every thread of the process shares), how many texts it has done
 * since the last report, then its end.
 */
export type FromWorker =
  | { readonly type: 'ready'; readonly atMs: number }
  | { readonly type: 'progress'; readonly done: number }
  | WorkerDone

import type { FieldProblem } from '@tessera/core'

/**
 * One transaction of a history as JSON text, before decoding: where it came from (`source`: a file
 * path, or `store closes`), its place there (`line`: a JSONL line number, a POSLog transaction's
 * position, a store row's position) and the text, one history line
 * (`{ "basket", "customer"?, "booked"? }` or `{ "return": { … } }`). Every input of `tessera
 * simulate` (JSONL files, a store, POSLog files) becomes these, and one decoder judges them all.
 */
export interface HistoryText {
  readonly source: string
  readonly line: number
  readonly text: string
}

/** A history line that did not decode: its source, line number and refused fields. */
export interface SkippedLine {
  readonly file: string
  readonly line: number
  readonly problems: readonly FieldProblem[]
}

/** The history texts, the source names they refer to (by index), and what was refused reading them. */
export interface HistoryTexts {
  readonly texts: readonly HistoryText[]
  /** Refused before decoding (a POSLog transaction the adapter refused, a store row that is not JSON). */
  readonly refused: readonly SkippedLine[]
}

/** Orders skipped lines by source (in the order given), then line. */
export const bySourceThenLine =
  (sources: readonly string[]) =>
  (a: SkippedLine, b: SkippedLine): number =>
    sources.indexOf(a.file) - sources.indexOf(b.file) || a.line - b.line

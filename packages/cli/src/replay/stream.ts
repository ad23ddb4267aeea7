/**
 * The streamed history of `tessera simulate --history FILE...`: each JSONL file read line by line
 * (never whole), and the files (with the texts of a store or of POSLog files, already in memory)
 * merged by time with a small heap. Each source must be in time order; the merge then gives the
 * order the stable sort of every text by time gives (ties: the sources in the order given, then
 * their lines), so that the replay's figures are those of the history read whole and sorted.
 */
import { closeSync, createReadStream, fstatSync, openSync } from 'node:fs'
import { CommandFailure } from '../io.js'
import type { HistoryText, SkippedLine } from './texts.js'

// ── sources ──────────────────────────────────────────────────────────────────────────────────────

/** The texts of one history source, in the order it holds them: a JSONL file's lines, a store's rows. */
export interface TextSource {
  /** The next non-blank text, `undefined` at the end. */
  readonly next: () => Promise<HistoryText | undefined>
  /** How far the texts given so far reach into the file, and its size, in bytes (0 and 0 for texts in memory): the progress bar's estimate. */
  readonly bytes: () => { readonly read: number; readonly total: number }
  /** Whether it has given at least one text. */
  readonly given: () => boolean
  /** Stops reading (a merge given up); nothing after. */
  readonly close: () => void
}

/** A failure to read a history file: the command fails naming it and why (exit 2). */
export const cannotRead = (file: string, what: string, e: unknown): CommandFailure =>
  new CommandFailure(`${file}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)

/** Bytes a file is read by: large enough that a 4 kB line costs little, small enough to stay flat. */
const READ_CHUNK = 1 << 20

/**
 * Opens a JSONL history file to read line by line (lines split on `\n`, as the whole file read
 * and split would be; blank lines left out, the others numbered from 1). It is opened at once, so
 * that a file that is missing or a directory fails the command before anything is replayed.
 */
export const openJsonlFile = (file: string): TextSource => {
  let fd: number
  let total: number
  try {
    fd = openSync(file, 'r')
  } catch (e) {
    throw cannotRead(file, 'history', e)
  }
  try {
    const stat = fstatSync(fd)
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    total = stat.size
  } catch (e) {
    closeSync(fd)
    throw cannotRead(file, 'history', e)
  }
  const stream = createReadStream('', { fd, encoding: 'utf8', highWaterMark: READ_CHUNK })
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<string>
  let lines: string[] = []
  let at = 0
  let rest = ''
  let line = 0
  let ended = false
  let given = false
  // What the lines given so far span (characters and their newlines: bytes for ASCII), not what is read ahead.
  let consumed = 0
  return {
    next: async () => {
      for (;;) {
        while (at < lines.length) {
          const text = lines[at++] as string
          line += 1
          consumed += text.length + 1
          if (text.trim() !== '') {
            given = true
            return { source: file, line, text }
          }
        }
        if (ended) return undefined
        let chunk: IteratorResult<string>
        try {
          chunk = await chunks.next()
        } catch (e) {
          throw cannotRead(file, 'history', e)
        }
        at = 0
        if (chunk.done === true) {
          ended = true
          lines = [rest]
          rest = ''
          continue
        }
        lines = (rest + chunk.value).split('\n')
        rest = lines.pop() as string
      }
    },
    bytes: () => ({ read: Math.min(consumed, total), total }),
    given: () => given,
    close: () => {
      ended = true
      lines = []
      stream.destroy()
    },
  }
}

/** History texts already in memory (a store's rows, POSLog transactions), as a source. */
export const textsSource = (texts: readonly HistoryText[]): TextSource => {
  let at = 0
  return {
    next: async () => texts[at++],
    bytes: () => ({ read: 0, total: 0 }),
    given: () => texts.length > 0,
    close: () => {
      at = texts.length
    },
  }
}

/**
 * A source whose first texts were read ahead (to count them): those, then the rest of the source.
 */
const withAhead = (source: TextSource, ahead: readonly HistoryText[]): TextSource => {
  let at = 0
  return { ...source, next: async () => (at < ahead.length ? ahead[at++] : source.next()) }
}

/**
 * Reads ahead, in source order, until `count` texts are read or every source is at its end (at
 * most `count` texts are held): how many there are, up to `count`, and the sources to read from
 * the start again.
 */
export const readAhead = async (
  sources: readonly TextSource[],
  count: number,
): Promise<{ readonly counted: number; readonly sources: readonly TextSource[] }> => {
  let counted = 0
  const out: TextSource[] = []
  for (const source of sources) {
    const ahead: HistoryText[] = []
    while (counted < count) {
      const t = await source.next()
      if (t === undefined) break
      ahead.push(t)
      counted += 1
    }
    out.push(ahead.length === 0 ? source : withAhead(source, ahead))
  }
  return { counted, sources: out }
}

// ── the merge ────────────────────────────────────────────────────────────────────────────────────

/** A source that is not in time order: the text earlier than one before it in the same source. */
export class OutOfOrder extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly after: number,
  ) {
    super(`${source}: line ${line} is earlier than line ${after} before it`)
    this.name = 'OutOfOrder'
  }
}

/** What a merge reads of a text: its time and what it hands on, or that the text is a skipped line. */
export type Read<A> =
  | { readonly atMs: number; readonly value: A; readonly skipped?: undefined }
  | { readonly skipped: SkippedLine }

interface Head<A> {
  readonly atMs: number
  readonly source: number
  readonly value: A
}

const before = <A>(a: Head<A>, b: Head<A>) => a.atMs < b.atMs || (a.atMs === b.atMs && a.source < b.source)

/** A binary min-heap of the sources' next texts, by time then source. */
const heapOf = <A>() => {
  const h: Head<A>[] = []
  return {
    size: () => h.length,
    push: (x: Head<A>) => {
      let i = h.length
      h.push(x)
      while (i > 0) {
        const p = (i - 1) >> 1
        if (!before(x, h[p] as Head<A>)) break
        h[i] = h[p] as Head<A>
        i = p
      }
      h[i] = x
    },
    pop: (): Head<A> => {
      const top = h[0] as Head<A>
      const last = h.pop() as Head<A>
      if (h.length > 0) {
        let i = 0
        for (;;) {
          const l = 2 * i + 1
          if (l >= h.length) break
          const r = l + 1
          const c = r < h.length && before(h[r] as Head<A>, h[l] as Head<A>) ? r : l
          if (!before(h[c] as Head<A>, last)) break
          h[i] = h[c] as Head<A>
          i = c
        }
        h[i] = last
      }
      return top
    },
  }
}

/**
 * Merges the sources by time, each read as it goes (one text of each held at a time): what
 * `read` makes of each text, earliest first; at the same instant, the sources in the order given
 * (and a source's texts in its order). A text `read` says is a skipped line goes to `skipped`, at
 * once. A text earlier than the one before it in its source (or without a time) is given to
 * `recheck`, when there is one: a skipped line it returns goes to `skipped`; otherwise the source
 * is not in time order and the merge throws {@link OutOfOrder}, the sources closed.
 */
export async function* mergeByTime<A>(
  sources: readonly TextSource[],
  read: (t: HistoryText) => Read<A>,
  skipped: SkippedLine[],
  recheck?: (t: HistoryText) => SkippedLine | undefined,
): AsyncGenerator<A, void, undefined> {
  const heap = heapOf<A>()
  const last = sources.map(() => Number.NEGATIVE_INFINITY)
  const lastLine = sources.map(() => 0)
  const fill = async (i: number): Promise<void> => {
    const source = sources[i] as TextSource
    for (;;) {
      const t = await source.next()
      if (t === undefined) return
      const r = read(t)
      if (r.skipped !== undefined) {
        skipped.push(r.skipped)
        continue
      }
      if (!(r.atMs >= (last[i] as number))) {
        const bad = recheck?.(t)
        if (bad !== undefined) {
          skipped.push(bad)
          continue
        }
        throw new OutOfOrder(t.source, t.line, lastLine[i] as number)
      }
      last[i] = r.atMs
      lastLine[i] = t.line
      heap.push({ atMs: r.atMs, source: i, value: r.value })
      return
    }
  }
  try {
    for (let i = 0; i < sources.length; i++) await fill(i)
    while (heap.size() > 0) {
      const head = heap.pop()
      yield head.value
      await fill(head.source)
    }
  } finally {
    for (const s of sources) s.close()
  }
}

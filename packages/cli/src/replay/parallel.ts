import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { mergeSummaries, shardOfKey } from '@tessera/core'
import type { FromWorker, ToWorker, WorkerDone } from './protocol.js'
import { createTextReplay, type ReplayJob, type ReplayResult, type ShardResult } from './replay.js'
import { type Route, routeOf } from './route.js'
import { bySourceThenLine, type HistoryText } from './texts.js'

/** Texts per message to a worker: large enough that messaging costs little, small enough to start at once. */
const CHUNK = 512
/**
 * Characters per message at most (a chunk is sent sooner when its texts are long): 4 Mi, above 512
 * texts of a 40-line basket (about 4,000 characters each), so that only longer texts make smaller
 * chunks and the chunks in flight stay a few megabytes whatever a text's length.
 */
const CHUNK_CHARS = 1 << 22
/**
 * Chunks a worker may have waiting before the main thread waits for it: enough that it never runs
 * dry, few enough that the copies of a long history are not all queued at once (memory stays flat).
 */
const IN_FLIGHT = 4

/** The bundled worker of a run on the sources, made once per process. */
let sourceWorker: Promise<URL> | undefined

/**
 * Where the worker's code is: the built CLI starts `dist/replay-worker.js`; on the TypeScript
 * sources (tests, tsx, benchmarks) the worker and what it imports are bundled once per process with
 * esbuild (`worker.boot.mjs`), so that each thread loads one file instead of transforming the
 * sources itself.
 */
const workerEntry = async (): Promise<URL> => {
  const here = import.meta.url
  if (!here.endsWith('.ts')) return new URL('./replay-worker.js', here)
  sourceWorker ??= (async () => {
    const boot = (await import(new URL('./worker.boot.mjs', here).href)) as { bundleWorker: () => Promise<string> }
    return pathToFileURL(await boot.bundleWorker())
  })()
  return sourceWorker
}

/** A set of started workers: send each its shard's chunks, then collect every summary. */
const startWorkers = (
  entry: URL | undefined,
  job: ReplayJob,
  sources: readonly string[],
  count: number,
  onDone: (n: number) => void,
  onReady?: (atMs: number) => void,
) => {
  let ready = 0
  let readyAtMs = performance.timeOrigin + performance.now()
  const workers = Array.from({ length: count }, () => new Worker(entry as URL, { workerData: { job, sources } }))
  if (count === 0) onReady?.(readyAtMs)
  // Chunks sent to each worker and not done yet, and the main thread's wait for one to be done.
  const inFlight = workers.map(() => 0)
  const waiting: ((() => void) | undefined)[] = workers.map(() => undefined)
  const stopped = workers.map(() => false)
  const wake = (i: number) => {
    const w = waiting[i]
    waiting[i] = undefined
    w?.()
  }
  const results = workers.map(
    (w, i) =>
      new Promise<WorkerDone>((resolve, reject) => {
        let finished = false
        w.on('message', (m: FromWorker) => {
          if (m.type === 'progress') {
            inFlight[i] = (inFlight[i] as number) - 1
            wake(i)
            onDone(m.done)
          } else if (m.type === 'ready') {
            readyAtMs = Math.max(readyAtMs, m.atMs)
            if (++ready === count) onReady?.(readyAtMs)
          } else {
            finished = true
            resolve(m)
          }
        })
        const stop = (e: Error) => {
          stopped[i] = true
          wake(i)
          reject(e)
        }
        w.once('error', (e) => stop(new Error(`replay worker ${i + 1}: ${e.message}`)))
        w.once('exit', (code) => {
          if (!finished) stop(new Error(`replay worker ${i + 1} stopped (exit code ${code}) before its end`))
        })
      }),
  )
  // A rejection is handled by whoever awaits; until then, none may be reported as unhandled.
  for (const r of results) r.catch(() => undefined)
  const buffers = workers.map(() => ({ texts: [] as string[], meta: [] as number[], chars: 0 }))
  const flush = (shard: number) => {
    const b = buffers[shard] as (typeof buffers)[number]
    if (b.texts.length === 0) return
    const meta = Int32Array.from(b.meta)
    const message: ToWorker = { type: 'chunk', text: b.texts.join(''), meta }
    ;(workers[shard] as Worker).postMessage(message, [meta.buffer])
    inFlight[shard] = (inFlight[shard] as number) + 1
    b.texts = []
    b.meta = []
    b.chars = 0
  }
  return {
    /** Queues a text for its shard's worker; a promise to await first when that worker is {@link IN_FLIGHT} chunks behind. */
    send: (shard: number, source: number, t: HistoryText): Promise<void> | undefined => {
      const b = buffers[shard] as (typeof buffers)[number]
      b.texts.push(t.text)
      b.meta.push(source, t.line, t.text.length)
      b.chars += t.text.length
      if (b.texts.length < CHUNK && b.chars < CHUNK_CHARS) return undefined
      flush(shard)
      if ((inFlight[shard] as number) < IN_FLIGHT || stopped[shard]) return undefined
      return new Promise<void>((resolve) => {
        waiting[shard] = resolve
      })
    },
    end: async (): Promise<readonly WorkerDone[]> => {
      for (let s = 0; s < workers.length; s++) {
        flush(s)
        ;(workers[s] as Worker).postMessage({ type: 'end' } satisfies ToWorker)
      }
      try {
        return await Promise.all(results)
      } finally {
        await Promise.all(workers.map((w) => w.terminate()))
      }
    },
    stop: async () => {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}

/**
 * The shard of each text, routed as the texts come in time order: a sale by its customer (member,
 * else card), else by its basket id; a return to its sale's shard when the sale came before it,
 * else by the sale's id. Only the sales whose shard is not their id's own are kept (a return of
 * any other finds it by the id alone): the routing keeps nothing for an anonymous sale.
 */
const routerOf = (shards: number) => {
  const saleShard = new Map<string, number>()
  return {
    shardOf: (p: Route, i: number): number => {
      if (p.of !== undefined) return saleShard.get(p.of) ?? shardOfKey(p.of, shards)
      const s = shardOfKey(p.key ?? p.basketId ?? `#${i}`, shards)
      if (p.basketId !== undefined) {
        if (p.key === undefined || s === shardOfKey(p.basketId, shards)) saleShard.delete(p.basketId)
        else saleShard.set(p.basketId, s)
      }
      return s
    },
    /** A return's shard once every sale is routed (the texts replayed again, sorted). */
    returnShard: (of: string): number => saleShard.get(of) ?? shardOfKey(of, shards),
  }
}

/** Shard 0 on the calling thread, shards 1.. in worker threads; the figures merged at the end. */
const startShards = (
  entry: URL | undefined,
  job: ReplayJob,
  sources: readonly string[],
  shards: number,
  progress: (n: number) => void,
  onReady?: (atMs: number) => void,
) => {
  const sourceIndex = new Map(sources.map((s, i) => [s, i]))
  const here = createTextReplay(job, sources)
  let hereDone = 0
  const pool = startWorkers(entry, job, sources, shards - 1, progress, onReady)
  return {
    pool,
    /** Replays the text here, or queues it for its worker: a promise to await first when that worker is behind. */
    send: (shard: number, t: HistoryText): Promise<void> | undefined => {
      const source = sourceIndex.get(t.source) as number
      if (shard > 0) return pool.send(shard - 1, source, t)
      here.push(t.text, source, t.line)
      if (++hereDone % CHUNK === 0) progress(CHUNK)
      return undefined
    },
    end: async (): Promise<readonly ShardResult[]> => {
      progress(hereDone % CHUNK)
      const mine = here.end()
      return [mine, ...(await pool.end())]
    },
  }
}

/** The shards' figures merged: summaries added up, skipped lines by source (in `sources` order), then line. */
const mergeShards = (job: ReplayJob, parts: readonly ShardResult[], sources: readonly string[]): ReplayResult => {
  const draft = mergeSummaries(
    parts.map((p) => p.draft),
    job.program ?? job.draft.program,
  )
  const baseline =
    job.baseline === undefined
      ? undefined
      : mergeSummaries(
          parts.map((p) => p.baseline).filter((b) => b !== undefined),
          job.program ?? job.baseline.program,
        )
  const skipped = parts.flatMap((p) => p.skipped).sort(bySourceThenLine(sources))
  return { draft, ...(baseline !== undefined ? { baseline } : {}), skipped }
}

/**
 * Replays history texts in `shards` customer shards, and merges their figures: the same as
 * {@link replayTexts} on one thread, for a job that is {@link jobShardable} (each customer's
 * transactions, and the returns of their sales, stay in one shard, in time order). Shard 0 is
 * replayed on the calling thread, each other one in a worker thread of its own: N shards keep N
 * threads busy, and the calling thread, already started and warm, is one of them.
 *
 * The calling thread reads each text for its customer and time ({@link routeOf}); it decodes and
 * replays its own shard's texts at once and sends the others, in chunks, to their shards' workers,
 * which decode and replay them as they come. It waits when a worker is a few chunks behind, so
 * that a long history is not copied into the workers' queues all at once. When the texts turn out not to be in time order, the workers are stopped and the texts
 * replayed again, sorted (a stable sort, as on one thread).
 */
export const replayInWorkers = async (
  job: ReplayJob,
  texts: readonly HistoryText[],
  shards: number,
  onProgress?: (done: number) => void,
  /**
   * Called once every worker thread has compiled the job, with the time the last one did
   * (`performance.timeOrigin + performance.now()`; benchmarks time the start apart).
   */
  onReady?: (atMs: number) => void,
): Promise<ReplayResult> => {
  const sources = [...new Set(texts.map((t) => t.source))]
  let done = 0
  const progress = (n: number) => {
    done += n
    onProgress?.(done)
  }

  // The first pass routes as it reads, while the texts are in time order.
  const shardOf = new Int32Array(texts.length)
  const atMs = new Float64Array(texts.length)
  const returnOf = new Map<number, string>()
  const router = routerOf(shards)
  const entry = shards > 1 ? await workerEntry() : undefined
  const start = () => startShards(entry, job, sources, shards, progress, onReady)
  let run = start()
  let inOrder = true
  let last = Number.NEGATIVE_INFINITY
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i] as HistoryText
    const p = routeOf(t.text)
    const shard = router.shardOf(p, i)
    if (p.of !== undefined) returnOf.set(i, p.of)
    shardOf[i] = shard
    atMs[i] = p.atMs
    if (!inOrder) continue
    if (p.atMs < last) {
      inOrder = false
      await run.pool.stop()
      continue
    }
    if (p.atMs > last) last = p.atMs
    const wait = run.send(shard, t)
    if (wait !== undefined) await wait
  }

  if (!inOrder) {
    // Sorted by time, stable; a text without a time keeps its place before the others (it is refused).
    const order = Array.from({ length: texts.length }, (_, i) => i)
    const key = (i: number) => (Number.isNaN(atMs[i] as number) ? Number.NEGATIVE_INFINITY : (atMs[i] as number))
    order.sort((a, b) => key(a) - key(b) || a - b)
    for (const [i, of] of returnOf) shardOf[i] = router.returnShard(of)
    done = 0
    run = start()
    for (const i of order) {
      const wait = run.send(shardOf[i] as number, texts[i] as HistoryText)
      if (wait !== undefined) await wait
    }
  }

  return mergeShards(job, await run.end(), sources)
}

/** A history text with its route, as a streamed merge hands it on. */
export interface RoutedText {
  readonly text: HistoryText
  readonly route: Route
}

/**
 * Replays a stream of routed texts (in time order: a merge of streamed files) in `shards` customer
 * shards, as {@link replayInWorkers} does texts in memory, through the same bounded sends (the
 * stream is read no faster than the workers replay it: memory stays flat). `sources` names every
 * source a text may come from; the skipped lines are ordered by them. When the stream throws (a
 * source out of order), the workers are stopped and the error goes on.
 */
export const replayStreamInWorkers = async (
  job: ReplayJob,
  texts: AsyncIterable<RoutedText>,
  sources: readonly string[],
  shards: number,
  onProgress?: (done: number) => void,
): Promise<ReplayResult> => {
  let done = 0
  const progress = (n: number) => {
    done += n
    onProgress?.(done)
  }
  const router = routerOf(shards)
  const entry = shards > 1 ? await workerEntry() : undefined
  const run = startShards(entry, job, sources, shards, progress)
  let i = 0
  try {
    for await (const { text, route } of texts) {
      const wait = run.send(router.shardOf(route, i++), text)
      if (wait !== undefined) await wait
    }
  } catch (e) {
    await run.pool.stop()
    throw e
  }
  return mergeShards(job, await run.end(), sources)
}

/**
 * A replay worker thread of `tessera simulate --workers N`: it gets the job (draft, baseline,
 * program, zone) once, at its start, and compiles it once; then chunks of its customer shard's
 * history texts, in time order, which it decodes and replays as they come (it keeps nothing per
 * basket); at the end it posts back only its summaries and the lines it skipped.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { FromWorker, ToWorker, WorkerDone } from './protocol.js'
import { createTextReplay, type ReplayJob } from './replay.js'

const { job, sources } = workerData as { readonly job: ReplayJob; readonly sources: readonly string[] }
const replay = createTextReplay(job, sources)
const port = parentPort
if (port === null) throw new Error('replay worker: not started as a worker thread')
// Compiled once: from here on, the thread only decodes and replays.
port.postMessage({ type: 'ready', atMs: performance.timeOrigin + performance.now() } satisfies FromWorker)

port.on('message', (message: ToWorker) => {
  if (message.type === 'end') {
    const done: WorkerDone = { type: 'done', ...replay.end() }
    port.postMessage(done)
    port.close()
    return
  }
  const { text, meta } = message
  const count = meta.length / 3
  for (let i = 0, at = 0; i < count; i++) {
    const end = at + (meta[3 * i + 2] as number)
    replay.push(text.slice(at, end), meta[3 * i] as number, meta[3 * i + 1] as number)
    at = end
  }
  port.postMessage({ type: 'progress', done: count })
})

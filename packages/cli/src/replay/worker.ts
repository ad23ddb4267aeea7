/**
 * A replay worker thread of `tessera simulate --workers N`: it gets the job (draft, baseline,
 * program, zone) once, at its start, and compiles it once; then chunks of its customer shard's
 * history texts, in time order, which it decodes and replays as they come (it keeps nothing per
 * basket); at the end it posts back only its summaries and the lines it skipped.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { decodeHistoryLine } from '@tessera/core'
import type { ToWorker, WorkerDone } from './protocol.js'
import { type ReplayJob, replaysOf } from './replay.js'
import type { SkippedLine } from './texts.js'

const { job, sources } = workerData as { readonly job: ReplayJob; readonly sources: readonly string[] }
const { draft, baseline } = replaysOf(job)
const skipped: SkippedLine[] = []
const port = parentPort
if (port === null) throw new Error('replay worker: not started as a worker thread')
// Compiled once: from here on, the thread only decodes and replays.
port.postMessage({ type: 'ready' })

port.on('message', (message: ToWorker) => {
  if (message.type === 'end') {
    const done: WorkerDone = {
      type: 'done',
      draft: draft.summary(),
      ...(baseline !== undefined ? { baseline: baseline.summary() } : {}),
      skipped,
    }
    port.postMessage(done)
    port.close()
    return
  }
  const { text, meta } = message
  const count = meta.length / 3
  for (let i = 0, at = 0; i < count; i++) {
    const line = meta[3 * i + 1] as number
    const end = at + (meta[3 * i + 2] as number)
    const decoded = decodeHistoryLine(text.slice(at, end), line)
    at = end
    if (decoded._tag === 'Left') {
      skipped.push({ file: sources[meta[3 * i] as number] as string, line, problems: decoded.left.problems })
      continue
    }
    const entry = decoded.right
    if (entry === undefined) continue
    draft.push(entry)
    baseline?.push(entry)
  }
  port.postMessage({ type: 'progress', done: count })
})

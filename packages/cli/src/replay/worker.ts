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
  const texts = message.text.split('\n')
  const meta = message.meta
  for (let i = 0; i < texts.length; i++) {
    const line = meta[2 * i + 1] as number
    const decoded = decodeHistoryLine(texts[i] as string, line)
    if (decoded._tag === 'Left') {
      skipped.push({ file: sources[meta[2 * i] as number] as string, line, problems: decoded.left.problems })
      continue
    }
    const entry = decoded.right
    if (entry === undefined) continue
    draft.push(entry)
    baseline?.push(entry)
  }
  port.postMessage({ type: 'progress', done: texts.length })
})

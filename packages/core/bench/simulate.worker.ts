/**
 * A worker of `pnpm bench:simulate --workers N`: builds the same seeded stream as the main thread,
 * keeps the entries of its customer shard, replays them, and posts back its CPU time and summary.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createReplay, shardOf } from '../src/index.js'
import { type BenchStream, streamOf } from './simulate.stream.js'

const { n, shard, shards } = workerData as { n: number; shard: number; shards: number }
const stream: BenchStream = streamOf(n)
const replay = createReplay({ campaigns: stream.campaigns, storeTimeZone: 'Europe/Paris' })
// Warm up as the main thread does, on a throwaway replay.
const warm = createReplay({ campaigns: stream.campaigns, storeTimeZone: 'Europe/Paris' })
for (const e of stream.chunkOf(0)) warm.push(e)
// The shard's entries are built and picked outside the timed loop, chunk by chunk, as in the main thread.
let cpu = 0
let wall = 0n
for (let from = 0; from < n; from += stream.chunk) {
  const chunk = stream.chunkOf(from).filter((e) => shardOf(e, shards) === shard)
  const c0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  for (const e of chunk) replay.push(e)
  wall += process.hrtime.bigint() - t0
  const d = process.cpuUsage(c0)
  cpu += d.user + d.system
}
const wallNs = Number(wall)
parentPort?.postMessage({ cpu, wallNs, summary: replay.summary() })

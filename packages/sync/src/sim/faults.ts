import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PipelineContext } from './simulate.js'

/** What the fault harness did. @category sync */
export interface FaultLog {
  publisherKills: number
  consumerKills: number
}

/** How the faults are made. @category sync */
export interface FaultOptions {
  /** Apply every entry twice, batches shuffled across tills. */
  readonly twice?: boolean
  /** Mean time between two kills, in ms. Default 700. */
  readonly meanKillMs?: number
  readonly log?: FaultLog
  /** How many kills in all, then the processes run on undisturbed. Default 8. */
  readonly maxKills?: number
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const worker = join(packageDir, 'src', 'sim', 'worker.ts')

const start = (args: readonly string[]): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', '--conditions=@tessera/source', worker, ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  })

const killed = (p: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve()
    p.once('exit', () => resolve())
    p.kill('SIGKILL')
  })

/**
 * A pipeline for `simulateOffline` made of child processes (one publisher for every till's file,
 * one head-office consumer) that are SIGKILLed at random moments (the first within `meanKillMs`,
 * then exponential gaps around it) and restarted, until the simulation stops it. Spawns processes.
 * @category sync
 */
export const faultyPipeline =
  (options: FaultOptions = {}) =>
  async (ctx: PipelineContext) => {
    const log = options.log ?? { publisherKills: 0, consumerKills: 0 }
    const publisherArgs = ['publisher', ctx.natsUrl, ...ctx.files]
    const consumerArgs = ['consumer', ctx.natsUrl, ctx.databaseUrl, ...(options.twice === true ? ['twice'] : [])]
    let publisher = start(publisherArgs)
    let consumer = start(consumerArgs)
    let stopping = false
    const mean = options.meanKillMs ?? 700
    const chaos = (async () => {
      const max = options.maxKills ?? 8
      // The first kill within `mean` of the start (uniform), the next ones at exponential gaps: a
      // run that lasts that long is sure to see one, however fast the sync has become.
      let gap = Math.random() * mean
      while (!stopping && log.publisherKills + log.consumerKills < max) {
        await new Promise((r) => setTimeout(r, gap))
        gap = -Math.log(1 - Math.random()) * mean
        if (stopping) break
        if (Math.random() < 0.5) {
          await killed(publisher)
          log.publisherKills++
          if (!stopping) publisher = start(publisherArgs)
        } else {
          await killed(consumer)
          log.consumerKills++
          if (!stopping) consumer = start(consumerArgs)
        }
      }
    })()
    return {
      stop: async () => {
        stopping = true
        await chaos
        await Promise.all([killed(publisher), killed(consumer)])
      },
    }
  }

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A free TCP port on 127.0.0.1 (asked of the kernel). @category sync */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      s.close(() => resolve(port))
    })
  })

/**
 * A `nats-server -js` of one's own: on a free port, with a store folder of its own, so a test or
 * the link-cut simulation can cut the link (`stop`) and restore it (`start`, same port, same
 * store: the stream survives) without touching the machine's shared server.
 * @category sync
 */
export interface NatsServer {
  readonly url: string
  readonly port: number
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
  /** Stops it and removes its store folder. */
  readonly dispose: () => Promise<void>
  readonly running: () => boolean
}

/** The binary: `NATS_SERVER` or `/usr/sbin/nats-server`. */
const binary = () => process.env.NATS_SERVER ?? '/usr/sbin/nats-server'

/** Starts a JetStream server on a free port (spawns a process; reads the environment). @category sync */
export const startNatsServer = async (): Promise<NatsServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tessera-nats-'))
  let child: ChildProcess | undefined
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const p = spawn(binary(), ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      child = p
      let log = ''
      const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000)
      p.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString()
        if (log.includes('Server is ready')) {
          clearTimeout(timer)
          resolve()
        }
      })
      p.once('exit', (code) => {
        clearTimeout(timer)
        if (child === p) child = undefined
        reject(new Error(`nats-server exited (${code}): ${log}`))
      })
      p.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
    })
  const stop = async () => {
    const p = child
    if (p === undefined) return
    child = undefined
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve())
      p.kill('SIGTERM')
    })
  }
  await start()
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    dispose: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
    running: () => child !== undefined,
  }
}

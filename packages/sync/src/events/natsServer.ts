import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, type NatsConnection } from '@nats-io/transport-node'

/** A private NATS server with JetStream for one test file: its own port and storage folder. */
export interface TestNatsServer {
  readonly url: string
  /** Connects a client (no reconnect loop, so a cut link fails fast). */
  readonly connect: () => Promise<NatsConnection>
  /** Kills the server (SIGKILL: the link is cut), keeping its storage. */
  readonly kill: () => Promise<void>
  /** Starts it again on the same port and storage. */
  readonly start: () => Promise<void>
  /** Kills it and removes its storage. */
  readonly stop: () => Promise<void>
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })

/** Starts `/usr/sbin/nats-server -js` on a free port (never the shared 4222). For tests. */
export const startNatsServer = async (binary = '/usr/sbin/nats-server'): Promise<TestNatsServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tessera-nats-'))
  const url = `nats://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' })
    for (let i = 0; i < 100; i++) {
      try {
        const nc = await connect({ servers: url, reconnect: false })
        await nc.close()
        return
      } catch {
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    throw new Error(`nats-server did not start on ${url}`)
  }
  const kill = async () => {
    const c = child
    child = undefined
    if (c === undefined || c.exitCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill('SIGKILL')
    })
  }
  await start()
  return {
    url,
    connect: () => connect({ servers: url, reconnect: false }),
    kill,
    start,
    stop: async () => {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Where pgbench lives: on PATH, or Debian's versioned directory. */
export const pgbenchPath = (): string => {
  for (const candidate of ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench']) {
    if (existsSync(candidate)) return candidate
  }
  return 'pgbench'
}

/** Reads the tps figure from pgbench's report (the one without initial connection time). */
export const parseTps = (report: string): number => {
  const m = /tps = ([0-9.]+) \(without initial connection time\)/.exec(report) ?? /tps = ([0-9.]+)/.exec(report)
  if (m === null) throw new Error(`no tps line in pgbench output:\n${report}`)
  return Number(m[1])
}

/** `pgbench -i -s scale` on a scratch database (scale ≥ clients, so no client waits on a shared branch row). */
export const initPgbench = async (url: string, scale: number): Promise<void> => {
  await run(pgbenchPath(), ['-i', '-q', '-s', String(scale), url], { maxBuffer: 16 << 20 })
}

/** `pgbench -b tpcb-like -c clients -j threads -T seconds`, returning transactions per second. */
export const runPgbench = async (url: string, clients: number, threads: number, seconds: number): Promise<number> => {
  const { stdout } = await run(
    pgbenchPath(),
    ['-b', 'tpcb-like', '-c', String(clients), '-j', String(threads), '-T', String(seconds), '-n', url],
    { maxBuffer: 16 << 20 },
  )
  return parseTps(stdout)
}

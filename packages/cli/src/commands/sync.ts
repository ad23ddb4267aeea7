import { syncStatus, type TillStatus } from '@tessera/sync'
import type { Command } from 'commander'
import pg from 'pg'
import { type CliIo, CommandFailure, EXIT, printJson } from '../io.js'

const line = (s: TillStatus) =>
  [
    s.till.padEnd(8),
    String(s.lagEntries ?? '?').padStart(6),
    `${s.lagSeconds ?? '?'}`.padStart(6),
    String(s.applied).padStart(8),
    String(s.conflicts).padStart(9),
    `  ${s.lastEntryId ?? '-'}${s.lastEntryAt !== undefined ? ` (${s.lastEntryAt})` : ''}`,
  ].join(' ')

/**
 * `tessera sync status --database-url URL [--till FILE]… [--json]`: per till, the lag (entries
 * written and not yet applied at the head office, and the age in seconds of the oldest), the
 * entries applied, the last entry applied and the conflicts. The lag needs the till's file.
 */
export const registerSync = (program: Command, io: CliIo) => {
  const sync = program.command('sync').description('tills synchronised with the head office over NATS JetStream')
  sync
    .command('status')
    .description('per till: lag in entries and seconds, last entry applied, conflicts')
    .requiredOption('--database-url <url>', "the head office's PostgreSQL (postgres://…)")
    .option('--till <file...>', "a till's SQLite file (its lag is read from its outbox)")
    .option('--json', 'print the status as JSON')
    .action(async (options: { databaseUrl: string; till?: string[]; json?: boolean }) => {
      if (!/^postgres(ql)?:\/\//.test(options.databaseUrl))
        throw new CommandFailure('--database-url must be a postgres:// URL', EXIT.badInput)
      const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1 })
      try {
        let status: Awaited<ReturnType<typeof syncStatus>>
        try {
          status = await syncStatus(pool, options.till ?? [])
        } catch (e) {
          const code = (e as { code?: string }).code
          throw new CommandFailure(
            code === '42P01'
              ? 'the database has no sync tables (no head-office consumer ran on it)'
              : `cannot read the head office: ${(e as Error).message}`,
            EXIT.badInput,
          )
        }
        if (status._tag === 'Left') throw new CommandFailure(`--till: ${status.left.message}`, EXIT.badInput)
        if (options.json) {
          printJson(io, status.right)
          return
        }
        io.out(
          `${['till'.padEnd(8), 'lag'.padStart(6), 'lag s'.padStart(6), 'applied'.padStart(8), 'conflicts'.padStart(9), '  last entry applied'].join(' ')}\n`,
        )
        for (const s of status.right) io.out(`${line(s)}\n`)
      } finally {
        await pool.end()
      }
    })
}

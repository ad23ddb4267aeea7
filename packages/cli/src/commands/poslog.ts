import { createReadStream, statSync } from 'node:fs'
import {
  DIALECTS,
  type Dialect,
  DOCUMENT,
  type ImportRecord,
  importPosLog,
  type ReadOptions,
  type ReplaySummary,
  replayPosLog,
} from '@tessera/adapter-poslog'
import {
  type CheckoutStore,
  createCheckout,
  decodeCampaigns,
  decodeKeyring,
  decodeProgram,
  enginePricer,
  type LoyaltyStore,
  type MeasureUnit,
  systemClock,
  UNITS,
} from '@tessera/core'
import { openPostgresStores } from '@tessera/store-postgres'
import { openSqliteStores } from '@tessera/store-sqlite'
import { SingleBar } from 'cli-progress'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, orFail, readJsonFile } from '../io.js'
import { loadDocument } from './evaluate.js'

interface ReadFlags {
  readonly dialect?: string
  readonly timeZone?: string
  readonly currency?: string
  readonly weightUnit?: string
  readonly gs1Country?: string
  readonly progress?: boolean
}

/** Files from this size up get a progress bar on a terminal (and always with `--progress`). */
const PROGRESS_FROM_BYTES = 16 * 1024 * 1024

const withReadOptions = (command: Command): Command =>
  command
    .option('--dialect <dialect>', `force the dialect instead of detecting it (${DIALECTS.join(', ')})`)
    .option('--time-zone <zone>', "the store's IANA time zone, for local timestamps (NCR ACS writes them)")
    .option('--currency <code>', 'the currency when the log names none')
    .option('--weight-unit <unit>', 'the unit of weighed lines that carry none (default kg)')
    .option('--gs1-country <cc>', 'read 2x EAN-13s with this country’s variable-measure rules (DE, SE, GB…)')
    .option('--progress', 'show a progress bar on stderr whatever the file size')

const readOptionsOf = (flags: ReadFlags): ReadOptions => {
  if (flags.dialect !== undefined && !DIALECTS.includes(flags.dialect as Dialect)) {
    throw new CommandFailure(`--dialect must be one of ${DIALECTS.join(', ')}, got "${flags.dialect}"`)
  }
  if (flags.weightUnit !== undefined && (flags.weightUnit === 'each' || !UNITS.includes(flags.weightUnit as never))) {
    throw new CommandFailure(
      `--weight-unit must be one of ${UNITS.filter((u) => u !== 'each').join(', ')}, got "${flags.weightUnit}"`,
    )
  }
  return {
    ...(flags.dialect !== undefined ? { dialect: flags.dialect as Dialect } : {}),
    ...(flags.timeZone !== undefined ? { timeZone: flags.timeZone } : {}),
    ...(flags.currency !== undefined ? { currency: flags.currency } : {}),
    ...(flags.weightUnit !== undefined ? { weightUnit: flags.weightUnit as MeasureUnit } : {}),
    ...(flags.gs1Country !== undefined ? { gs1Country: flags.gs1Country } : {}),
  }
}

/** The file as a byte stream, counting bytes read for the progress bar; a missing file exits 2. */
const openFile = (path: string, io: CliIo, progress: boolean | undefined) => {
  let size: number
  try {
    const stat = statSync(path)
    if (!stat.isFile()) throw new CommandFailure(`cannot read ${path}: not a file`)
    size = stat.size
  } catch (e) {
    if (e instanceof CommandFailure) throw e
    throw new CommandFailure(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  const show = progress === true || (process.stderr.isTTY === true && size >= PROGRESS_FROM_BYTES)
  const bar = show
    ? new SingleBar({
        format: `${path} [{bar}] {percentage}% | {value}/{total} MB | {transactions} transactions`,
        stream:
          process.stderr.isTTY === true ? process.stderr : ({ write: (t: string) => io.err(t), isTTY: false } as never),
        noTTYOutput: process.stderr.isTTY !== true,
        notTTYSchedule: 1000,
        hideCursor: false,
      })
    : undefined
  const megabytes = (n: number) => Math.round((n / 1_048_576) * 10) / 10
  bar?.start(megabytes(size), 0, { transactions: 0 })
  let read = 0
  let transactions = 0
  async function* bytes() {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      read += (chunk as Buffer).length
      yield chunk as Buffer
    }
  }
  return {
    source: bytes(),
    tick: () => {
      transactions++
      bar?.update(megabytes(read), { transactions })
    },
    stop: () => {
      bar?.update(megabytes(read), { transactions })
      bar?.stop()
    },
  }
}

/** A document-level problem before any transaction was read: the file is not a POSLog. */
const unreadable = (r: ImportRecord, seen: number) =>
  r.kind === 'refused' &&
  r.transactionId === DOCUMENT &&
  seen === 0 &&
  (r.reason === 'NOT_POSLOG' || r.reason === 'WRONG_NAMESPACE')

/** Opens the checkout store a `--store` names: `sqlite:PATH` (or a bare path) or `postgres://…`. */
const openStore = async (
  spec: string,
): Promise<{
  readonly checkout: CheckoutStore
  readonly loyalty: LoyaltyStore
  readonly close: () => Promise<void>
}> => {
  try {
    if (/^postgres(ql)?:\/\//.test(spec)) return await openPostgresStores({ connectionString: spec, maxConnections: 2 })
    const file = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec
    return openSqliteStores({ file })
  } catch (e) {
    throw new CommandFailure(`cannot open the store (--store ${spec}): ${(e as Error).message}`)
  }
}

interface ReplayFlags extends ReadFlags {
  readonly store: string
  readonly campaigns?: string
  readonly program?: string
  readonly keyFile: string
  readonly keyId: string
  readonly storeTimeZone?: string
  readonly checkTenders?: boolean
}

const printSummary = (io: CliIo, file: string, s: ReplaySummary) => {
  io.err(
    `${file}: ${s.transactions} transactions: ${s.closed} closed, ${s.returned} returned, ${s.already} already booked, ${s.skipped} skipped, ${s.refused} refused; ${s.pointsBooked} points booked, ${s.couponsIssued} coupons issued${s.pointsRedeemed > 0 ? `, ${s.pointsRedeemed} points redeemed for rewards` : ''}\n`,
  )
  for (const [reason, n] of Object.entries(s.skips)) io.err(`  skipped ${n} × ${reason}\n`)
  for (const r of s.refusals) io.err(`  refused ${r.transactionId} (${r.reason}): ${r.message}\n`)
}

/**
 * `tessera poslog import FILE`: one JSON object per line (JSONL) per transaction, in order: `{
 * transactionId, kind: sale | return | skipped | refused, reason?, basket?, customer?, return?, … }`.
 * Exit 0 when every transaction was read (skips included), 1 when some were refused (each with its
 * typed error on its line), 2 when the file cannot be read as POSLog at all.
 *
 * `tessera poslog replay FILE… --store sqlite:PATH|postgres://…`: closes every sale and linked
 * return through the checkout (campaigns, program and signing key as for a till), with a summary
 * on stderr and one JSON summary per file on stdout. Run twice, it books nothing the second time.
 * Exit 0, 1 when some transactions were refused, 2 on bad input.
 */
export const registerPosLog = (program: Command, io: CliIo) => {
  const poslog = program.command('poslog').description('read and replay ARTS POSLog till transactions')
  withReadOptions(
    poslog
      .command('import')
      .description('read a POSLog file into baskets: one JSON line per transaction (JSONL)')
      .argument('<file>', 'the POSLog XML file (a day’s TLog streams in bounded memory)'),
  ).action(async (file: string, flags: ReadFlags) => {
    const options = readOptionsOf(flags)
    const input = openFile(file, io, flags.progress)
    let refused = 0
    let seen = 0
    try {
      for await (const record of importPosLog(input.source, options)) {
        if (unreadable(record, seen)) {
          throw new CommandFailure(`${file}: ${record.kind === 'refused' ? record.error.message : ''}`, EXIT.badInput)
        }
        if (record.transactionId !== DOCUMENT) seen++
        if (record.kind === 'refused') refused++
        io.out(`${JSON.stringify(record)}\n`)
        input.tick()
      }
    } finally {
      input.stop()
    }
    if (seen === 0 && refused > 0) throw new CommandFailure(`${file}: no transaction could be read`, EXIT.badInput)
    if (refused > 0) throw new CommandFailure(`${file}: ${refused} refused (see their lines)`, EXIT.negative)
  })

  withReadOptions(
    poslog
      .command('replay')
      .description('close every sale and return of POSLog files through the checkout, idempotently')
      .argument('<files...>', 'POSLog XML files')
      .requiredOption('--store <store>', 'sqlite:PATH or postgres://… (the checkout and loyalty store)')
      .option('--campaigns <file>', 'JSON array of campaigns (default: none)')
      .option('--program <file>', 'the loyalty program JSON (points earning)')
      .requiredOption('--key-file <file>', 'JSON key file that signs checkout coupons { "keys": { "k1": "…" } }')
      .requiredOption('--key-id <id>', 'the key to sign with')
      .option('--store-time-zone <zone>', 'IANA zone of the store (limit periods, campaign validity)', 'UTC')
      .option('--check-tenders', 'hand the log’s tenders to the close (Tessera checks they cover its total)'),
  ).action(async (files: string[], flags: ReplayFlags) => {
    const options = readOptionsOf(flags)
    const campaigns = flags.campaigns === undefined ? [] : loadDocument(flags.campaigns, 'campaigns', decodeCampaigns)
    const loyaltyProgram =
      flags.program === undefined ? undefined : loadDocument(flags.program, 'program', decodeProgram)
    const keyring = orFail(
      decodeKeyring(orFail(readJsonFile(flags.keyFile, 'key file')), `key file (${flags.keyFile})`),
    )
    const stores = await openStore(flags.store)
    const store = stores.checkout
    let refused = 0
    try {
      const checkout = createCheckout({
        store,
        price: enginePricer(campaigns, { storeTimeZone: flags.storeTimeZone ?? 'UTC' }, loyaltyProgram),
        campaigns,
        ...(loyaltyProgram !== undefined ? { program: loyaltyProgram } : {}),
        keyring,
        keyId: flags.keyId,
        clock: systemClock,
        storeTimeZone: flags.storeTimeZone ?? 'UTC',
      })
      for (const file of files) {
        const input = openFile(file, io, flags.progress)
        let summary: ReplaySummary
        try {
          summary = await replayPosLog(input.source, checkout, {
            ...options,
            store,
            tenders: flags.checkTenders === true ? 'log' : 'omit',
            // The till's catalogue rewards bought with points (Tessera's own logs) are booked again, once.
            ...(loyaltyProgram !== undefined ? { rewards: { ledger: stores.loyalty, program: loyaltyProgram } } : {}),
            onOutcome: () => input.tick(),
          })
        } finally {
          input.stop()
        }
        if (summary.transactions === summary.refused && summary.refusals.some((r) => r.transactionId === DOCUMENT)) {
          const why = summary.refusals.find((r) => r.transactionId === DOCUMENT)
          throw new CommandFailure(`${file}: ${why?.message ?? 'not a POSLog document'}`, EXIT.badInput)
        }
        refused += summary.refused
        printSummary(io, file, summary)
        io.out(`${JSON.stringify({ file, ...summary })}\n`)
      }
    } finally {
      await stores.close()
    }
    if (refused > 0) throw new CommandFailure(`${refused} transactions refused (see above)`, EXIT.negative)
  })
  return poslog
}

import { once } from 'node:events'
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import {
  type CodePool,
  checkCodeFormat,
  cryptoRandomSource,
  decodeCodePool,
  GUESS_RESISTANCE_BITS,
  generateCodes,
  importedCodeStrength,
  inMemoryUniqueness,
  planCodes,
  type RandomSource,
  readImportedCodes,
} from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, orFail, printJson, readTextFile } from '../io.js'
import { instantOption, type StoreOptions, usingStores, withStoreOptions } from './store.js'

/** Counts from which `codes generate` reports progress on stderr. */
const PROGRESS_FROM = 100_000

const parseCount = (text: string): number => {
  const n = Number(text.replace(/[_,]/g, ''))
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CommandFailure(`--count must be a positive whole number, got "${text}"`)
  return n
}

const readExisting = (path: string): string[] => {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
  } catch (e) {
    throw new CommandFailure(
      `cannot read --existing ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
}

/**
 * `tessera codes generate` and `tessera codes check`. Generation streams codes to a temporary file,
 * one per line, and renames it into place only when every code is written (nothing half-written).
 * Uniqueness within the pool is an exact in-memory Set (about 61 MB of heap per million 20-character codes), seeded with
 * `--existing` codes already issued to the pool. `random` is for tests; the CLI uses crypto.
 */
export const registerCodes = (program: Command, io: CliIo, random: RandomSource = cryptoRandomSource) => {
  const codes = program.command('codes').description('generate and check coupon codes')
  codes
    .command('generate')
    .description('generate unique coupon codes from a pattern (# = random symbol; a check character is appended)')
    .requiredOption('--pool <pool>', 'the pool the codes belong to (unique within it)')
    .requiredOption('--pattern <pattern>', "the code pattern, e.g. 'XMAS-####-####-####'")
    .requiredOption('--count <n>', 'how many codes')
    .option('--out <file>', 'where to write them, one per line (default: stdout)')
    .option('--force', 'overwrite --out if it exists (it may hold codes already handed out)')
    .option('--existing <file>', 'codes already issued to the pool (one per line), never to repeat')
    .action(
      async (options: {
        pool: string
        pattern: string
        count: string
        out?: string
        force?: boolean
        existing?: string
      }) => {
        const count = parseCount(options.count)
        const plan = orFail(planCodes(options.pattern, count))
        const claim = inMemoryUniqueness(options.existing === undefined ? [] : readExisting(options.existing))
        if (options.out === undefined) {
          let written = 0
          for await (const batch of generateCodes(plan, { random, claim, batchSize: 10_000 })) {
            io.out(`${batch.join('\n')}\n`)
            written += batch.length
          }
          io.err(`codes: wrote ${written.toLocaleString('en')} codes of pool ${options.pool} to stdout\n`)
          return
        }
        if (options.force !== true && existsSync(options.out)) {
          throw new CommandFailure(
            `${options.out} exists and may hold codes already handed out: choose another file, or pass --force to overwrite it`,
          )
        }
        const target = options.out
        const tmp = `${target}.${process.pid}.tmp`
        const out = createWriteStream(tmp, { encoding: 'utf8' })
        const opened = once(out, 'open')
        await Promise.race([opened, once(out, 'error').then(([e]) => Promise.reject(e))]).catch(
          (e: NodeJS.ErrnoException) => {
            throw new CommandFailure(`cannot write ${target}: ${e.code ?? e.message}`)
          },
        )
        let written = 0
        let nextReport = count / 10
        const started = Date.now()
        try {
          for await (const batch of generateCodes(plan, { random, claim, batchSize: 10_000 })) {
            if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain')
            written += batch.length
            if (count >= PROGRESS_FROM && written >= nextReport) {
              io.err(
                `codes: ${written.toLocaleString('en')} / ${count.toLocaleString('en')} (${Math.round((100 * written) / count)} %)\n`,
              )
              nextReport += count / 10
            }
          }
          out.end()
          await once(out, 'finish')
          renameSync(tmp, target)
        } catch (e) {
          out.destroy()
          rmSync(tmp, { force: true })
          throw e
        }
        io.err(
          `codes: wrote ${written.toLocaleString('en')} codes of pool ${options.pool} to ${target} in ${Date.now() - started} ms\n`,
        )
      },
    )
  registerImport(codes, io)
  codes
    .command('check')
    .description('check the format and check character of a code, offline (exit 0 valid, 1 invalid)')
    .argument('<code>', 'the code as typed')
    .requiredOption('--pattern <pattern>', 'the pattern the pool was generated from')
    .option('--json', 'print the result as JSON')
    .action((code: string, options: { pattern: string; json?: boolean }) => {
      const r = checkCodeFormat(options.pattern, code)
      if (options.json)
        printJson(
          io,
          r._tag === 'Right'
            ? { valid: true, code: r.right }
            : { valid: false, reason: r.left.reason, message: r.left.message },
        )
      else if (r._tag === 'Right') io.out(`valid: ${r.right}\n`)
      else io.out(`invalid: ${r.left.reason}\n`)
      if (r._tag === 'Left') throw new CommandFailure(r.left.message, EXIT.negative)
    })
  return codes
}

/** Codes per `addCodes` call while importing. */
const IMPORT_BATCH = 10_000

interface ImportOptions extends StoreOptions {
  readonly pool: string
  readonly campaign?: string
  readonly multiUse?: boolean
  readonly perCustomer?: string
  readonly from?: string
  readonly until?: string
  readonly acceptGuessable?: boolean
  readonly json?: boolean
}

const poolFrom = (options: ImportOptions): CodePool => {
  if (options.multiUse !== true && options.perCustomer !== undefined) {
    throw new CommandFailure('--per-customer applies to a --multi-use pool only: a single-use code is used once')
  }
  const perCustomerLimit = options.perCustomer === undefined ? undefined : Number(options.perCustomer)
  const pool = decodeCodePool({
    id: options.pool,
    kind:
      options.multiUse === true
        ? { type: 'multiUse', ...(perCustomerLimit === undefined ? {} : { perCustomerLimit }) }
        : { type: 'singleUse' },
    ...(options.campaign === undefined ? {} : { campaignId: options.campaign }),
    ...(options.from === undefined ? {} : { validFromMs: instantOption('--from', options.from) }),
    ...(options.until === undefined ? {} : { validUntilMs: instantOption('--until', options.until) }),
  })
  if (pool._tag === 'Left') {
    const words = pool.left.problems.map((p) => `${p.path === '' ? 'the pool' : p.path} ${p.reason}`).join('; ')
    throw new CommandFailure(`cannot import into pool ${options.pool}: ${words}`)
  }
  return pool.right
}

const samePool = (a: CodePool, b: CodePool) =>
  JSON.stringify([a.kind, a.campaignId, a.validFromMs, a.validUntilMs, a.pattern]) ===
  JSON.stringify([b.kind, b.campaignId, b.validFromMs, b.validUntilMs, b.pattern])

/**
 * `tessera codes import FILE --pool P`: a pool of codes made elsewhere (a previous system, a print
 * shop), one per line, into the checkout store. Lines are read as a till reads a typed code, bad
 * lines are refused with their numbers, and a single-use pool must be as hard to guess as a
 * generated one (2^40 guesses per hit) unless `--accept-guessable`. Importing again adds nothing.
 */
const registerImport = (codes: Command, io: CliIo) =>
  withStoreOptions(
    codes
      .command('import')
      .description('import a pool of existing codes (one per line) into the checkout store, with a strength check')
      .argument('<file>', 'the codes, one per line')
      .requiredOption('--pool <pool>', 'the pool id')
      .option('--campaign <id>', 'the campaign the codes unlock')
      .option('--multi-use', 'each code may be used more than once (default: single-use)')
      .option('--per-customer <n>', 'uses per customer of a multi-use code')
      .option('--from <time>', 'valid from this ISO-8601 date-time')
      .option('--until <time>', 'valid until this ISO-8601 date-time (exclusive)')
      .option('--accept-guessable', 'import a single-use pool even if its codes are easy to guess')
      .option('--json', 'print the result as JSON'),
  ).action(async (file: string, options: ImportOptions) => {
    const pool = poolFrom(options)
    const text = orFail(readTextFile(file))
    const list = orFail(readImportedCodes(text))
    const strength = importedCodeStrength(list)
    const guessBits = Math.floor(Math.max(0, strength.guessBits))
    if (pool.kind.type === 'singleUse' && !strength.strongEnough) {
      const why = strength.sequential
        ? 'they are numbered in sequence: knowing one gives the next'
        : `about 1 guess in 2^${guessBits} hits a valid code (a generated pool keeps 2^${GUESS_RESISTANCE_BITS})`
      const message = `the ${list.length.toLocaleString('en')} codes of ${file} are easy to guess: ${why}`
      if (options.acceptGuessable !== true) {
        throw new CommandFailure(
          `${message}. Generate new ones (tessera codes generate), or pass --accept-guessable if they are not secret`,
        )
      }
      io.err(`warning: ${message}; imported anyway (--accept-guessable)\n`)
    }
    await usingStores(options, async ({ checkout }) => {
      const existing = (await checkout.pools()).find((p) => p.id === pool.id)
      if (existing !== undefined && !samePool(existing, pool)) {
        throw new CommandFailure(
          `pool ${pool.id} exists with other settings (${JSON.stringify(existing)}): import into a new pool id`,
        )
      }
      const put = await checkout.putPool(pool)
      if (put._tag === 'Left') throw new CommandFailure(put.left.message)
      let added = 0
      for (let i = 0; i < list.length; i += IMPORT_BATCH) {
        const r = await checkout.addCodes(pool.id, list.slice(i, i + IMPORT_BATCH))
        if (r._tag === 'Left') throw new CommandFailure(r.left.message)
        added += r.right.added
        if (list.length >= PROGRESS_FROM)
          io.err(
            `codes: ${Math.min(i + IMPORT_BATCH, list.length).toLocaleString('en')} / ${list.length.toLocaleString('en')}\n`,
          )
      }
      const result = {
        pool: pool.id,
        read: list.length,
        added,
        alreadyStored: list.length - added,
        guessBits,
        sequential: strength.sequential,
      }
      if (options.json) return printJson(io, result)
      io.out(
        `imported ${added.toLocaleString('en')} codes into pool ${pool.id}` +
          (added < list.length ? ` (${(list.length - added).toLocaleString('en')} were already stored)` : '') +
          `; guessing: 1 in 2^${guessBits}\n`,
      )
    })
  })

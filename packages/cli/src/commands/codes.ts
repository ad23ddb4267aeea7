import { once } from 'node:events'
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import {
  checkCodeFormat,
  cryptoRandomSource,
  generateCodes,
  inMemoryUniqueness,
  planCodes,
  type RandomSource,
} from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, orFail, printJson } from '../io.js'

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

import { compile, decodeCampaigns, decodeWith, IsoDateTimeCodec } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, EXIT, orFail, printJson, storeTimeZoneOf } from '../io.js'
import { loadDocument } from './evaluate.js'

const decodeNow = decodeWith(IsoDateTimeCodec, '--now')

interface LintOptions {
  readonly campaigns: string
  readonly json?: boolean
  readonly storeTimeZone?: string
  readonly now?: string
}

/**
 * `tessera lint --campaigns FILE [--json] [--now ISO]`: decodes and compiles the campaigns and prints the static
 * problems the compiler finds (one per line, or a JSON document with `--json`). Exit 0 when there
 * are none, 1 when there are, 2 when the file cannot be read or decoded.
 */
export const registerLint = (program: Command, io: CliIo) =>
  program
    .command('lint')
    .description('report the static problems of a campaign file (exit 1 when there are any)')
    .requiredOption('--campaigns <file>', 'JSON array of campaigns')
    .option('--json', 'print the problems as JSON')
    .option('--store-time-zone <zone>', 'IANA zone for campaigns without validity.timeZone (e.g. Europe/Paris)')
    .option('--now <time>', 'also report campaigns ended by this ISO-8601 time (with offset)')
    .action((options: LintOptions) => {
      const campaigns = loadDocument(options.campaigns, 'campaigns', decodeCampaigns)
      const now = options.now === undefined ? undefined : orFail(decodeNow(options.now))
      const { problems } = compile(campaigns, {
        ...storeTimeZoneOf(options.storeTimeZone),
        ...(now === undefined ? {} : { now }),
      })
      if (options.json === true) {
        printJson(io, { campaigns: campaigns.length, problems })
      } else {
        for (const p of problems) io.out(`${p.campaignId}: ${p.code}: ${p.message}\n`)
        if (problems.length === 0) io.out(`${campaigns.length} campaign(s), no problems\n`)
      }
      if (problems.length > 0) {
        const concerned = new Set(problems.map((p) => p.campaignId)).size
        throw new CommandFailure(
          `${problems.length} problem(s) in ${concerned} of ${campaigns.length} campaign(s)`,
          EXIT.negative,
        )
      }
    })

import { type CampaignScorecard, decodeProgram, scorecardOf } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, printJson } from '../io.js'
import { decodeTexts } from '../replay/replay.js'
import { bySourceThenLine } from '../replay/texts.js'
import { loadDocument } from './evaluate.js'
import { type HistoryInputOptions, loadDraft, loadHistoryTexts, warnSkipped, withHistoryInputs } from './simulate.js'

interface ScorecardOptions extends HistoryInputOptions {
  readonly campaigns: string
  readonly program?: string
  readonly storeTimeZone?: string
  readonly minSample: string
  readonly json?: boolean
}

const eur = (minor: number | undefined) => (minor === undefined ? '' : (minor / 100).toFixed(2))

const printCard = (io: CliIo, c: CampaignScorecard) => {
  io.out(`${c.id}\n`)
  io.out(
    `  cost ${eur(c.cost)} over ${c.redemptions} redemptions; ${c.treated} customers treated, ${c.control} held out\n`,
  )
  if (c.incrementalRevenue !== undefined && c.incrementalRevenueCi95 !== undefined) {
    const ci = c.incrementalRevenueCi95
    io.out(
      `  incremental revenue ${eur(c.incrementalRevenue)} (95 % CI ${eur(Math.round(ci.low))} to ${eur(Math.round(ci.high))})\n`,
    )
  }
  if (c.incrementalVisits !== undefined && c.incrementalVisitsCi95 !== undefined) {
    const ci = c.incrementalVisitsCi95
    io.out(`  incremental visits ${c.incrementalVisits} (95 % CI ${ci.low.toFixed(1)} to ${ci.high.toFixed(1)})\n`)
  }
  if (c.costPerIncrementalEuro !== undefined) io.out(`  cost per incremental euro ${eur(c.costPerIncrementalEuro)}\n`)
  io.out(`  verdict: ${c.verdict.message}\n`)
}

/**
 * `tessera scorecard (--history FILE... | --store URL | --poslog FILE...) --campaigns CURRENT.json [--program P.json] [--min-sample N] [--json]`:
 * one card per campaign with a holdout, over the period the history covers: cost, redemptions, the
 * incremental revenue and visits against its holdout with 95 % intervals, the cost per incremental
 * euro, and a plain verdict. The campaigns are those that ran; the history is replayed, not booked.
 */
export const registerScorecard = (program: Command, io: CliIo) =>
  withHistoryInputs(
    program
      .command('scorecard')
      .description("each campaign's cost and incremental revenue against its holdout, with a verdict"),
  )
    .requiredOption(
      '--campaigns <file>',
      'the campaigns that ran: a JSON array, or { campaigns, program?, storeTimeZone? }',
    )
    .option('--program <file>', 'the loyalty program JSON (overrides the one in the campaigns file)')
    .option('--store-time-zone <zone>', "IANA zone of the store's limit periods (default: the file's, else UTC)")
    .option('--min-sample <n>', 'customers needed in each group before a verdict', '30')
    .option('--json', 'print the scorecard as JSON')
    .action(async (options: ScorecardOptions) => {
      const minSample = Number(options.minSample)
      if (!Number.isSafeInteger(minSample) || minSample < 2)
        throw new CommandFailure(`--min-sample: must be a whole number ≥ 2, got "${options.minSample}"`)
      const current = loadDraft(options.campaigns, 'campaigns')
      const loyalty =
        options.program === undefined ? current.program : loadDocument(options.program, 'program', decodeProgram)
      const storeTimeZone = options.storeTimeZone ?? current.storeTimeZone ?? 'UTC'
      const { texts, refused } = await loadHistoryTexts(options, loyalty)
      const decoded = decodeTexts(texts)
      const entries = decoded.entries
      const sources = [...new Set([...texts.map((t) => t.source), ...refused.map((r) => r.file)])]
      const skipped = [...refused, ...decoded.skipped].sort(bySourceThenLine(sources))
      warnSkipped(io, skipped)
      const card = scorecardOf(
        {
          campaigns: current.campaigns,
          storeTimeZone,
          ...(loyalty !== undefined ? { program: loyalty } : {}),
          ...(current.couponPolicy !== undefined ? { couponPolicy: current.couponPolicy } : {}),
        },
        entries,
        { minSample },
      )
      if (options.json === true) {
        printJson(io, { ...card, skipped })
        return
      }
      io.out(`Scorecard ${card.from ?? ''} to ${card.until ?? ''} (${card.weeks.toFixed(1)} weeks)\n\n`)
      if (card.campaigns.length === 0) io.out('No campaign has a holdout: nothing to measure against.\n')
      for (const c of card.campaigns) printCard(io, c)
    })

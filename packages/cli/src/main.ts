import { Command, CommanderError } from 'commander'
import { registerBalance } from './commands/balance.js'
import { registerBundle } from './commands/bundle.js'
import { registerCard } from './commands/card.js'
import { registerCodes } from './commands/codes.js'
import { registerCommercetools } from './commands/commercetools.js'
import { registerCoupon } from './commands/coupon.js'
import { registerEvaluate } from './commands/evaluate.js'
import { registerGs1 } from './commands/gs1.js'
import { registerKeys } from './commands/keys.js'
import { registerLedger } from './commands/ledger.js'
import { registerLint } from './commands/lint.js'
import { registerMember } from './commands/member.js'
import { registerPoints } from './commands/points.js'
import { registerPosLog } from './commands/poslog.js'
import { registerSchema } from './commands/schema.js'
import { registerScorecard } from './commands/scorecard.js'
import { registerShopify } from './commands/shopify.js'
import { registerSimulate } from './commands/simulate.js'
import { registerSquare } from './commands/square.js'
import { registerSync } from './commands/sync.js'
import { registerValue } from './commands/value.js'
import { type CliIo, CommandFailure, EXIT, maskSecrets } from './io.js'

/**
 * Every command of the CLI. To add one, write `commands/<name>.ts` exporting a
 * `register…(program, io)` function, and list it here.
 */
const COMMANDS: ReadonlyArray<(program: Command, io: CliIo) => unknown> = [
  registerSchema,
  registerCard,
  registerBalance,
  registerLedger,
  registerCodes,
  registerCoupon,
  registerGs1,
  registerEvaluate,
  registerLint,
  registerPoints,
  registerMember,
  registerPosLog,
  registerSquare,
  registerCommercetools,
  registerShopify,
  registerKeys,
  registerSimulate,
  registerScorecard,
  registerValue,
  registerBundle,
  registerSync,
]

/**
 * Runs the `tessera` CLI with the given arguments (without `node` and the script) and returns the
 * exit code. Never calls `process.exit`, so tests run it in-process.
 * @category cli
 */
export const run = async (args: readonly string[], given: CliIo): Promise<number> => {
  // No secret reaches a terminal or a log: every line for stderr has its credentials masked.
  const io: CliIo = { out: given.out, err: (text) => given.err(maskSecrets(text)) }
  const program = new Command('tessera')
    .description('Tessera: point-of-sale couponing and loyalty cards')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
  for (const register of COMMANDS) register(program, io)
  try {
    await program.parseAsync(args, { from: 'user' })
    return EXIT.ok
  } catch (e) {
    if (e instanceof CommandFailure) {
      io.err(`tessera: ${e.message}\n`)
      return e.exitCode
    }
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.badInput
    }
    throw e
  }
}

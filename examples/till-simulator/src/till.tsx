#!/usr/bin/env node
import { resolve } from 'node:path'
import { Command } from 'commander'
import { render } from 'ink'
import { App } from './till/App.js'
import { engineBackend } from './till/engineBackend.js'

/**
 * The terminal till: `tsx --conditions=@tessera/source examples/till-simulator/src/till.tsx
 * --data-dir .tessera/till [--reset]`. Type or scan barcodes, cards and coupon codes; `help` lists
 * the commands.
 */
const program = new Command()
  .name('till')
  .description('A terminal till on the Tessera demo store')
  .option('--data-dir <dir>', 'where receipts and issued coupons are kept', '.tessera/till')
  .option('--reset', 'start from an empty data folder', false)
  .option('--terminal <id>', 'till number', '01')
  .parse()

const options = program.opts<{ dataDir: string; reset: boolean; terminal: string }>()
if (!/^\d{2}$/.test(options.terminal)) {
  process.stderr.write(`--terminal must be two digits such as 01, got "${options.terminal}"\n`)
  process.exit(2)
}
if (!process.stdin.isTTY) {
  process.stderr.write('The till needs an interactive terminal (stdin is not a TTY).\n')
  process.exit(2)
}
const backend = engineBackend({ dataDir: resolve(options.dataDir), reset: options.reset, terminalId: options.terminal })
render(<App backend={backend} title={`Marché Tessera · till ${options.terminal}`} />)

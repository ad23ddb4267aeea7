#!/usr/bin/env node
import { resolve } from 'node:path'
import { type Clock, systemClock } from '@tessera/core'
import { Command } from 'commander'
import { render } from 'ink'
import { App } from './till/App.js'
import { openCheckoutBackend } from './till/checkoutBackend.js'

/**
 * The terminal till on the checkout and embedded SQLite: `tsx --conditions=@tessera/source
 * examples/till-simulator/src/till.tsx --data-dir .tessera/till [--reset]`. Type or scan barcodes,
 * cards and coupon codes; `help` lists the commands.
 */
const program = new Command()
  .name('till')
  .description('A terminal till on the Tessera demo store, through the checkout on SQLite')
  .option('--data-dir <dir>', 'where the SQLite store (till.sqlite) and the coupon barcodes are kept', '.tessera/till')
  .option('--reset', 'start from an empty store (seeded again)', false)
  .option('--terminal <id>', 'till number', '01')
  .option('--members <n>', 'members to enrol when the store is seeded', '1200')
  .option('--at <iso>', 'start the till clock at this time (ISO-8601 with offset), e.g. for a demo or a test')
  .parse()

const options = program.opts<{ dataDir: string; reset: boolean; terminal: string; members: string; at?: string }>()
let clock: Clock = systemClock
if (options.at !== undefined) {
  const startMs = Date.parse(options.at)
  if (!/[+-]\d{2}:\d{2}$|Z$/.test(options.at) || Number.isNaN(startMs)) {
    process.stderr.write(`--at must be an ISO-8601 time with an offset, got "${options.at}"\n`)
    process.exit(2)
  }
  // Starts at --at and runs at the speed of the wall clock.
  const origin = Date.now()
  clock = { now: () => startMs + (Date.now() - origin) }
}
if (!/^\d{2}$/.test(options.terminal)) {
  process.stderr.write(`--terminal must be two digits such as 01, got "${options.terminal}"\n`)
  process.exit(2)
}
const members = Number(options.members)
if (!Number.isSafeInteger(members) || members < 1) {
  process.stderr.write(`--members must be a whole number ≥ 1, got "${options.members}"\n`)
  process.exit(2)
}
if (!process.stdin.isTTY) {
  process.stderr.write('The till needs an interactive terminal (stdin is not a TTY).\n')
  process.exit(2)
}
process.stdout.write('Opening the store…\n')
const opened = await openCheckoutBackend({
  dataDir: resolve(options.dataDir),
  reset: options.reset,
  terminalId: options.terminal,
  members,
  clock,
  onSeed: (done, total) => process.stdout.write(`\rSeeding the store: ${done}/${total} members`),
})
if (opened._tag === 'Left') {
  process.stderr.write(`${opened.left.message}\n`)
  process.exit(2)
}
const backend = opened.right
const app = render(<App backend={backend} title={`Marché Tessera · till ${options.terminal}`} />)
await app.waitUntilExit()
await backend.close()

#!/usr/bin/env node
import { run } from './cli.js'

run(process.argv).then(
  (code) => {
    if (code !== 0) process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`tessera-server: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  },
)

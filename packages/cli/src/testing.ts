import type { CliIo } from './io.js'
import { run } from './main.js'

/** Runs the CLI in-process and captures what it prints. For tests. */
export const runCli = async (...args: string[]) => {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: CliIo = { out: (t) => stdout.push(t), err: (t) => stderr.push(t) }
  const code = await run(args, io)
  return { code, stdout: stdout.join(''), stderr: stderr.join('') }
}

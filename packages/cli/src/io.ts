import { readFileSync } from 'node:fs'
import { type DecodeError, parseJson } from '@tessera/core'
import type { Either } from 'fp-ts/lib/Either.js'

/**
 * Where a command writes. The binary passes the process streams; tests pass buffers.
 * @category cli
 */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

/** Exit codes of every command: 0 success, 1 a negative answer (invalid coupon, inconsistent ledger), 2 bad input or usage. */
export const EXIT = { ok: 0, negative: 1, badInput: 2 } as const

/**
 * A failure a command reports: the message for stderr and the exit code.
 * @category cli
 */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message)
  }
}

/** Reads a JSON file; a missing file or malformed JSON is a {@link DecodeError} naming the file. */
export const readJsonFile = (path: string, document: string): Either<DecodeError, unknown> => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    return parseJson(
      '\u0000',
      `${document} (cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    )
  }
  return parseJson(text, `${document} (${path})`)
}

/** Unwraps an Either from the core, or fails the command with the error's message and exit code 2. */
export const orFail = <A>(e: Either<{ readonly message: string }, A>, exitCode: number = EXIT.badInput): A => {
  if (e._tag === 'Left') throw new CommandFailure(e.left.message, exitCode)
  return e.right
}

/** Prints a JSON document on stdout. */
export const printJson = (io: CliIo, value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`)

import { readFileSync } from 'node:fs'
import { type DecodeError, decodeError, parseJson, TimeZoneCodec } from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'

/**
 * Where a command writes. The binary passes the process streams; tests pass buffers.
 * @category cli
 */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

/**
 * Exit codes of every command: 0 success, 1 a negative answer (invalid coupon, inconsistent ledger),
 * 2 bad input or usage, 3 a partial result (printed, with what is missing on stderr).
 */
export const EXIT = { ok: 0, negative: 1, badInput: 2, partial: 3 } as const

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

/** Why a file could not be read, in words (the errno code in brackets). */
const unreadable = (path: string, e: NodeJS.ErrnoException): string => {
  switch (e.code) {
    case 'ENOENT':
      return `file not found: ${path} (ENOENT)`
    case 'EACCES':
    case 'EPERM':
      return `no permission to read ${path} (${e.code})`
    case 'EISDIR':
      return `${path} is a directory, not a file (EISDIR)`
    default:
      return `cannot read ${path} (${e.code ?? e.message})`
  }
}

/** Reads a text file; a missing or unreadable one is an error saying why, in words. */
export const readTextFile = (path: string): Either<{ readonly message: string }, string> => {
  try {
    return right(readFileSync(path, 'utf8'))
  } catch (e) {
    return left({ message: unreadable(path, e as NodeJS.ErrnoException) })
  }
}

/** Reads a JSON file; a missing or unreadable file, or malformed JSON, is a {@link DecodeError} naming the file. */
export const readJsonFile = (path: string, document: string): Either<DecodeError, unknown> => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    return left(decodeError(document, [{ path: '', reason: unreadable(path, e as NodeJS.ErrnoException) }]))
  }
  return parseJson(text, `${document} (${path})`)
}

/**
 * A message with every credential masked: the password of a URL's user info
 * (`postgres://user:***@host`), and `password=` / `secret=` / `token=` parameters. Every message
 * the CLI prints goes through it.
 */
export const maskSecrets = (text: string): string =>
  text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]*)@/gi, '$1:***@')
    .replace(/\b(password|passwd|pwd|secret|token)=([^\s&;]+)/gi, '$1=***')

/** Unwraps an Either from the core, or fails the command with the error's message and exit code 2. */
export const orFail = <A>(e: Either<{ readonly message: string }, A>, exitCode: number = EXIT.badInput): A => {
  if (e._tag === 'Left') throw new CommandFailure(e.left.message, exitCode)
  return e.right
}

/** Prints a JSON document on stdout. */
export const printJson = (io: CliIo, value: unknown) => io.out(`${JSON.stringify(value, null, 2)}\n`)

/**
 * The `--store-time-zone` option checked: an IANA zone the runtime knows (`Europe/Paris`), else the
 * command fails with exit 2 — a mistyped zone would otherwise judge every limit period and
 * happy hour in UTC.
 */
export const storeTimeZoneOf = (zone: string | undefined): { readonly storeTimeZone?: string } => {
  if (zone === undefined) return {}
  const decoded = TimeZoneCodec.decode(zone)
  if (decoded._tag === 'Left') {
    throw new CommandFailure(`--store-time-zone: "${zone}" is not a known IANA time zone (e.g. Europe/Paris)`)
  }
  return { storeTimeZone: decoded.right }
}

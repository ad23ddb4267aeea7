/**
 * `@tessera/cli`: the `tessera` command line, also usable in-process through {@link run}.
 * @packageDocumentation
 */
export { type CliIo, CommandFailure, EXIT } from './io.js'
export { run } from './main.js'

import { documents, schemaOf } from '@tessera/core'
import type { Command } from 'commander'
import { type CliIo, CommandFailure, printJson } from '../io.js'

/** `tessera schema NAME`: prints the JSON Schema of a wire document, generated from its codec. */
export const registerSchema = (program: Command, io: CliIo) =>
  program
    .command('schema')
    .description(`print the JSON Schema of a wire document (${Object.keys(documents).join(', ')})`)
    .argument('<name>', 'the document')
    .action((name: string) => {
      const schema = schemaOf(name)
      if (schema === undefined) {
        throw new CommandFailure(`unknown document "${name}"; known: ${Object.keys(documents).join(', ')}`)
      }
      printJson(io, schema)
    })

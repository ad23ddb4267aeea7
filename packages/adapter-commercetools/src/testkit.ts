import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** A commercetools fixture of `test/fixtures/` (commercetools-api-reference examples, MIT). For tests. */
export const ctFixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(ctFixturePath(name), 'utf8')) as Record<string, unknown>

/** The path of a commercetools fixture, for CLI tests. */
export const ctFixturePath = (name: string): string =>
  fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url))

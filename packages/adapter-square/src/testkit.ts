import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** A Square fixture of `test/fixtures/` (Square Connect OpenAPI examples, Apache-2.0). For tests. */
export const squareFixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url)), 'utf8')) as Record<
    string,
    unknown
  >

/** The path of a Square fixture, for CLI tests. */
export const squareFixturePath = (name: string): string =>
  fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url))

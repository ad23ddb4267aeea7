import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  buildSchema,
  coerceInputValue,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLScalarType,
  type GraphQLSchema,
  parse,
  validate,
} from 'graphql'

/**
 * For tests (Node only, never in the function bundle): the fixtures of `test/fixtures/` (Shopify's
 * `function-examples`, MIT), and the check of an output against Shopify's real `schema.graphql`.
 */

/** The path of a fixture of `test/fixtures/`. */
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url))

/** A JSON fixture of `test/fixtures/`. */
export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fixturePath(name), 'utf8')) as Record<string, unknown>

const DECIMAL = /^-?\d+(\.\d+)?$/

let built: GraphQLSchema | undefined

/**
 * Shopify's Function API schema (2025-04), built with graphql-js. Its `Decimal` scalar is made
 * strict: on the wire a Decimal is a string such as `"29.99"`, so a JSON number is refused.
 */
export const functionSchema = (): GraphQLSchema => {
  if (built !== undefined) return built
  const schema = buildSchema(readFileSync(fixturePath('schema.graphql'), 'utf8'))
  const decimal = schema.getType('Decimal') as GraphQLScalarType
  decimal.parseValue = (value: unknown) => {
    if (typeof value !== 'string' || !DECIMAL.test(value))
      throw new GraphQLError(`Decimal must be a string such as "29.99", got ${JSON.stringify(value)}`)
    return value
  }
  built = schema
  return schema
}

/**
 * The problems of an output against a result type of the schema
 * (`CartLinesDiscountsGenerateRunResult`, `CartDeliveryOptionsDiscountsGenerateRunResult`), as
 * graphql-js coerces an input value: unknown fields, missing required fields, a `@oneOf` with two
 * keys, a wrong enum, a Decimal that is not a string. Empty when the output is valid.
 */
export const resultProblems = (
  value: unknown,
  typeName: 'CartLinesDiscountsGenerateRunResult' | 'CartDeliveryOptionsDiscountsGenerateRunResult',
): string[] => {
  const type = functionSchema().getType(typeName) as GraphQLInputType
  const problems: string[] = []
  coerceInputValue(value, type, (path, _invalid, error) =>
    problems.push(`${path.join('.') || '(root)'}: ${error.message}`),
  )
  return problems
}

/** The validation errors of an input query against the schema; empty when it is valid. */
export const queryProblems = (query: string): string[] => validate(functionSchema(), parse(query)).map((e) => e.message)

/** A Shopify sample output with its Decimals (JSON numbers in the upstream tests) as the strings they are on the wire. */
export const decimalsAsStrings = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(decimalsAsStrings)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      (k === 'value' || k === 'amount') && typeof v === 'number' ? String(v) : decimalsAsStrings(v),
    ]),
  )
}

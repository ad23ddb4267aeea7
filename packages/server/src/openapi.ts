import { type JsonSchema, toJsonSchema } from '@tessera/core'
import type * as t from 'io-ts'

/** One route of the API as the OpenAPI document describes it. @category server */
export interface RouteDoc {
  readonly method: 'get' | 'post'
  /** Fastify syntax (`/v1/cards/:card`); written `{card}` in the document. */
  readonly path: string
  readonly summary: string
  readonly request?: t.Any
  readonly response: t.Any
  /** A booking route: the `Idempotency-Key` header is required. */
  readonly booking?: boolean
  readonly auth?: boolean
  /** The error statuses the route may answer, besides 401/403 for authenticated routes. */
  readonly errors: readonly number[]
  readonly responseType?: string
  /** The request body's media type (default `application/json`). */
  readonly requestType?: string
  /** Statuses whose body is not a problem (a platform's own error format): their type, codec and description. */
  readonly errorBodies?: Readonly<
    Record<number, { readonly contentType: string; readonly codec: t.Any; readonly description: string }>
  >
  /** What the route is for, beyond its summary. */
  readonly description?: string
}

type Json = Record<string, unknown>

/** Moves a schema's `$defs` into `components.schemas` and rewrites its `$ref`s there. */
const lift = (schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema => {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (typeof node !== 'object' || node === null) return node
    const out: Json = {}
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$schema' || k === '$defs' || k === 'title') continue
      out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewrite(v)
    }
    return out
  }
  const defs = (schema as { $defs?: Record<string, JsonSchema> }).$defs ?? {}
  for (const [name, def] of Object.entries(defs)) components[name] = rewrite(def) as JsonSchema
  return rewrite(schema) as JsonSchema
}

/**
 * The OpenAPI 3.1 document of the routes, every schema generated from the io-ts codecs by the
 * core's `toJsonSchema` (the one behind `tessera schema`): nothing here is a hand-written schema.
 * @category server
 */
export const openApiDocument = (
  routes: readonly RouteDoc[],
  problemCodec: t.Any,
  version: string,
): Record<string, unknown> => {
  const components: Record<string, JsonSchema> = {}
  const problemSchema = lift(toJsonSchema(problemCodec), components)
  const problemResponse = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: problemSchema } },
  })
  const DESCRIPTIONS: Record<number, string> = {
    400: 'Bad input: `errors` names each refused field',
    401: 'No key, or a wrong or revoked key',
    403: 'The key belongs to another shop',
    404: 'Unknown',
    409: 'Conflict: the idempotency key or the id was used with another body',
    415: 'A media type this route does not take',
    422: 'Refused by a business rule (the `code` says which)',
    429: 'Too many failed code attempts: see Retry-After',
    503: 'The store is busy or unavailable: send the same request again',
  }
  const paths: Record<string, Json> = {}
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}')
    const parameters: Json[] = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (r.booking === true) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description: 'A retry with the same key and body returns the first answer, with `Idempotent-Replayed: true`.',
        schema: { type: 'string', minLength: 1, maxLength: 200 },
      })
    }
    const statuses = [...new Set([...r.errors, ...(r.auth === false ? [] : [401]), 500])].sort()
    const responses: Json = {
      200: {
        description: 'OK',
        content: { [r.responseType ?? 'application/json']: { schema: lift(toJsonSchema(r.response), components) } },
      },
    }
    for (const s of statuses) {
      const own = r.errorBodies?.[s]
      responses[s] =
        own === undefined
          ? problemResponse(DESCRIPTIONS[s] ?? 'Server error')
          : {
              description: own.description,
              content: { [own.contentType]: { schema: lift(toJsonSchema(own.codec), components) } },
            }
    }
    paths[path] = {
      ...(paths[path] ?? {}),
      [r.method]: {
        summary: r.summary,
        ...(r.description !== undefined ? { description: r.description } : {}),
        operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[/.]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(r.request !== undefined
          ? {
              requestBody: {
                required: true,
                content: {
                  [r.requestType ?? 'application/json']: { schema: lift(toJsonSchema(r.request), components) },
                },
              },
            }
          : {}),
        ...(r.auth === false ? { security: [] } : {}),
        responses,
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera loyalty host',
      version,
      description:
        'The checkout lifecycle of Tessera over HTTP. Amounts are integers in minor units; times are ISO-8601 with an offset.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ tillKey: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { tillKey: { type: 'http', scheme: 'bearer', description: 'A per-till API key: tk_….' } },
    },
  }
}

import type * as t from 'io-ts'
import { ObjectCodec } from './object.js'
import { type JsonSchema, PrimitiveCodec } from './primitive.js'

type AnyCodec = t.Any & { _tag?: string; [key: string]: unknown }

/**
 * Generates the JSON Schema (draft 2020-12) of a codec, by walking it. Tessera's own object and
 * scalar codecs carry their schema, so the schema printed by `tessera schema` is derived from the
 * very codecs that decode, and cannot drift from them.
 *
 * Named object codecs become `$defs` so recursive documents (selectors, conditions) stay finite.
 * @category codecs
 */
export const toJsonSchema = (codec: t.Any, title?: string): JsonSchema => {
  const defs: Record<string, JsonSchema> = {}
  const root = walk(codec as AnyCodec, defs, new Set())
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(title ? { title } : {}),
    ...root,
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
  }
}

const walk = (codec: AnyCodec, defs: Record<string, JsonSchema>, visiting: Set<string>): JsonSchema => {
  if (codec instanceof PrimitiveCodec) return codec.schema
  if (codec instanceof ObjectCodec) {
    const name = codec.name
    if (defs[name] !== undefined || visiting.has(name)) return { $ref: `#/$defs/${name}` }
    visiting.add(name)
    const properties: Record<string, JsonSchema> = {}
    for (const [k, c] of Object.entries(codec.required as t.Props)) properties[k] = walk(c as AnyCodec, defs, visiting)
    for (const [k, c] of Object.entries(codec.optional as t.Props)) properties[k] = walk(c as AnyCodec, defs, visiting)
    const required = Object.keys(codec.required as t.Props)
    defs[name] = {
      type: 'object',
      ...(codec.options.description ? { description: codec.options.description } : {}),
      properties,
      ...(required.length > 0 ? { required } : {}),
      ...(codec.unknownFields === 'refuse' ? { additionalProperties: false } : {}),
    }
    visiting.delete(name)
    return { $ref: `#/$defs/${name}` }
  }
  switch (codec._tag) {
    case 'StringType':
      return { type: 'string' }
    case 'NumberType':
      return { type: 'number' }
    case 'BooleanType':
      return { type: 'boolean' }
    case 'UnknownType':
      return {}
    case 'NullType':
      return { type: 'null' }
    case 'LiteralType':
      return { const: (codec as unknown as t.LiteralC<string>).value }
    case 'KeyofType':
      return { enum: Object.keys((codec as unknown as t.KeyofC<Record<string, unknown>>).keys) }
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: walk(codec.type as AnyCodec, defs, visiting) }
    case 'ReadonlyType':
    case 'ExactType':
    case 'RefinementType':
      return walk(codec.type as AnyCodec, defs, visiting)
    case 'DictionaryType':
    case 'TesseraRecord':
      return { type: 'object', additionalProperties: walk(codec.codomain as AnyCodec, defs, visiting) }
    case 'UnionType':
      return { anyOf: (codec.types as AnyCodec[]).map((c) => walk(c, defs, visiting)) }
    case 'IntersectionType':
      return { allOf: (codec.types as AnyCodec[]).map((c) => walk(c, defs, visiting)) }
    case 'InterfaceType':
    case 'PartialType': {
      const props = codec.props as t.Props
      const properties: Record<string, JsonSchema> = {}
      for (const [k, c] of Object.entries(props)) properties[k] = walk(c as AnyCodec, defs, visiting)
      return {
        type: 'object',
        properties,
        ...(codec._tag === 'InterfaceType' ? { required: Object.keys(props) } : {}),
      }
    }
    case 'RecursiveType': {
      const name = codec.name
      if (defs[name] !== undefined || visiting.has(name)) return { $ref: `#/$defs/${name}` }
      visiting.add(name)
      defs[name] = walk(codec.type as AnyCodec, defs, visiting)
      visiting.delete(name)
      return { $ref: `#/$defs/${name}` }
    }
    case 'TesseraKeyedUnion': {
      // A union keyed by the single property of an object (rules/keyed.ts), plus string literals.
      const name = codec.name
      if (defs[name] !== undefined || visiting.has(name)) return { $ref: `#/$defs/${name}` }
      visiting.add(name)
      const cases = (codec.cases as () => Record<string, AnyCodec>)()
      const literals = codec.literals as readonly string[]
      defs[name] = {
        ...(codec.description ? { description: codec.description } : {}),
        anyOf: [
          ...(literals.length > 0 ? [{ enum: [...literals] }] : []),
          ...Object.entries(cases).map(([k, c]) => ({
            type: 'object',
            properties: { [k]: walk(c, defs, visiting) },
            required: [k],
            additionalProperties: false,
          })),
        ],
      }
      visiting.delete(name)
      return { $ref: `#/$defs/${name}` }
    }
    default:
      throw new Error(`toJsonSchema: no JSON Schema rule for codec ${codec.name} (${String(codec._tag)})`)
  }
}

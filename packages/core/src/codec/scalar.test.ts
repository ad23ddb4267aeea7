import { describe, expect, it } from 'vitest'
import { decodeCustomer } from '../documents.js'
import { decodeWith } from './decode.js'
import { toJsonSchema } from './jsonSchema.js'
import { recordOf } from './object.js'
import { scalarOf } from './primitive.js'

const AttributeValue = scalarOf('AttributeValue', ['string', 'number', 'boolean'], ['string'])
const decodeValue = decodeWith(AttributeValue, 'value')

describe('scalarOf', () => {
  it('takes the scalar types it names, and lists of the listed ones', () => {
    for (const good of ['dog', '', 3, 2.5, false, [], ['dog', 'cat']]) {
      expect(decodeValue(good)).toEqual({ _tag: 'Right', right: good })
    }
  })

  it('refuses anything else with one message that says what it takes', () => {
    const reason = 'must be a string, a number, a boolean or a list of strings'
    for (const bad of [null, {}, [1], ['dog', null], [['dog']]]) {
      const r = decodeValue(bad)
      expect(r._tag).toBe('Left')
      if (r._tag === 'Left') expect(r.left.problems[0]?.reason).toMatch(new RegExp(`^${reason}`))
    }
    // A hole of a sparse array is not a string.
    expect(decodeValue(new Array(2))._tag).toBe('Left')
  })

  it('has the JSON Schema that says the same', () => {
    expect(toJsonSchema(AttributeValue)).toMatchObject({
      anyOf: [{ type: ['string', 'number', 'boolean'] }, { type: 'array', items: { type: 'string' } }],
    })
    expect(toJsonSchema(scalarOf('S', ['string']))).toMatchObject({ type: 'string' })
  })
})

describe('recordOf', () => {
  const decodeMap = decodeWith(recordOf('Attributes', AttributeValue), 'attributes')

  it('decodes every value at its key, and names the key of a refused one', () => {
    expect(decodeMap({ pets: ['dog'], age: 40 })).toEqual({ _tag: 'Right', right: { pets: ['dog'], age: 40 } })
    const r = decodeMap({ pets: ['dog'], age: { years: 40 } })
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') expect(r.left.problems.map((p) => p.path)).toEqual(['age'])
    expect(decodeMap([])._tag).toBe('Left')
    expect(decodeMap(null)._tag).toBe('Left')
  })

  it('keeps a key named __proto__ as a key, never as the prototype', () => {
    const r = decodeMap(JSON.parse('{"__proto__": "x", "a": 1}'))
    expect(r._tag).toBe('Right')
    if (r._tag === 'Right') {
      expect(Object.getPrototypeOf(r.right)).toBe(Object.prototype)
      expect(Object.keys(r.right)).toEqual(['__proto__', 'a'])
    }
  })

  it('is the codec of a customer’s attributes (the path names the attribute)', () => {
    const r = decodeCustomer({ card: 'C1', attributes: { pets: ['dog', 3] } })
    expect(r._tag).toBe('Left')
    if (r._tag === 'Left') expect(r.left.problems[0]?.path).toBe('attributes.pets')
  })

  it('has the JSON Schema of a map', () => {
    expect(toJsonSchema(recordOf('M', scalarOf('S', ['number'])))).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'number' },
    })
  })
})

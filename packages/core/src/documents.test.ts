import { basketArb } from '@tessera/testing'
import Ajv2020 from 'ajv/dist/2020.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { designBasket, designCustomer, designEvaluation } from '../test/design-examples.js'
import { decodeBasket, decodeCustomer, decodeEvaluation, documents, schemaOf } from './documents.js'

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })
const validatorOf = (name: string) => ajv.compile(schemaOf(name) as object)

/**
 * The schema printed by `tessera schema` is generated from the codecs; these tests check that the
 * two agree on the same documents, so neither can drift. JSON Schema cannot express the codecs'
 * cross-field rules (whole quantities on `each` lines, unique line ids, card-or-member): those
 * are checked by the codec only, and listed as such.
 */
describe('wire document schemas', () => {
  it('has a schema for every registered document', () => {
    for (const name of Object.keys(documents)) expect(schemaOf(name)).toHaveProperty('$schema')
    expect(schemaOf('nonsense')).toBeUndefined()
  })

  it('accepts the DESIGN.md examples, as the codecs do', () => {
    const cases: Array<[string, unknown, (u: unknown) => { _tag: string }]> = [
      ['basket', designBasket, decodeBasket],
      ['customer', designCustomer, decodeCustomer],
      ['evaluation', designEvaluation, decodeEvaluation],
    ]
    for (const [name, doc, decode] of cases) {
      const validate = validatorOf(name)
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
      expect(decode(doc)._tag).toBe('Right')
    }
  })

  it('refuses what the basket codec refuses, field by field', () => {
    const validate = validatorOf('basket')
    const line0 = designBasket.lines[0]!
    const bad: unknown[] = [
      { ...designBasket, currency: 'eur' },
      { ...designBasket, at: 'yesterday' },
      { ...designBasket, channel: 'phone' },
      { ...designBasket, lines: [{ ...line0, unitPrice: 3.49 }] },
      { ...designBasket, lines: [{ ...line0, quantity: 0 }] },
      { ...designBasket, lines: [{ ...line0, unit: 'bushel' }] },
      { ...designBasket, lines: [{ ...line0, taxRate: 5.555 }] },
      { ...designBasket, id: '' },
    ]
    for (const doc of bad) {
      expect(decodeBasket(doc)._tag).toBe('Left')
      expect(validate(doc)).toBe(false)
    }
  })

  it('agrees with the codec on generated baskets', () => {
    const validate = validatorOf('basket')
    fc.assert(
      fc.property(basketArb(), (basket) => {
        expect(decodeBasket(basket)._tag).toBe('Right')
        expect(validate(basket)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})

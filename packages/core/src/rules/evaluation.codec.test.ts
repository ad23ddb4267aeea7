import { describe, expect, it } from 'vitest'
import { designEvaluation } from '../../test/design-examples.js'
import { decodeEvaluation } from '../documents.js'

describe('EvaluationCodec', () => {
  it('decodes the DESIGN.md example', () => {
    const r = decodeEvaluation(designEvaluation)
    expect(r._tag).toBe('Right')
    if (r._tag === 'Right')
      expect(r.right.explanations[0]?.reasons[0]).toEqual({ code: 'MIN_SPEND', required: 2000, actual: 1650 })
  })

  it('refuses a fractional total, as Medusa once produced (-1.6e-14)', () => {
    const r = decodeEvaluation({ ...designEvaluation, total: -1.6e-14 })
    expect(r._tag === 'Left' && r.left.problems[0]?.path).toBe('total')
  })

  it('names the path of a bad nested field', () => {
    const bad = {
      ...designEvaluation,
      discounts: [{ ...designEvaluation.discounts[0], allocations: [{ lineId: '1', amount: 1.75 }] }],
    }
    const r = decodeEvaluation(bad)
    expect(r._tag === 'Left' && r.left.problems[0]?.path).toBe('discounts.0.allocations.0.amount')
  })
})

import { convertMeasure, type MeasureUnit } from '../../basket/units.js'
import { compileSelector } from '../../catalog/selector.js'
import type { MeasureUnitName, Selector } from '../campaign.codec.js'
import { type ConditionFn, fail, OK, selection } from '../context.js'

const MICRO = 1_000_000

/**
 * `{ "measure": { "of": sel, "unit": "kg", "atLeast": 1.5 } }`: the measured quantity of the lines,
 * converted to `unit` (grams count towards kilograms; litres never do). Compared in millionths of
 * the unit, as integers, so float noise cannot flip a threshold.
 */
export const measure = (spec: {
  readonly of: Selector
  readonly unit: MeasureUnitName
  readonly atLeast: number
}): ConditionFn => {
  const match = compileSelector(spec.of)
  const sel = selection(spec.of)
  const required = Math.round(spec.atLeast * MICRO)
  return (ctx) => {
    let total = 0
    for (const line of ctx.lines) {
      const unit = line.unit ?? 'each'
      if (unit === 'each' || !match(line)) continue
      const q = convertMeasure(line.quantity, unit as MeasureUnit, spec.unit)
      if (q !== undefined) total += Math.round(q * MICRO)
    }
    if (total >= required) return OK
    return fail(
      { code: 'MIN_MEASURE', required: spec.atLeast, actual: total / MICRO, message: `in ${spec.unit}` },
      { kind: 'measure', value: (required - total) / MICRO, unit: spec.unit, of: sel },
    )
  }
}

import type { Condition } from '../campaign.codec.js'
import type { ConditionFn } from '../context.js'
import { channel } from './channel.js'
import { code } from './code.js'
import { contains } from './contains.js'
import { distinct } from './distinct.js'
import { allOf, anyOf, noneOf } from './logic.js'
import { measure } from './measure.js'
import { quantity } from './quantity.js'
import { spend } from './spend.js'
import { store } from './store.js'

/** The registry of basket conditions, keyed by their DSL name: one small file each. */
export const CONDITIONS: Readonly<Record<string, (spec: never) => ConditionFn>> = {
  all: (parts: readonly Condition[]) => allOf(parts.map(compileCondition)),
  any: (parts: readonly Condition[]) => anyOf(parts.map(compileCondition)),
  not: (part: Condition) => noneOf(compileCondition(part), 'the basket'),
  quantity,
  measure,
  spend,
  distinct,
  contains,
  code,
  channel,
  store,
}

/** Compiles a basket condition into a function of the basket and the state. */
export function compileCondition(condition: Condition): ConditionFn {
  const key = Object.keys(condition)[0] as string
  const compiler = CONDITIONS[key] as (spec: unknown) => ConditionFn
  return compiler((condition as Record<string, unknown>)[key])
}

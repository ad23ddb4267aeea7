import type { Campaign, Limits } from './campaign.codec.js'
import type { CompiledEngine } from './compile.js'
import type { ConditionFn, CustomerFn, RewardFn } from './context.js'
import type { CompiledValidity } from './validity.js'

// The inside of a compiled campaign list: internal to the rules folder (not exported from the package).

/** One compiled campaign (internal to the rules folder). */
export interface Entry {
  readonly campaign: Campaign
  readonly id: string
  readonly rank: number
  readonly label: string
  readonly exclusive: boolean
  readonly group: string | undefined
  readonly validity: CompiledValidity
  readonly needsLocalTime: boolean
  readonly cardRequired: boolean
  readonly customer: CustomerFn | undefined
  readonly codePool: string | undefined
  readonly trigger: ConditionFn | undefined
  readonly reward: RewardFn
  readonly givesDiscount: boolean
  readonly perBasket: number
  /** Copied out of the campaign so the hot path reads one object shape. */
  readonly limits: Limits | undefined
  readonly holdoutShare: number | undefined
  readonly nudgeLabel: string | undefined
}

/** The engine behind {@link CompiledEngine} (internal). */
export interface Engine extends CompiledEngine {
  readonly entries: readonly Entry[]
  readonly always: readonly number[]
  readonly bySku: ReadonlyMap<string, readonly number[]>
  readonly byCategory: ReadonlyMap<string, readonly number[]>
  readonly byBrand: ReadonlyMap<string, readonly number[]>
  readonly byTag: ReadonlyMap<string, readonly number[]>
  /** Campaigns that need a code, by pool: a scanned code always brings its campaign into the answer. */
  readonly byPool: ReadonlyMap<string, readonly number[]>
}

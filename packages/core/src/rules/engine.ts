import type { Campaign, Limits } from './campaign.codec.js'
import type { ConditionFn, CustomerFn, RewardFn, Selection } from './context.js'
import type { CompiledValidity } from './validity.js'

// The inside of a compiled campaign list: internal to the rules folder (not exported from the package).

/** The precomputed engine inside a {@link Compiled}: opaque, read only by `evaluate`. @category rules */
export interface CompiledEngine {
  readonly size: number
}

/** One compiled campaign (internal to the rules folder). */
export interface Entry {
  readonly campaign: Campaign
  readonly id: string
  readonly rank: number
  readonly label: string
  readonly exclusive: boolean
  readonly group: string | undefined
  readonly validity: CompiledValidity
  /** The window of `validity` in epoch ms, open ends as -∞ and +∞ (read first, on every candidate). */
  readonly fromMs: number
  readonly untilMs: number
  readonly needsLocalTime: boolean
  readonly cardRequired: boolean
  readonly customer: CustomerFn | undefined
  readonly codePool: string | undefined
  /** Its compiled trigger: campaigns with the same trigger share one function. */
  readonly trigger: ConditionFn | undefined
  /** Its trigger is one spend or quantity threshold (its reason says how far off it is). */
  readonly threshold: boolean
  readonly reward: RewardFn
  readonly givesDiscount: boolean
  /** The selections of the units its reward consumes; undefined when it consumes none. */
  readonly consumes: readonly Selection[] | undefined
  /** Its reward never gives less when the basket gains a line (nudges towards it are cheap to check). */
  readonly monotone: boolean
  /** The amount of a plain `amountOff` reward (a discount that does not grow with the basket unless it took all). */
  readonly fixedAmount: number | undefined
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
  /**
   * The campaigns whose trigger or reward may read a line with a key (`s:` SKU, `c:` category, `b:`
   * brand, `t:` tag; a line with none of their keys changes nothing of what they do), and those
   * that may read any line (`*`): what an item added can change, for nudges.
   */
  readonly readers: ReadonlyMap<string, readonly number[]>
  /** Campaigns that need a code, by pool: a scanned code always brings its campaign into the answer. */
  readonly byPool: ReadonlyMap<string, readonly number[]>
  /** No campaign is exclusive or in a stacking group, and at most one consumes units: nothing conflicts, no best-deal choice. */
  readonly plain: boolean
  /** At most this many nudges per evaluation (`CompileOptions.maxNudges`). */
  readonly maxNudges: number
  /** Buffers one evaluation at a time borrows, so that its work is proportional to its candidates (replaced when found busy). */
  scratch: Scratch
}

/**
 * Per-campaign buffers an evaluation borrows (internal). `bits` marks candidate ranks (one bit per
 * campaign) and `summary` marks the non-zero words of `bits` (one bit per 32 words), so the marked
 * ranks come out in ascending order in time proportional to their number (plus one step per 1,024
 * campaigns), and reading them clears both again. `position` is only read for the ranks of the
 * current evaluation. An evaluation that finds the buffers `busy` (one already running on this
 * engine, in the same thread, or one that threw) gets fresh ones, which replace them.
 */
export interface Scratch {
  readonly bits: Int32Array
  readonly summary: Int32Array
  /** Per rank: its position among the current evaluation's candidates. */
  readonly position: Int32Array
  /** The candidates' ranks, in the first slots. */
  readonly ranks: Int32Array
  /** Per candidate position: flags of the current evaluation (cleared for its candidates first). */
  readonly flags: Uint8Array
  busy: boolean
}

/** Fresh buffers for an engine of `size` campaigns. */
export const newScratch = (size: number): Scratch => ({
  bits: new Int32Array(Math.ceil(size / 32)),
  summary: new Int32Array(Math.ceil(size / 1024)),
  position: new Int32Array(size),
  ranks: new Int32Array(size),
  flags: new Uint8Array(size),
  busy: false,
})

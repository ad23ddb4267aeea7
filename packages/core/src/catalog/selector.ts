import type { BasketLine } from '../basket/basket.codec.js'
import type { Selector } from '../rules/campaign.codec.js'

/**
 * A compiled selector: whether a line is selected. Compiled once per campaign, so matching a line
 * does no parsing and no allocation.
 * @category catalog
 */
export type LineMatcher = (line: BasketLine) => boolean

/**
 * Whether a line's categories include `category` or a category under it: `grocery` matches
 * `grocery/spreads`, but not `grocery-bags`.
 * @category catalog
 */
export const inCategory = (categories: readonly string[], category: string): boolean => {
  for (const c of categories) {
    if (c === category || (c.length > category.length && c.startsWith(category) && c[category.length] === '/')) {
      return true
    }
  }
  return false
}

/**
 * All the categories a category sits in, itself included: `a/b/c` gives `a`, `a/b`, `a/b/c`.
 * @category catalog
 */
export const categoryAncestors = (category: string): string[] => {
  const out: string[] = []
  let i = category.indexOf('/')
  while (i !== -1) {
    out.push(category.slice(0, i))
    i = category.indexOf('/', i + 1)
  }
  out.push(category)
  return out
}

const anyOf = (values: readonly string[], test: (v: string) => boolean): boolean => {
  for (const v of values) if (test(v)) return true
  return false
}

/**
 * Compiles a selector into a {@link LineMatcher}. Note that `discountable: false` is not a matter of
 * selection: such lines are selected (they count in conditions) but never rewarded.
 * @category catalog
 */
export const compileSelector = (selector: Selector): LineMatcher => {
  if (selector === '*') return () => true
  if ('sku' in selector) {
    const skus = selector.sku
    if (skus.length === 1) {
      const only = skus[0]
      return (line) => line.sku === only
    }
    const set = new Set<string>(skus)
    return (line) => set.has(line.sku)
  }
  if ('category' in selector) {
    const categories = selector.category
    return (line) => anyOf(categories, (c) => inCategory(line.categories, c))
  }
  if ('brand' in selector) {
    const brands = selector.brand
    return (line) => line.brand !== undefined && brands.includes(line.brand)
  }
  if ('tag' in selector) {
    const tags = selector.tag
    return (line) => line.tags !== undefined && anyOf(tags, (t) => (line.tags as readonly string[]).includes(t))
  }
  if ('all' in selector) {
    const parts = selector.all.map(compileSelector)
    return (line) => {
      for (const p of parts) if (!p(line)) return false
      return true
    }
  }
  if ('any' in selector) {
    const parts = selector.any.map(compileSelector)
    return (line) => {
      for (const p of parts) if (p(line)) return true
      return false
    }
  }
  const inner = compileSelector(selector.not)
  return (line) => !inner(line)
}

/**
 * The index keys of a selector: a line it selects must carry one of these SKUs, categories (or a
 * category under one), brands or tags. `undefined` when the selector cannot be narrowed that way
 * (`"*"`, `not`).
 * @category catalog
 */
export interface SelectorKeys {
  readonly sku: readonly string[]
  readonly category: readonly string[]
  readonly brand: readonly string[]
  readonly tag: readonly string[]
}

const EMPTY_KEYS: SelectorKeys = { sku: [], category: [], brand: [], tag: [] }

const keyCount = (k: SelectorKeys) => k.sku.length + k.category.length + k.brand.length + k.tag.length

/** Merges key sets (a line selected by any of them). @category catalog */
export const unionKeys = (sets: readonly SelectorKeys[]): SelectorKeys => ({
  sku: sets.flatMap((s) => s.sku),
  category: sets.flatMap((s) => s.category),
  brand: sets.flatMap((s) => s.brand),
  tag: sets.flatMap((s) => s.tag),
})

/**
 * The keys a selected line must carry (see {@link SelectorKeys}), or `undefined` when there are none.
 * For `all`, any one part's keys suffice, so the narrowest is used.
 * @category catalog
 */
export const selectorKeys = (selector: Selector): SelectorKeys | undefined => {
  if (selector === '*') return undefined
  if ('sku' in selector) return { ...EMPTY_KEYS, sku: selector.sku }
  if ('category' in selector) return { ...EMPTY_KEYS, category: selector.category }
  if ('brand' in selector) return { ...EMPTY_KEYS, brand: selector.brand }
  if ('tag' in selector) return { ...EMPTY_KEYS, tag: selector.tag }
  if ('all' in selector) {
    let best: SelectorKeys | undefined
    for (const part of selector.all) {
      const k = selectorKeys(part)
      if (k !== undefined && (best === undefined || keyCount(k) < keyCount(best))) best = k
    }
    return best
  }
  if ('any' in selector) {
    const parts = selector.any.map(selectorKeys)
    if (parts.some((p) => p === undefined)) return undefined
    return unionKeys(parts as SelectorKeys[])
  }
  return undefined
}

/**
 * Whether a selector can select any line at all. `{"sku": []}`, `{"not": "*"}` and an `all` of
 * disjoint SKU (or brand) lists cannot.
 * @category catalog
 */
export const isSatisfiable = (selector: Selector): boolean => {
  if (selector === '*') return true
  if ('sku' in selector) return selector.sku.length > 0
  if ('category' in selector) return selector.category.length > 0
  if ('brand' in selector) return selector.brand.length > 0
  if ('tag' in selector) return selector.tag.length > 0
  if ('any' in selector) return selector.any.some(isSatisfiable)
  if ('not' in selector) return selector.not !== '*'
  if (!selector.all.every(isSatisfiable)) return false
  // A line has one SKU and one brand: parts naming SKUs (or brands) must share one.
  for (const field of ['sku', 'brand'] as const) {
    let common: Set<string> | undefined
    for (const part of selector.all) {
      if (part === '*' || !(field in part)) continue
      const values = (part as Record<typeof field, readonly string[]>)[field]
      common = new Set(common === undefined ? values : values.filter((v) => (common as Set<string>).has(v)))
      if (common.size === 0) return false
    }
  }
  return true
}

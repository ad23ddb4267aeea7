import type { Catalog, Product } from '../../../till-simulator/src/store/catalog.js'

/**
 * The web shop's shelves: a selection of the till simulator's demo catalogue (the products sold by
 * the unit, on the shelves where its campaigns play), and the basket the shop builds from a cart.
 * Prices come from the catalogue on the server, never from the browser.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** A product as the shop page shows it. @category web-shop */
export interface ShopProduct {
  readonly sku: string
  readonly name: string
  readonly brand: string
  readonly shelf: string
  readonly unitPrice: number
  readonly tags: readonly string[]
}

/** A shelf of the page: its title and products. @category web-shop */
export interface Shelf {
  readonly id: string
  readonly title: string
  readonly products: readonly ShopProduct[]
}

/** One line of a cart as the browser sends it: what and how many. @category web-shop */
export interface CartLine {
  readonly sku: string
  readonly quantity: number
}

// ── data ─────────────────────────────────────────────────────────────────────────────────────────

/** The shelves on the page, in order, with how many products of each (the catalogue's first ones). */
const SHELVES: readonly { readonly category: string; readonly title: string; readonly count: number }[] = [
  { category: 'dairy/yogurt', title: 'Yogurts', count: 8 },
  { category: 'grocery/pasta', title: 'Pasta', count: 6 },
  { category: 'grocery/sauces', title: 'Pasta sauces', count: 4 },
  { category: 'grocery/coffee', title: 'Coffee', count: 4 },
  { category: 'snacks/chocolate', title: 'Chocolate', count: 4 },
  { category: 'fresh/sandwiches', title: 'Sandwiches', count: 4 },
  { category: 'drinks/soda', title: 'Drinks', count: 4 },
  { category: 'snacks/chips', title: 'Crisps', count: 4 },
  { category: 'wine/red', title: 'Red wine', count: 4 },
]

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * The shop's shelves from the demo catalogue: unit-priced products only (weighed goods need a
 * scale), gift cards and tobacco never (they are not sold online).
 * @category web-shop
 */
export const shopShelves = (catalog: Catalog): Shelf[] =>
  SHELVES.map((s) => ({
    id: s.category.replace('/', '-'),
    title: s.title,
    products: catalog.products
      .filter((p) => p.unit === 'each' && p.categories.includes(s.category))
      .slice(0, s.count)
      .map((p) => shopProduct(p, s.category)),
  }))

const shopProduct = (p: Product, shelf: string): ShopProduct => ({
  sku: p.sku,
  name: p.name,
  brand: p.brand,
  shelf,
  unitPrice: p.unitPrice,
  tags: p.tags,
})

/** A basket line of a catalogue product: the amount is the unit price times the quantity. @category web-shop */
export const basketLine = (id: string, product: Product, quantity: number): WireLine => ({
  id,
  sku: product.sku,
  quantity,
  unitPrice: product.unitPrice,
  amount: product.unitPrice * quantity,
  categories: product.categories,
  brand: product.brand,
  tags: product.tags,
  taxRate: product.taxRate,
  ...(product.discountable ? {} : { discountable: false }),
})

/**
 * A basket line as JSON on the wire (contract v1): Tessera's route decodes it with the core's
 * codecs, so the shop writes plain values, not the core's branded types.
 * @category web-shop
 */
export interface WireLine {
  readonly id: string
  readonly sku: string
  readonly quantity: number
  readonly unitPrice: number
  readonly amount: number
  readonly categories: readonly string[]
  readonly brand: string
  readonly tags: readonly string[]
  readonly taxRate: number
  readonly discountable?: false
}

/** A basket as JSON on the wire (contract v1). @category web-shop */
export interface WireBasket {
  readonly id: string
  readonly storeId: string
  readonly terminalId: string
  readonly channel: 'online'
  readonly currency: 'EUR'
  readonly pricesIncludeTax: true
  readonly at: string
  readonly lines: readonly WireLine[]
  readonly card?: string
  readonly codes?: readonly string[]
}

/** What the shop needs to build a basket. @category web-shop */
export interface BasketContext {
  readonly id: string
  readonly storeId: string
  readonly at: string
  readonly card?: string
  readonly codes?: readonly string[]
}

/**
 * The basket of a cart (lines numbered from 1 in the cart's order), on the shop's online channel.
 * Every SKU must be on sale: the routes check that first.
 * @category web-shop
 */
export const basketOf = (
  sellable: ReadonlyMap<string, Product>,
  lines: readonly CartLine[],
  ctx: BasketContext,
): WireBasket => ({
  id: ctx.id,
  storeId: ctx.storeId,
  terminalId: 'web',
  channel: 'online',
  currency: 'EUR',
  pricesIncludeTax: true,
  at: ctx.at,
  lines: lines.map((l, i) => basketLine(String(i + 1), sellable.get(l.sku) as Product, l.quantity)),
  ...(ctx.card !== undefined ? { card: ctx.card } : {}),
  ...(ctx.codes !== undefined && ctx.codes.length > 0 ? { codes: ctx.codes } : {}),
})

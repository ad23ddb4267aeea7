import { gs1CheckDigit, parseBarcode, priceVerifierDigit } from '@tessera/core'
import { type Rng, seededRng } from './prng.js'

/**
 * The demo store's catalog: 500+ products with believable names, brands and categories, including
 * weighed fresh goods sold with variable-measure EAN-13s (German GS1 rules: prefix 28 = weight in
 * grams, prefix 22 = price in cents, `PPPPPPCVVVVV`) and pairs of competing brands for conquest
 * coupons. The brands are invented; the SKUs are valid EAN-13s in the French 30–37 range.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** How a product's barcode carries its measure. @category store */
export type BarcodeKind = 'gtin' | 'weight' | 'price'

/** One product of the demo catalog. @category store */
export interface Product {
  /** The EAN-13 the catalog knows it by; for weighed goods the measure digits are zero. */
  readonly sku: string
  readonly name: string
  readonly brand: string
  /** The category and its parents, most general first: `['dairy', 'dairy/yogurt']`. */
  readonly categories: readonly string[]
  /** Price per unit in cents, or per kg for weighed goods. */
  readonly unitPrice: number
  readonly unit: 'each' | 'kg'
  readonly barcode: BarcodeKind
  readonly taxRate: number
  readonly tags: readonly string[]
  readonly discountable: boolean
}

/** A brand the store wants to win customers from, and its own brand offered instead. @category store */
export interface CompetitorPair {
  readonly category: string
  readonly competitor: string
  readonly ours: string
}

/** The generated catalog with its lookups. @category store */
export interface Catalog {
  readonly products: readonly Product[]
  readonly bySku: ReadonlyMap<string, Product>
  readonly competitorPairs: readonly CompetitorPair[]
  /** The SKU of the reusable tote bag the store gives away (the `freeItem` campaign). */
  readonly giftSku: string
}

// ── data ─────────────────────────────────────────────────────────────────────────────────────────

/** The store's own brand. @category store */
export const STORE_BRAND = 'Maison Tessera'

interface Shelf {
  readonly path: string
  readonly nouns: readonly string[]
  readonly variants: readonly string[]
  readonly brands: readonly string[]
  /** Price range in cents per unit (or per kg). */
  readonly price: readonly [number, number]
  readonly count: number
  readonly unit?: 'kg'
  readonly barcode?: BarcodeKind
  readonly tax?: number
  readonly tags?: readonly string[]
  readonly discountable?: boolean
  /** The competitor brand and the brand the store pushes instead. */
  readonly conquest?: readonly [string, string]
}

const SHELVES: readonly Shelf[] = [
  {
    path: 'fresh/fruit',
    nouns: ['Gala apples', 'Conference pears', 'Clementines', 'Bananas', 'Kiwis', 'Lemons', 'Peaches', 'Red grapes'],
    variants: ['loose'],
    brands: ['Vergers du Val', 'Sunhill Growers'],
    price: [199, 549],
    count: 14,
    unit: 'kg',
    barcode: 'weight',
    tags: ['local'],
  },
  {
    path: 'fresh/vegetables',
    nouns: ['Carrots', 'Vine tomatoes', 'Courgettes', 'Potatoes', 'Leeks', 'Red onions', 'Peppers', 'Broccoli'],
    variants: ['loose'],
    brands: ['Potager Normand', 'Sunhill Growers'],
    price: [149, 499],
    count: 14,
    unit: 'kg',
    barcode: 'weight',
    tags: ['local'],
  },
  {
    path: 'fresh/cheese',
    nouns: ['Comté 18 months', 'Brie de Meaux', 'Tomme de Savoie', 'Emmental', 'Gouda aged', 'Beaufort', 'Morbier'],
    variants: ['cut to order'],
    brands: ['Fromagerie Vallon', STORE_BRAND],
    price: [1290, 2890],
    count: 12,
    unit: 'kg',
    barcode: 'price',
  },
  {
    path: 'fresh/meat',
    nouns: ['Beef steak', 'Chicken breast', 'Pork chops', 'Lamb shoulder', 'Veal escalope', 'Minced beef 15%'],
    variants: ['butcher counter'],
    brands: ['Boucherie Armand', STORE_BRAND],
    price: [990, 3290],
    count: 12,
    unit: 'kg',
    barcode: 'weight',
  },
  {
    path: 'fresh/bakery',
    nouns: ['Baguette tradition', 'Croissant', 'Pain au chocolat', 'Sourdough loaf', 'Brioche', 'Rye bread'],
    variants: ['single', 'pack of 4'],
    brands: ['Fournil Saint-Marc', STORE_BRAND],
    price: [95, 459],
    count: 16,
  },
  {
    path: 'fresh/sandwiches',
    nouns: ['Ham & butter sandwich', 'Chicken caesar wrap', 'Tuna crudités sandwich', 'Mozzarella pesto panini'],
    variants: ['single'],
    brands: [STORE_BRAND, 'Deli Express'],
    price: [249, 449],
    count: 9,
    tags: ['meal-deal'],
  },
  {
    path: 'dairy/yogurt',
    nouns: ['Natural yogurt', 'Greek yogurt', 'Strawberry yogurt', 'Vanilla yogurt', 'Skyr', 'Fromage blanc'],
    variants: ['4 x 125 g', '8 x 125 g', '500 g'],
    brands: ['Laiterie Morvan', 'Alpenhof', STORE_BRAND],
    price: [129, 449],
    count: 28,
    conquest: ['Alpenhof', 'Laiterie Morvan'],
  },
  {
    path: 'dairy/milk',
    nouns: ['Semi-skimmed milk', 'Whole milk', 'Lactose-free milk', 'Oat drink', 'Almond drink'],
    variants: ['1 L', '6 x 1 L'],
    brands: ['Laiterie Morvan', 'Alpenhof', STORE_BRAND],
    price: [95, 689],
    count: 21,
  },
  {
    path: 'dairy/butter',
    nouns: ['Salted butter', 'Unsalted butter', 'Crème fraîche', 'Whipping cream'],
    variants: ['250 g', '500 g'],
    brands: ['Laiterie Morvan', 'Beurrerie Celte'],
    price: [189, 529],
    count: 14,
  },
  {
    path: 'grocery/spreads',
    nouns: ['Hazelnut spread', 'Strawberry jam', 'Apricot jam', 'Acacia honey', 'Peanut butter'],
    variants: ['350 g', '750 g'],
    brands: ['Noccia', 'Confiturerie Bonnet', STORE_BRAND],
    price: [229, 699],
    count: 21,
    conquest: ['Noccia', STORE_BRAND],
  },
  {
    path: 'grocery/pasta',
    nouns: ['Spaghetti', 'Penne rigate', 'Fusilli', 'Tagliatelle', 'Lasagne sheets', 'Farfalle'],
    variants: ['500 g', '1 kg'],
    brands: ['Pastificio Rossi', 'Barillon', STORE_BRAND],
    price: [89, 349],
    count: 24,
    conquest: ['Barillon', 'Pastificio Rossi'],
  },
  {
    path: 'grocery/sauces',
    nouns: [
      'Tomato basil sauce',
      'Arrabbiata sauce',
      'Pesto genovese',
      'Bolognese sauce',
      'Mayonnaise',
      'Dijon mustard',
    ],
    variants: ['190 g', '400 g'],
    brands: ['Pastificio Rossi', 'Barillon', 'Maille & Fils'],
    price: [149, 429],
    count: 21,
  },
  {
    path: 'grocery/breakfast',
    nouns: ['Cornflakes', 'Muesli', 'Granola', 'Porridge oats', 'Chocolate cereal'],
    variants: ['375 g', '750 g'],
    brands: ['Kelloggs Farm', 'Nature Valley Mills', STORE_BRAND],
    price: [189, 549],
    count: 19,
    conquest: ['Kelloggs Farm', STORE_BRAND],
  },
  {
    path: 'grocery/coffee',
    nouns: ['Ground coffee', 'Coffee beans', 'Espresso capsules', 'Instant coffee', 'Decaf ground coffee'],
    variants: ['250 g', '1 kg', 'x10'],
    brands: ['Café Carlotti', 'Jacobsen Kaffee', STORE_BRAND],
    price: [269, 1499],
    count: 24,
    conquest: ['Jacobsen Kaffee', 'Café Carlotti'],
  },
  {
    path: 'grocery/tea',
    nouns: ['Earl Grey', 'Green tea', 'Mint infusion', 'Rooibos', 'English breakfast'],
    variants: ['20 bags', '50 bags'],
    brands: ['Thés de l’Atlas', 'Twinmore'],
    price: [179, 549],
    count: 14,
  },
  {
    path: 'snacks/chips',
    nouns: ['Salted crisps', 'Paprika crisps', 'Tortilla chips', 'Salted peanuts', 'Pretzels'],
    variants: ['150 g', '300 g'],
    brands: ['Crunchy Bay', 'Lorenzo Snacks', STORE_BRAND],
    price: [119, 389],
    count: 19,
    tags: ['meal-deal'],
  },
  {
    path: 'snacks/biscuits',
    nouns: ['Butter biscuits', 'Chocolate cookies', 'Shortbread', 'Madeleines', 'Speculoos'],
    variants: ['200 g', '400 g'],
    brands: ['Biscuiterie Nantaise', 'Lorenzo Snacks', STORE_BRAND],
    price: [139, 429],
    count: 19,
  },
  {
    path: 'snacks/chocolate',
    nouns: ['Dark chocolate 70%', 'Milk chocolate', 'Hazelnut chocolate', 'White chocolate', 'Pralines'],
    variants: ['100 g', '200 g'],
    brands: ['Chocolaterie Velin', 'Swissberg', STORE_BRAND],
    price: [149, 899],
    count: 21,
    conquest: ['Swissberg', 'Chocolaterie Velin'],
  },
  {
    path: 'drinks/water',
    nouns: ['Still mineral water', 'Sparkling water', 'Lemon sparkling water'],
    variants: ['1.5 L', '6 x 1.5 L', '50 cl'],
    brands: ['Source Vals', 'Montclair', STORE_BRAND],
    price: [39, 459],
    count: 16,
    tags: ['meal-deal'],
  },
  {
    path: 'drinks/soda',
    nouns: ['Cola', 'Cola zero', 'Lemonade', 'Orange soda', 'Iced tea peach'],
    variants: ['33 cl', '1.5 L', '6 x 33 cl'],
    brands: ['Cola Royale', 'Fizzup', STORE_BRAND],
    price: [79, 599],
    count: 24,
    tax: 5.5,
    tags: ['meal-deal'],
    conquest: ['Cola Royale', STORE_BRAND],
  },
  {
    path: 'drinks/juice',
    nouns: ['Orange juice', 'Apple juice', 'Multifruit juice', 'Grapefruit juice'],
    variants: ['1 L', '1.5 L'],
    brands: ['Vergers du Val', 'Tropicana Bay', STORE_BRAND],
    price: [149, 449],
    count: 16,
  },
  {
    path: 'wine/red',
    nouns: ['Bordeaux AOC', 'Côtes du Rhône', 'Pinot noir', 'Rioja crianza', 'Chianti classico', 'Malbec'],
    variants: ['75 cl'],
    brands: ['Château Lafleur-Bastide', 'Domaine des Ormes', 'Bodegas Sierra'],
    price: [499, 2499],
    count: 19,
    tax: 20,
    tags: ['alcohol'],
  },
  {
    path: 'wine/white',
    nouns: ['Chablis', 'Sauvignon blanc', 'Riesling', 'Muscadet', 'Pinot grigio'],
    variants: ['75 cl'],
    brands: ['Domaine des Ormes', 'Weingut Adler', 'Cave de Ribeauvillé'],
    price: [499, 2199],
    count: 16,
    tax: 20,
    tags: ['alcohol'],
  },
  {
    path: 'wine/sparkling',
    nouns: ['Champagne brut', 'Crémant de Loire', 'Prosecco', 'Cava brut'],
    variants: ['75 cl'],
    brands: ['Maison Delorme', 'Cantina Bellini'],
    price: [699, 3999],
    count: 9,
    tax: 20,
    tags: ['alcohol'],
  },
  {
    path: 'beer',
    nouns: ['Blonde lager', 'IPA', 'Wheat beer', 'Amber ale', 'Alcohol-free lager'],
    variants: ['6 x 25 cl', '50 cl', '12 x 25 cl'],
    brands: ['Brasserie du Nord', 'Hopfenhaus', STORE_BRAND],
    price: [149, 1299],
    count: 19,
    tax: 20,
    tags: ['alcohol'],
    conquest: ['Hopfenhaus', 'Brasserie du Nord'],
  },
  {
    path: 'frozen/pizza',
    nouns: ['Margherita pizza', 'Four cheese pizza', 'Pepperoni pizza', 'Vegetable pizza'],
    variants: ['single', 'x2'],
    brands: ['Forno Gelato', 'Dr. Ofenmeister', STORE_BRAND],
    price: [249, 699],
    count: 16,
    conquest: ['Dr. Ofenmeister', 'Forno Gelato'],
  },
  {
    path: 'frozen/icecream',
    nouns: ['Vanilla ice cream', 'Chocolate ice cream', 'Salted caramel ice cream', 'Sorbet lemon', 'Ice cream cones'],
    variants: ['500 ml', 'x4'],
    brands: ['Glacier Alpin', 'Forno Gelato'],
    price: [299, 699],
    count: 14,
  },
  {
    path: 'household/cleaning',
    nouns: ['Washing-up liquid', 'Laundry detergent', 'Multi-surface spray', 'Dishwasher tablets', 'Bleach'],
    variants: ['500 ml', '1 L', 'x30'],
    brands: ['Brillant', 'Ecoclair', STORE_BRAND],
    price: [149, 1299],
    count: 21,
    tax: 20,
    conquest: ['Brillant', 'Ecoclair'],
  },
  {
    path: 'household/paper',
    nouns: ['Toilet paper', 'Kitchen towels', 'Tissues'],
    variants: ['x6', 'x12'],
    brands: ['Douceline', STORE_BRAND],
    price: [199, 899],
    count: 12,
    tax: 20,
  },
  {
    path: 'hygiene/haircare',
    nouns: ['Shampoo', 'Conditioner', 'Shower gel', 'Anti-dandruff shampoo'],
    variants: ['250 ml', '500 ml'],
    brands: ['Capillea', 'Naturelle', STORE_BRAND],
    price: [199, 799],
    count: 16,
    tax: 20,
  },
  {
    path: 'hygiene/dental',
    nouns: ['Toothpaste', 'Toothbrush medium', 'Mouthwash', 'Dental floss'],
    variants: ['single', 'x2'],
    brands: ['Dentiblanc', 'Oralis'],
    price: [149, 649],
    count: 12,
    tax: 20,
  },
  {
    path: 'baby/diapers',
    nouns: ['Diapers size 3', 'Diapers size 4', 'Diapers size 5', 'Baby wipes'],
    variants: ['x30', 'x60'],
    brands: ['Bébé Doux', 'Pamperino'],
    price: [299, 2499],
    count: 12,
    tax: 5.5,
    tags: ['baby'],
  },
  {
    path: 'pets/dog',
    nouns: ['Dry dog food', 'Dog treats', 'Wet dog food'],
    variants: ['400 g', '4 kg'],
    brands: ['Canidor', 'Pawsome'],
    price: [199, 2899],
    count: 9,
    tax: 20,
    tags: ['pets'],
  },
  {
    path: 'pets/cat',
    nouns: ['Dry cat food', 'Wet cat food pouches', 'Cat litter'],
    variants: ['12 x 85 g', '2 kg'],
    brands: ['Felinette', 'Pawsome'],
    price: [249, 1599],
    count: 9,
    tax: 20,
    tags: ['pets'],
  },
  {
    path: 'tobacco',
    nouns: ['Cigarettes', 'Rolling tobacco'],
    variants: ['20', '30 g'],
    brands: ['Marlowe', 'Gitane Bleue'],
    price: [1100, 1650],
    count: 4,
    tax: 20,
    tags: ['age-restricted'],
    discountable: false,
  },
  {
    path: 'gift-cards',
    nouns: ['Gift card'],
    variants: ['20 €', '50 €'],
    brands: [STORE_BRAND],
    price: [2000, 5000],
    count: 2,
    tax: 0,
    discountable: false,
  },
  {
    path: 'household/bags',
    nouns: ['Reusable tote bag'],
    variants: ['jute'],
    brands: [STORE_BRAND],
    price: [199, 199],
    count: 1,
    tax: 20,
  },
]

// ── constructors ─────────────────────────────────────────────────────────────────────────────────

/** Appends the GS1 check digit to 12 digits. @category store */
export const withCheckDigit = (twelve: string): string => `${twelve}${gs1CheckDigit(twelve)}`

const categoriesOf = (path: string): string[] => {
  const parts = path.split('/')
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'))
}

/** Rounds a price in cents to a believable shelf price ending in 9 (e.g. 247 → 249). */
const shelfPrice = (cents: number): number => Math.max(9, Math.round(cents / 10) * 10 - 1)

const brandCode = (brands: Map<string, number>, brand: string): string => {
  let code = brands.get(brand)
  if (code === undefined) {
    code = brands.size
    brands.set(brand, code)
  }
  // A fictitious 6-digit company prefix in the French 30–37 GS1 range: 3 + 0 + 5 digits.
  return `30${String(10_000 + code * 211).padStart(5, '0')}`
}

/**
 * Generates the demo catalog from a seed: the same seed always gives the same products, prices and
 * barcodes.
 *
 * @example
 * const catalog = generateCatalog(7)
 * catalog.products.length // 560
 * @category store
 */
export const generateCatalog = (seed: number | string = 'tessera-catalog'): Catalog => {
  const rng: Rng = seededRng(seed)
  const products: Product[] = []
  const brandCodes = new Map<string, number>()
  const itemCounters = new Map<string, number>()
  let weighedRef = 1000
  let giftSku = ''
  for (const shelf of SHELVES) {
    const combos: (readonly [string, string, string])[] = []
    for (const noun of shelf.nouns)
      for (const brand of shelf.brands) for (const variant of shelf.variants) combos.push([noun, brand, variant])
    // A stable shuffle, then the first `count` combinations: not every brand makes every product.
    for (let i = combos.length - 1; i > 0; i--) {
      const j = rng.int(0, i)
      const swap = combos[i] as (typeof combos)[number]
      combos[i] = combos[j] as (typeof combos)[number]
      combos[j] = swap
    }
    for (const [noun, brand, variant] of combos.slice(0, shelf.count)) {
      const barcode = shelf.barcode ?? 'gtin'
      let sku: string
      if (barcode === 'gtin') {
        const counter = (itemCounters.get(brand) ?? 0) + 1
        itemCounters.set(brand, counter)
        sku = withCheckDigit(`${brandCode(brandCodes, brand)}${String(counter).padStart(5, '0')}`)
      } else {
        // Variable measure: prefix, 4-digit item reference, verifier 0 and value 00000 (zeroed).
        weighedRef += 1
        sku = withCheckDigit(`${barcode === 'weight' ? '28' : '22'}${weighedRef}000000`)
      }
      const [low, high] = shelf.price
      const premium = brand === STORE_BRAND ? 0.85 : 1
      const unitPrice = low === high ? low : shelfPrice(rng.int(low, high) * premium)
      const tags = [...(shelf.tags ?? [])]
      if (rng.chance(0.08)) tags.push('organic')
      if (brand === STORE_BRAND) tags.push('own-brand')
      const name = variant === 'loose' || variant === 'single' ? `${brand} ${noun}` : `${brand} ${noun} ${variant}`
      const product: Product = {
        sku,
        name,
        brand,
        categories: categoriesOf(shelf.path),
        unitPrice,
        unit: shelf.unit ?? 'each',
        barcode,
        taxRate: shelf.tax ?? 5.5,
        tags,
        discountable: shelf.discountable ?? true,
      }
      products.push(product)
      if (shelf.path === 'household/bags') giftSku = sku
    }
  }
  const competitorPairs = SHELVES.flatMap((shelf) =>
    shelf.conquest ? [{ category: shelf.path, competitor: shelf.conquest[0], ours: shelf.conquest[1] }] : [],
  )
  return { products, bySku: new Map(products.map((p) => [p.sku, p])), competitorPairs, giftSku }
}

// ── variable-measure barcodes ────────────────────────────────────────────────────────────────────

/** The GS1 country whose variable-measure rules the demo store's scales follow. @category store */
export const SCALE_COUNTRY = 'DE'

/**
 * The label a scale prints for a weighed product: the catalog SKU with the weight (prefix 28, in
 * grams) or the price (prefix 22, in cents) embedded, its verifier and a new check digit.
 * Throws for a product sold by the unit or a value that does not fit five digits (caller bugs).
 *
 * @example
 * scaleLabel(comte, 532) // '22' + ref + verifier + price of 0.532 kg + check digit
 * @category store
 */
export const scaleLabel = (product: Product, grams: number): { readonly barcode: string; readonly amount: number } => {
  if (product.barcode === 'gtin') throw new RangeError(`scaleLabel: ${product.sku} is not a variable-measure product`)
  if (!Number.isInteger(grams) || grams <= 0) throw new RangeError(`scaleLabel: grams must be a positive integer`)
  // Amount = price per kg × grams / 1000, half-up, in integers.
  const amount = Math.floor((product.unitPrice * grams + 500) / 1000)
  const value = product.barcode === 'weight' ? grams : amount
  if (value > 99_999) throw new RangeError(`scaleLabel: ${value} does not fit the five-digit value field`)
  const field = String(value).padStart(5, '0')
  const barcode = withCheckDigit(`${product.sku.slice(0, 6)}${priceVerifierDigit(field)}${field}`)
  return { barcode, amount }
}

/** What a scanned product barcode resolves to in the catalog. @category store */
export interface CatalogScan {
  readonly product: Product
  /** The quantity: 1 for a unit product, kg (3 decimals) for a weighed one. */
  readonly quantity: number
  /** The line amount in cents (authoritative for weighed goods). */
  readonly amount: number
}

/**
 * Resolves a scanned EAN-13 against the catalog with `@tessera/core`'s GS1 parser under the German
 * rules ({@link SCALE_COUNTRY}): a plain GTIN is looked up as is; a variable-measure label is looked
 * up by its number with the measure zeroed, and its embedded weight (28) or price (22) gives the
 * quantity and the amount. Returns `undefined` for an unknown or corrupted code (bad check or
 * verifier digit).
 * @category store
 */
export const lookupBarcode = (catalog: Catalog, barcode: string): CatalogScan | undefined => {
  const parsed = parseBarcode(barcode, { country: SCALE_COUNTRY })
  if (parsed._tag === 'Left') return undefined
  const scan = parsed.right
  if (scan.kind === 'gtin') {
    const product = catalog.bySku.get(scan.gtin)
    return product === undefined || product.barcode !== 'gtin'
      ? undefined
      : { product, quantity: 1, amount: product.unitPrice }
  }
  if (scan.kind !== 'variableMeasure') return undefined
  const product = catalog.bySku.get(scan.lookupGtin)
  if (product === undefined || product.unit !== 'kg') return undefined
  if (scan.measure === 'weight' && scan.weightGrams !== undefined && scan.weightGrams > 0) {
    // Amount = price per kg × grams / 1000, half-up to the cent, in integers.
    const amount = Math.floor((product.unitPrice * scan.weightGrams + 500) / 1000)
    return { product, quantity: scan.weightGrams / 1000, amount }
  }
  if (scan.measure === 'price' && scan.priceMinor !== undefined && scan.priceMinor > 0) {
    // Price embedded: the amount is authoritative, the weight is derived from it, to the gram.
    const quantity = Math.round((scan.priceMinor * 1000) / product.unitPrice) / 1000
    return { product, quantity, amount: scan.priceMinor }
  }
  return undefined
}

import { type DecodeError, decodeCampaigns, parseJson } from '@tessera/core/engine'
import { type CurrencyCode, isCurrencyCode } from '@tessera/core/money'
import type { Campaign, Reward, Selector } from '@tessera/core/rules'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import type { DiscountClass } from './input.codec.js'

/**
 * What the discount's metafield holds (`discount.metafield.jsonValue`): Tessera's campaigns, and
 * what a Shopify cart does not say. A bare JSON array of campaigns is accepted too.
 *
 * ```json
 * { "currency": "EUR", "campaigns": [ { "id": "jar-2-half", "status": "active", "reward": … } ] }
 * ```
 * @category shopify
 */
export interface ShopifyConfig {
  readonly campaigns: readonly Campaign[]
  /**
   * The currency of the campaigns' amounts (minor units). A cart in another currency (Shopify's
   * presentment currency) is refused, since 500 would then mean something else.
   */
  readonly currency?: CurrencyCode
  /** The basket's `storeId`; default `shopify`. */
  readonly storeId?: string
  /** The default zone of the campaigns' validity windows (an IANA zone). */
  readonly timeZone?: string
  /** Whether the shop's prices include tax; default `false`. */
  readonly pricesIncludeTax?: boolean
}

const CONFIG_FIELDS = ['campaigns', 'currency', 'storeId', 'timeZone', 'pricesIncludeTax']

/** The path of the metafield's document in the function input, for error messages. */
export const METAFIELD_PATH = 'discount.metafield.jsonValue'

const fail = (path: string, reason: string): Either<DecodeError, never> =>
  left({
    _tag: 'DecodeError',
    document: 'shopify input',
    problems: [{ path, reason }],
    message: `invalid shopify input: ${path}: ${reason}`,
  })

/**
 * Decodes the metafield: its `jsonValue` (an object or an array), else its `value` (the same
 * document as a JSON string, as the legacy APIs gave it). The campaigns go through the core's
 * `decodeCampaigns`, so a typo in a campaign is an error at its path
 * (`discount.metafield.jsonValue.campaigns.0.reward`).
 * @category shopify
 */
export const decodeConfig = (
  metafield: { readonly jsonValue?: unknown; readonly value?: string } | null | undefined,
): Either<DecodeError, ShopifyConfig> => {
  if (metafield === null || metafield === undefined)
    return fail(
      'discount.metafield',
      'is required: the discount carries its Tessera campaigns in a metafield (query it with jsonValue)',
    )
  let document = metafield.jsonValue
  let base = METAFIELD_PATH
  if (document === undefined && metafield.value !== undefined) {
    // The parser's own message differs from one engine to another (QuickJS, V8): not in the reason.
    const parsed = parseJson(metafield.value, 'metafield')
    if (parsed._tag === 'Left') return fail('discount.metafield.value', 'is not valid JSON')
    document = parsed.right
    base = 'discount.metafield.value'
  }
  if (document === undefined) return fail('discount.metafield.jsonValue', 'is required (ask for it in the input query)')
  const isArray = Array.isArray(document)
  if (!isArray && (typeof document !== 'object' || document === null))
    return fail(base, 'must be a JSON object { "campaigns": [...] } or an array of campaigns')
  const raw = (isArray ? { campaigns: document } : document) as Record<string, unknown>
  for (const key of Object.keys(raw)) {
    if (!CONFIG_FIELDS.includes(key))
      return fail(`${base}.${key}`, `unknown field; allowed: ${CONFIG_FIELDS.join(', ')}`)
  }
  const campaignsPath = isArray ? base : `${base}.campaigns`
  if (raw.campaigns === undefined) return fail(campaignsPath, 'is required (an array of Tessera campaigns)')
  const campaigns = decodeCampaigns(raw.campaigns)
  if (campaigns._tag === 'Left') {
    const problems = campaigns.left.problems.map((p) => ({
      path: p.path === '' ? campaignsPath : `${campaignsPath}.${p.path}`,
      reason: p.reason,
    }))
    return left({
      _tag: 'DecodeError',
      document: 'shopify input',
      problems,
      message: `invalid shopify input: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
    })
  }
  if (raw.currency !== undefined && (typeof raw.currency !== 'string' || !isCurrencyCode(raw.currency)))
    return fail(`${base}.currency`, 'must be an ISO 4217 currency code such as "EUR"')
  if (raw.storeId !== undefined && (typeof raw.storeId !== 'string' || raw.storeId === ''))
    return fail(`${base}.storeId`, 'must be a non-empty string')
  if (raw.timeZone !== undefined && (typeof raw.timeZone !== 'string' || raw.timeZone === ''))
    return fail(`${base}.timeZone`, 'must be an IANA time zone such as "Europe/Paris"')
  if (raw.pricesIncludeTax !== undefined && typeof raw.pricesIncludeTax !== 'boolean')
    return fail(`${base}.pricesIncludeTax`, 'must be true or false')
  for (const [i, c] of campaigns.right.entries()) {
    if (c.validity?.hours !== undefined)
      return fail(
        `${campaignsPath}.${i}.validity.hours`,
        'cannot be judged in a Shopify function, which knows the shop’s date but not the time of day',
      )
    if (classOf(c) === 'MIXED')
      return fail(
        `${campaignsPath}.${i}.reward`,
        'mixes a delivery discount with a merchandise discount; Shopify runs them in two targets, so make two campaigns',
      )
  }
  return right({
    campaigns: campaigns.right,
    ...(raw.currency === undefined ? {} : { currency: raw.currency as CurrencyCode }),
    ...(raw.storeId === undefined ? {} : { storeId: raw.storeId as string }),
    ...(raw.timeZone === undefined ? {} : { timeZone: raw.timeZone as string }),
    ...(raw.pricesIncludeTax === undefined ? {} : { pricesIncludeTax: raw.pricesIncludeTax as boolean }),
  })
}

// ---------------------------------------------------------------------------------------------
// Discount classes

/** The category every delivery line of the delivery target carries (`delivery/shipping`…). @category shopify */
export const DELIVERY_CATEGORY = 'delivery'

const isDeliveryCategory = (c: string) => c === DELIVERY_CATEGORY || c.startsWith(`${DELIVERY_CATEGORY}/`)

/** Whether a selector can only ever pick delivery lines. */
const onlyDelivery = (s: Selector): boolean => {
  if (s === '*') return false
  if ('category' in s) return s.category.length > 0 && s.category.every(isDeliveryCategory)
  if ('all' in s) return s.all.some(onlyDelivery)
  if ('any' in s) return s.any.length > 0 && s.any.every(onlyDelivery)
  return false
}

type Part = { readonly of: Selector | 'basket'; readonly wholeOrder: boolean }

/** The discount-giving parts of a reward, with what each selects and whether it is order-wide. */
const partsOf = (reward: Reward): Part[] => {
  if ('all' in reward) return reward.all.flatMap(partsOf)
  if ('percentOff' in reward)
    return [
      {
        of: reward.percentOff.of,
        wholeOrder: reward.percentOff.of === '*' && reward.percentOff.maxUnits === undefined,
      },
    ]
  if ('amountOff' in reward)
    return [{ of: reward.amountOff.of, wholeOrder: reward.amountOff.of === 'basket' || reward.amountOff.of === '*' }]
  if ('tieredPercentOff' in reward)
    return [{ of: reward.tieredPercentOff.of, wholeOrder: reward.tieredPercentOff.of === '*' }]
  if ('fixedPrice' in reward) return [{ of: reward.fixedPrice.of, wholeOrder: false }]
  if ('buyGet' in reward) return [{ of: reward.buyGet.get.of, wholeOrder: false }]
  if ('bundle' in reward) return reward.bundle.items.map((i) => ({ of: i.of, wholeOrder: false }))
  return []
}

/**
 * The Shopify discount class of a campaign, from its reward:
 * - `SHIPPING` when every discount it gives selects delivery lines only (category `delivery`);
 * - `ORDER` when every discount it gives is order-wide: `amountOff` of `basket` (or `*`),
 *   `percentOff` or `tieredPercentOff` of `*`;
 * - `PRODUCT` otherwise (it picks lines: SKUs, categories, brands, units);
 * - `undefined` when it gives no discount (points, coupons, gifts), `MIXED` when it gives a delivery
 *   discount and a merchandise one (refused by {@link decodeConfig}).
 * @category shopify
 */
export const classOf = (campaign: Campaign): DiscountClass | 'MIXED' | undefined => {
  const parts = partsOf(campaign.reward)
  if (parts.length === 0) return undefined
  const delivery = parts.filter((p) => p.of !== 'basket' && onlyDelivery(p.of)).length
  if (delivery === parts.length) return 'SHIPPING'
  if (delivery > 0) return 'MIXED'
  return parts.every((p) => p.wholeOrder) ? 'ORDER' : 'PRODUCT'
}

/**
 * The percentage a campaign's discount is, where it is one plain percentage of the lines it
 * selects (a `percentOff` without `maxUnits`), else `undefined`. A cap may have cut the discount;
 * the caller checks that the allocations are exactly this percentage of their lines.
 */
export const plainPercentOf = (campaign: Campaign): number | undefined => {
  const r = campaign.reward
  return 'percentOff' in r && r.percentOff.maxUnits === undefined ? r.percentOff.percent : undefined
}

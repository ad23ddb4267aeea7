import {
  type Basket,
  type Compiled,
  type Customer,
  type DecodeError,
  decodeError,
  decodeWith,
  type Evaluation,
  evaluate,
  type HostPriceRequest,
  type Program,
} from '@tessera/core'
import { type Either, left, right } from 'fp-ts/lib/Either.js'
import { type CartUpdateAction, cartActions } from './actions.js'
import { ExtensionInputCodec } from './cart.codec.js'
import { basketOfRead, type CartToBasketOptions, type ReadCart, readCart } from './toBasket.js'

/** The name of an extension request body in error messages. @category commercetools */
export const EXTENSION_DOCUMENT = 'commercetools extension input'

/** One error of an extension's refusal, as commercetools reads it. @category commercetools */
export interface ExtensionError {
  readonly code: 'InvalidInput' | 'General'
  readonly message: string
  /** The refused field and why; commercetools passes it on to the API client. */
  readonly extensionExtraInfo?: { readonly path: string; readonly reason: string }
}

/**
 * What an API Extension answers: `200 { actions }` to apply update actions, `400 { errors }` to
 * refuse the cart update (commercetools returns the errors to its caller). A `500` means Tessera
 * could not price (a store down); commercetools then fails the update with `ExtensionBadResponse`.
 * @category commercetools
 */
export type ExtensionResponse =
  | { readonly status: 200; readonly body: { readonly actions: readonly CartUpdateAction[] } }
  | { readonly status: 400 | 500; readonly body: { readonly errors: readonly ExtensionError[] } }

/** A decode error as the extension's `400` body: one `InvalidInput` error per refused field. @category commercetools */
export const refusal = (error: DecodeError): ExtensionResponse => ({
  status: 400,
  body: {
    errors: error.problems.map((p) => ({
      code: 'InvalidInput',
      message: `${p.path || '(root)'}: ${p.reason}`,
      extensionExtraInfo: { path: p.path, reason: p.reason },
    })),
  },
})

/** Options of the extension: the basket options (with the strategy) and, for the engine, the customer. @category commercetools */
export interface ExtensionOptions extends CartToBasketOptions {
  readonly customer?: Customer
  readonly program?: Program
}

/** A cart read from an extension body: the read cart and its basket. */
export interface ReadExtension {
  readonly read: ReadCart
  readonly basket: Basket
}

const decodeInput = decodeWith(ExtensionInputCodec, EXTENSION_DOCUMENT)

/**
 * Reads an extension request body (an object, or its JSON text): the cart at `resource.obj` as a
 * Tessera basket. Problems name the body's fields (`resource.obj.lineItems.0.price.value.currencyCode`).
 * @category commercetools
 */
export const readExtensionInput = (
  body: unknown,
  options: CartToBasketOptions = {},
): Either<DecodeError, ReadExtension> => {
  let input = body
  if (typeof body === 'string') {
    try {
      input = JSON.parse(body)
    } catch (e) {
      return left(decodeError(EXTENSION_DOCUMENT, [{ path: '', reason: `malformed JSON: ${(e as Error).message}` }]))
    }
  }
  const decoded = decodeInput(input)
  if (decoded._tag === 'Left') return decoded
  const read = readCart(decoded.right.resource.obj, options, 'resource.obj.')
  if (read._tag === 'Left') return left({ ...read.left, document: EXTENSION_DOCUMENT })
  const basket = basketOfRead(read.right, 'resource.obj.')
  if (basket._tag === 'Left') return left({ ...basket.left, document: EXTENSION_DOCUMENT })
  return right({ read: read.right, basket: basket.right })
}

/** A priced extension call: the basket, Tessera's evaluation and the update actions. @category commercetools */
export interface PricedCart {
  readonly basket: Basket
  readonly evaluation: Evaluation
  readonly actions: readonly CartUpdateAction[]
}

/**
 * Prices an extension body with compiled campaigns, synchronously and purely: the basket, the
 * core's `evaluate`, the update actions. For the CLI, tests and hosts without stores.
 * @category commercetools
 */
export const priceExtensionInput = (
  body: unknown,
  compiled: Compiled,
  options: ExtensionOptions = {},
): Either<DecodeError, PricedCart> => {
  const read = readExtensionInput(body, options)
  if (read._tag === 'Left') return read
  const evaluation = evaluate(compiled, read.right.basket, options.customer, options.program)
  const actions = cartActions(read.right.read, evaluation, options.strategy)
  if (actions._tag === 'Left') return actions
  return right({ basket: read.right.basket, evaluation, actions: actions.right })
}

/** What prices a basket for the extension: the loyalty host's `price` (codes judged, card identified). @category commercetools */
export type ExtensionPricer = (
  request: HostPriceRequest,
) => Promise<Either<{ readonly _tag: string; readonly message?: string }, { readonly evaluation: Evaluation }>>

/** How the extension prices: the loyalty host's `price`, or compiled campaigns (the engine, no store). @category commercetools */
export type ExtensionPricing = { readonly price: ExtensionPricer } | { readonly compiled: Compiled }

const general = (status: 400 | 500, message: string): ExtensionResponse => ({
  status,
  body: { errors: [{ code: status === 400 ? 'InvalidInput' : 'General', message }] },
})

/**
 * The API Extension as a plain function: a request body (object or JSON text) in, the response
 * (`status` and `body`) out. It never throws: bad input is a `400` naming the field, a failing
 * pricer a `500`. It books nothing (commercetools calls it on every cart update), so pricing with the
 * host judges codes without holding them.
 * @category commercetools
 */
export const createCommercetoolsExtension =
  (pricing: ExtensionPricing, options: ExtensionOptions = {}) =>
  async (body: unknown, call: CartToBasketOptions = {}): Promise<ExtensionResponse> => {
    const merged = { ...options, ...call }
    try {
      if ('compiled' in pricing) {
        const priced = priceExtensionInput(body, pricing.compiled, merged)
        return priced._tag === 'Left' ? refusal(priced.left) : { status: 200, body: { actions: priced.right.actions } }
      }
      const read = readExtensionInput(body, merged)
      if (read._tag === 'Left') return refusal(read.left)
      const priced = await pricing.price({
        basket: read.right.basket,
        ...(merged.customer !== undefined ? { customer: merged.customer } : {}),
      })
      if (priced._tag === 'Left') {
        const e = priced.left as Partial<DecodeError> & { _tag: string; message?: string }
        if (e._tag === 'DecodeError' && e.problems !== undefined)
          return refusal(decodeError(EXTENSION_DOCUMENT, e.problems))
        return general(500, `Tessera could not price the cart (${e._tag}): ${e.message ?? ''}`.trim())
      }
      const actions = cartActions(read.right.read, priced.right.evaluation, merged.strategy)
      return actions._tag === 'Left'
        ? general(500, actions.left.message)
        : { status: 200, body: { actions: actions.right } }
    } catch (e) {
      return general(500, `Tessera failed to price the cart: ${(e as Error).message}`)
    }
  }

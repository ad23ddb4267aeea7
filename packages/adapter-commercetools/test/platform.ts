/**
 * A commercetools project for tests: `@labdigital/commercetools-mock` listening on a free port of
 * 127.0.0.1 (real HTTP), driven by the official `@commercetools/platform-sdk` client over
 * `@commercetools/ts-client`. Products, carts and update actions go through the SDK.
 */
import type { AddressInfo } from 'node:net'
import {
  type ByProjectKeyRequestBuilder,
  type Cart,
  type CartUpdateAction,
  createApiBuilderFromCtpClient,
  type LineItemDraft,
} from '@commercetools/platform-sdk'
import { ClientBuilder } from '@commercetools/ts-client'
import { CommercetoolsMock } from '@labdigital/commercetools-mock'

export const PROJECT = 'tessera-test'

export interface Platform {
  readonly api: ByProjectKeyRequestBuilder
  readonly mock: CommercetoolsMock
  readonly close: () => Promise<void>
}

/** Starts the mock on a free port and builds an SDK client against it. */
export const startPlatform = async (): Promise<Platform> => {
  const mock = new CommercetoolsMock({
    enableAuthentication: false,
    validateCredentials: false,
    defaultProjectKey: PROJECT,
    silent: true,
  })
  await mock.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (mock.app.server.address() as AddressInfo).port
  const client = new ClientBuilder()
    .withProjectKey(PROJECT)
    .withHttpMiddleware({ host: `http://127.0.0.1:${port}`, httpClient: fetch })
    .build()
  const api = createApiBuilderFromCtpClient(client).withProjectKey({ projectKey: PROJECT })
  return { api, mock, close: () => mock.app.close() }
}

/** A product type every test product uses (created once per project). */
export const productType = async (api: ByProjectKeyRequestBuilder): Promise<string> => {
  const found = await api
    .productTypes()
    .get({ queryArgs: { where: 'key="tessera"' } })
    .execute()
  const existing = found.body.results[0]
  if (existing !== undefined) return existing.id
  const created = await api
    .productTypes()
    .post({ body: { key: 'tessera', name: 'Tessera test product', description: 'test' } })
    .execute()
  return created.body.id
}

/** Creates and publishes a product with one variant: its SKU and prices (minor units by currency). */
export const createProduct = async (
  api: ByProjectKeyRequestBuilder,
  sku: string,
  prices: readonly { readonly currencyCode: string; readonly centAmount: number }[],
): Promise<{ readonly id: string }> => {
  const typeId = await productType(api)
  const created = await api
    .products()
    .post({
      body: {
        productType: { typeId: 'product-type', id: typeId },
        name: { en: sku },
        slug: { en: sku.toLowerCase().replace(/[^a-z0-9]+/g, '-') },
        masterVariant: { sku, prices: prices.map((value) => ({ value })) },
        publish: true,
      },
    })
    .execute()
  return { id: created.body.id }
}

/** Creates a cart of the given line items (by SKU) in a currency. */
export const createCart = async (
  api: ByProjectKeyRequestBuilder,
  currency: string,
  lines: readonly LineItemDraft[],
  extra: Record<string, unknown> = {},
): Promise<Cart> => {
  const created = await api
    .carts()
    .post({ body: { currency, lineItems: [...lines], ...extra } })
    .execute()
  return created.body
}

/** Applies update actions to a cart through the SDK and returns the updated cart. */
export const updateCart = async (
  api: ByProjectKeyRequestBuilder,
  cart: Cart,
  actions: readonly unknown[],
): Promise<Cart> => {
  if (actions.length === 0) return cart
  const updated = await api
    .carts()
    .withId({ ID: cart.id })
    .post({ body: { version: cart.version, actions: actions as CartUpdateAction[] } })
    .execute()
  return updated.body
}

/** The body commercetools posts to a cart extension for this cart. */
export const extensionInput = (cart: Cart, action: 'Create' | 'Update' = 'Update') => ({
  action,
  resource: { typeId: 'cart', id: cart.id, obj: cart },
})

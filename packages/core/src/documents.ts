import type { Either } from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { type Basket, BasketCodec } from './basket/basket.codec.js'
import { OpenCheckoutCodec, ReturnRequestCodec, TendersCodec } from './checkout/checkout.codec.js'
import { type DecodeError, decodeWith } from './codec/decode.js'
import { toJsonSchema } from './codec/jsonSchema.js'
import type { JsonSchema } from './codec/primitive.js'
import { type Customer, CustomerCodec } from './customer/customer.codec.js'
import { PostingCodec } from './ledger/posting.codec.js'
import { CampaignCodec, ProgramCodec } from './rules/campaign.codec.js'
import { type Evaluation, EvaluationCodec } from './rules/evaluation.codec.js'

/**
 * The documents of the wire contract v1, by name, with their codecs. Later concepts (campaign,
 * program) register here too, so `tessera schema NAME` covers them.
 * @category documents
 */
export const documents: Record<string, t.Any> = {
  basket: BasketCodec,
  customer: CustomerCodec,
  evaluation: EvaluationCodec,
  campaign: CampaignCodec,
  program: ProgramCodec,
  posting: PostingCodec,
  'checkout-open': OpenCheckoutCodec,
  tenders: TendersCodec,
  return: ReturnRequestCodec,
}

/** The JSON Schema of a wire document, or undefined for an unknown name. @category documents */
export const schemaOf = (name: string): JsonSchema | undefined => {
  const codec = documents[name]
  return codec === undefined ? undefined : toJsonSchema(codec, `Tessera ${name} (wire contract v1)`)
}

/** Decodes a basket from untrusted input. @category documents */
export const decodeBasket: (u: unknown) => Either<DecodeError, Basket> = decodeWith(BasketCodec, 'basket')
/** Decodes a customer from untrusted input. @category documents */
export const decodeCustomer: (u: unknown) => Either<DecodeError, Customer> = decodeWith(CustomerCodec, 'customer')
/**
 * Decodes an evaluation from untrusted input. Marked pure: a bundle of the engine, which decodes
 * baskets and customers only, leaves the evaluation's codec out (1 KB).
 * @category documents
 */
export const decodeEvaluation: (u: unknown) => Either<DecodeError, Evaluation> = /* @__PURE__ */ decodeWith(
  EvaluationCodec,
  'evaluation',
)

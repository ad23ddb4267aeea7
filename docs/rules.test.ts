/**
 * Runs every example of `docs/rules.md`, so the DSL reference cannot rot.
 *
 * The convention: every fenced ```json block of the page carries a kind and, optionally, the
 * example it belongs to, in its info string:
 *
 *     ```json campaign example=selector-sku           one campaign (or an array of campaigns)
 *     ```json basket example=shop                     the basket of an example
 *     ```json customer example=gold                   the customer of an example
 *     ```json program example=club                    the program of an example
 *     ```json usage example=limits                    the usage (limits and budgets) of an example
 *     ```json evaluation-excerpt example=selector-sku basket=shop customer=gold program=club
 *     ```json evaluation-excerpt example=earn campaigns=none basket=shop program=club   (no campaign at all)
 *
 * - Every `campaign` block is decoded with `decodeCampaigns` and compiled; it must have no static
 *   problem unless it says `lint=CODE` (then exactly those codes, comma separated, are expected).
 * - Every `basket`, `customer` and `program` block is decoded with its codec.
 * - Every `evaluation-excerpt` is checked by evaluating its example: the campaigns of the same
 *   `example=`, the basket of the same example (or the one named by `basket=`), likewise the optional
 *   customer, program and usage. The excerpt must match the evaluation as `toMatchObject` does:
 *   objects may leave fields out, arrays are complete and in order.
 * - A `json` block without a kind fails the test, so no example escapes it.
 *
 * It also checks that the reason-code and lint-code tables list exactly `REASON_CODES` and
 * `LINT_CODES`, in order, with their descriptions (regenerate the rows from them when they change).
 */
import {
  type Campaign,
  compile,
  type DecodeError,
  decodeBasket,
  decodeCampaigns,
  decodeCustomer,
  decodeProgram,
  evaluate,
  LINT_CODES,
  REASON_CODES,
} from '@tessera/core'
import { describe, expect, it } from 'vitest'
import { at, type Block, campaignsJson, caseOf, ofKind, text, untagged } from './rulesExamples.ts'

/** What the decoders return (an fp-ts Either, spelled out: the docs project does not depend on fp-ts). */
type Decoded<A> = { readonly _tag: 'Left'; readonly left: DecodeError } | { readonly _tag: 'Right'; readonly right: A }

const right = <A>(e: Decoded<A>, where: string): A => {
  if (e._tag === 'Left') throw new Error(`${where}: ${e.left.message}`)
  return e.right
}

const campaignsOf = (b: Block): readonly Campaign[] => right(decodeCampaigns(campaignsJson(b)), at(b))

/** A description as written in a markdown table cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|')

/** The [code, meaning] rows of the table under a `## heading`. */
const tableOf = (heading: string): [string, string][] => {
  const start = text.indexOf(`\n## ${heading}\n`)
  if (start < 0) throw new Error(`rules.md has no "## ${heading}" section`)
  const end = text.indexOf('\n## ', start + 1)
  const section = text.slice(start, end < 0 ? undefined : end)
  return [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(.*?)\s*\|\s*$/gm)].map((m) => [m[1] as string, m[2] as string])
}

describe('docs/rules.md', () => {
  it('tags every json block with a kind, so every example is checked', () => {
    expect(untagged).toEqual([])
    expect(ofKind('evaluation-excerpt').length).toBeGreaterThan(20)
  })

  it.each(ofKind('campaign').map((b) => [at(b), b] as const))('decodes and compiles %s', (_, b) => {
    const compiled = compile(campaignsOf(b))
    const expected = b.attrs.lint === undefined ? [] : b.attrs.lint.split(',')
    expect(compiled.problems.map((p) => p.code)).toEqual(expected)
  })

  it.each([...ofKind('basket'), ...ofKind('customer'), ...ofKind('program')].map((b) => [at(b), b] as const))(
    'decodes %s',
    (_, b) => {
      const decode: (u: unknown) => Decoded<unknown> = {
        basket: decodeBasket,
        customer: decodeCustomer,
        program: decodeProgram,
      }[b.kind as 'basket' | 'customer' | 'program']
      // right() throws with the decoder's message (the field path and the reason) when it fails
      expect(right(decode(b.json), at(b))).toBeDefined()
    },
  )

  it.each(ofKind('evaluation-excerpt').map((b) => [at(b), b] as const))('evaluates %s as shown', (_, b) => {
    const {
      campaigns,
      basket: basketBlock,
      customer: customerBlock,
      program: programBlock,
      usage: usageBlock,
    } = caseOf(b)
    const compiled = compile(campaigns.flatMap(campaignsOf))
    const basket = right(decodeBasket(basketBlock.json), at(basketBlock))
    const customer = customerBlock && right(decodeCustomer(customerBlock.json), at(customerBlock))
    const program = programBlock && right(decodeProgram(programBlock.json), at(programBlock))
    const evaluation = evaluate(compiled, basket, customer, program, usageBlock?.json as Parameters<typeof evaluate>[4])
    expect(evaluation).toMatchObject(b.json as object)
  })

  it('documents exactly the reason codes of REASON_CODES, with their descriptions', () => {
    expect(tableOf('Reason codes')).toEqual(Object.entries(REASON_CODES).map(([code, text]) => [code, cell(text)]))
  })

  it('documents exactly the lint codes of LINT_CODES, with their descriptions', () => {
    expect(tableOf('Lint codes')).toEqual(Object.entries(LINT_CODES).map(([code, text]) => [code, cell(text)]))
  })
})

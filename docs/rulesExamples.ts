/**
 * The examples of `docs/rules.md`, read from the page: every fenced ```json block with its kind and
 * attributes, and each `evaluation-excerpt` as a case with the raw JSON of its campaigns, basket,
 * customer, program and usage. `rules.test.ts` checks them against the page; the engine's bundle test
 * (`packages/core/test/engine.bundle.test.ts`) runs the cases in QuickJS and in Node and compares.
 *
 * The convention: every fenced ```json block of the page carries a kind and, optionally, the
 * example it belongs to, in its info string (see `rules.test.ts` for the kinds and what is checked).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The page's text. */
export const text = readFileSync(fileURLToPath(new URL('./rules.md', import.meta.url)), 'utf8')

/** One fenced json block of the page. */
export interface Block {
  readonly kind: string
  readonly attrs: Readonly<Record<string, string>>
  readonly json: unknown
  readonly line: number
}

/** The kinds a json block may carry. */
export const KINDS = new Set(['campaign', 'basket', 'customer', 'program', 'usage', 'evaluation-excerpt'])

/** Every tagged json block, in page order. */
export const blocks: Block[] = []
/** The lines of the json blocks without a known kind (none, or the test fails). */
export const untagged: number[] = []
{
  const fence = /^```json([^\n]*)\n([\s\S]*?)^```$/gm
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    const line = text.slice(0, m.index).split('\n').length
    const [kind, ...rest] = (m[1] ?? '').trim().split(/\s+/)
    if (kind === undefined || !KINDS.has(kind)) {
      untagged.push(line)
      continue
    }
    const attrs = Object.fromEntries(rest.map((kv) => kv.split('=') as [string, string]))
    let json: unknown
    try {
      json = JSON.parse(m[2] ?? '')
    } catch (e) {
      throw new Error(`rules.md line ${line}: malformed JSON in a ${kind} block: ${(e as Error).message}`)
    }
    blocks.push({ kind, attrs, json, line })
  }
}

/** The blocks of a kind. */
export const ofKind = (kind: string): Block[] => blocks.filter((b) => b.kind === kind)

/** Where a block is, for a message: `rules.md line 42 (basket example=shop)`. */
export const at = (b: Block): string =>
  `rules.md line ${b.line} (${b.kind}${b.attrs.example ? ` example=${b.attrs.example}` : ''})`

/** The single block of a kind for an example, by the excerpt's explicit reference or the example name. */
export const single = (kind: string, name: string | undefined, from: Block): Block | undefined => {
  if (name === undefined) return undefined
  const found = blocks.filter((b) => b.kind === kind && b.attrs.example === name)
  if (found.length !== 1)
    throw new Error(`${at(from)}: expected one ${kind} block example=${name}, found ${found.length}`)
  return found[0]!
}

/** A campaign block's JSON as an array of campaigns. */
export const campaignsJson = (b: Block): readonly unknown[] => (Array.isArray(b.json) ? b.json : [b.json])

/** One evaluation example: what to decode, compile and evaluate, as raw JSON, and the excerpt expected. */
export interface EvaluationCase {
  readonly name: string
  readonly excerpt: Block
  /** The example's campaign blocks (each holds one campaign or an array of them: see `campaignsJson`). */
  readonly campaigns: readonly Block[]
  readonly basket: Block
  readonly customer: Block | undefined
  readonly program: Block | undefined
  readonly usage: Block | undefined
}

/** The case an `evaluation-excerpt` block stands for (throws when the page's references are broken). */
export const caseOf = (b: Block): EvaluationCase => {
  const name = b.attrs.example
  if (name === undefined) throw new Error(`${at(b)}: an evaluation-excerpt needs example=NAME`)
  const campaignBlocks = blocks.filter((c) => c.kind === 'campaign' && c.attrs.example === name)
  if ((campaignBlocks.length === 0) !== (b.attrs.campaigns === 'none')) {
    throw new Error(`${at(b)}: campaign blocks with example=${name} must exist unless it says campaigns=none`)
  }
  return {
    name: at(b),
    excerpt: b,
    campaigns: campaignBlocks,
    basket: single('basket', b.attrs.basket ?? name, b)!,
    customer: single('customer', b.attrs.customer, b),
    program: single('program', b.attrs.program, b),
    usage: single('usage', b.attrs.usage, b),
  }
}

/** Every evaluation example of the page. */
export const evaluationCases = (): EvaluationCase[] => ofKind('evaluation-excerpt').map(caseOf)

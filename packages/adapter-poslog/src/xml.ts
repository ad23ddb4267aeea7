import { SaxesParser, type SaxesTagNS } from 'saxes'
import { NS } from './namespaces.js'

/**
 * One XML element of a transaction, namespace-resolved: `uri` + `local` name, attributes keyed by
 * their local name (no namespace) or `{uri}local` (a namespaced attribute), the text directly
 * inside, the children in document order, and the line it starts on.
 * @category xml
 */
export interface XmlElement {
  readonly uri: string
  readonly local: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: XmlElement[]
  text: string
  readonly line: number
  readonly parent: XmlElement | undefined
}

/** The attribute key of a namespaced attribute in {@link XmlElement.attrs}. @category xml */
export const attrKey = (uri: string, local: string): string => (uri === '' ? local : `{${uri}}${local}`)

/** An attribute's value: a plain attribute by default, or one in namespace `uri`. @category xml */
export const attr = (el: XmlElement, local: string, uri = ''): string | undefined => el.attrs[attrKey(uri, local)]

/** The first child in one of `uris` with this local name (ARTS by default). @category xml */
export const child = (
  el: XmlElement | undefined,
  local: string,
  uris: readonly string[] = ARTS,
): XmlElement | undefined => {
  if (el === undefined) return undefined
  for (const c of el.children) if (c.local === local && uris.includes(c.uri)) return c
  return undefined
}

/** Every child in one of `uris` with this local name (ARTS by default). @category xml */
export const children = (el: XmlElement | undefined, local: string, uris: readonly string[] = ARTS): XmlElement[] =>
  el === undefined ? [] : el.children.filter((c) => c.local === local && uris.includes(c.uri))

/** The trimmed text of a child, or undefined when the child is absent. @category xml */
export const childText = (el: XmlElement | undefined, local: string, uris?: readonly string[]): string | undefined => {
  const c = child(el, local, uris)
  return c === undefined ? undefined : c.text.trim()
}

const ARTS: readonly string[] = [NS.arts]

/**
 * The readable path of an element, from the document root: `POSLog/Transaction[2]/RetailTransaction/LineItem[3]/Sale`.
 * An index counts same-named siblings from 1, and is written when an element has such siblings.
 * @category xml
 */
export const pathOf = (el: XmlElement): string => {
  const parts: string[] = []
  for (let e: XmlElement | undefined = el; e !== undefined; e = e.parent) {
    const p = e.parent
    if (p === undefined) {
      parts.push(e.local)
      break
    }
    const same = p.children.filter((c) => c.local === e.local && c.uri === e.uri)
    parts.push(same.length > 1 ? `${e.local}[${same.indexOf(e) + 1}]` : e.local)
  }
  return parts.reverse().join('/')
}

/**
 * What the stream yields: one `Transaction` element (with its parents' chain: POSLog root) and its
 * position, or the XML problems met inside it (`problems` non-empty: the element is incomplete),
 * or a problem of the document outside any transaction.
 * @category xml
 */
export type XmlChunk =
  | {
      readonly kind: 'transaction'
      readonly index: number
      readonly element: XmlElement
      readonly problems: readonly XmlProblem[]
      /** The namespace URIs the root element declares (a dialect shows there even in a sign-on). */
      readonly documentUris: readonly string[]
    }
  | { readonly kind: 'document'; readonly problem: XmlProblem }

/**
 * An XML problem: malformed markup (`MALFORMED_XML`), a file that ends inside an element
 * (`TRUNCATED`), or a root that is not ARTS POSLog (`WRONG_NAMESPACE`, `NOT_POSLOG`).
 * @category xml
 */
export interface XmlProblem {
  readonly reason: 'MALFORMED_XML' | 'TRUNCATED' | 'WRONG_NAMESPACE' | 'NOT_POSLOG'
  readonly message: string
  readonly line: number
  readonly path: string
}

const XMLNS = 'http://www.w3.org/2000/xmlns/'

/**
 * Streams the `Transaction` elements of a POSLog document, one at a time: only the transaction
 * being read is held in memory, whatever the size of the file. The root must be an ARTS `POSLog`
 * (or a lone ARTS `Transaction`, as a till posts one). XML errors inside a transaction are reported
 * with it, and parsing goes on with the next one; an element named `Transaction` in another
 * namespace is yielded too, so that the reader can refuse it by name.
 * @category xml
 */
export async function* streamTransactions(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<XmlChunk> {
  const parser = new SaxesParser({ xmlns: true, position: true })
  const ready: XmlChunk[] = []
  let depth = 0
  let rootSeen = false
  let root: XmlElement | undefined
  let current: XmlElement | undefined // the element being built, inside a transaction
  let transaction: XmlElement | undefined
  let problems: XmlProblem[] = []
  let index = 0
  let documentUris: readonly string[] = []
  let stopped = false
  let closing = false

  const problem = (reason: XmlProblem['reason'], message: string, at?: XmlElement): XmlProblem => ({
    reason,
    message,
    line: parser.line,
    path: at !== undefined ? pathOf(at) : root !== undefined ? root.local : '',
  })

  parser.on('error', (err) => {
    const message = err.message.replace(/^[^:]*:\d+:\d+: /, '')
    // "unclosed tag" at the end of the input is a truncated file; in the middle, a mismatched tag.
    const reason: XmlProblem['reason'] = closing && /^unclosed tag/.test(message) ? 'TRUNCATED' : 'MALFORMED_XML'
    if (transaction !== undefined) problems.push(problem(reason, message, current ?? transaction))
    else ready.push({ kind: 'document', problem: problem(reason, message) })
  })

  parser.on('opentag', (tag: SaxesTagNS) => {
    depth++
    if (stopped) return
    const attrs: Record<string, string> = {}
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === XMLNS || a.prefix === 'xmlns' || a.name === 'xmlns') continue
      attrs[attrKey(a.uri, a.local)] = a.value
    }
    if (depth === 1) {
      rootSeen = true
      documentUris = Object.values(tag.ns ?? {})
      const isArts = tag.uri === NS.arts
      if ((tag.local === 'POSLog' || tag.local === 'Transaction') && !isArts) {
        ready.push({
          kind: 'document',
          problem: problem(
            'WRONG_NAMESPACE',
            `the root <${tag.local}> is in namespace "${tag.uri}", not ARTS POSLog "${NS.arts}"`,
          ),
        })
        stopped = true
        return
      }
      if (tag.local !== 'POSLog' && tag.local !== 'Transaction') {
        ready.push({
          kind: 'document',
          problem: problem('NOT_POSLOG', `the root element is <${tag.name}>, not an ARTS <POSLog> or <Transaction>`),
        })
        stopped = true
        return
      }
      root = { uri: tag.uri, local: tag.local, attrs, children: [], text: '', line: parser.line, parent: undefined }
      if (tag.local === 'POSLog') return
      transaction = root
      current = root
      problems = []
      index++
      return
    }
    if (transaction === undefined) {
      if (depth === 2 && tag.local === 'Transaction') {
        // A child of the root: kept with no siblings, so memory stays one transaction.
        const el: XmlElement = {
          uri: tag.uri,
          local: tag.local,
          attrs,
          children: [],
          text: '',
          line: parser.line,
          parent: root,
        }
        root?.children.splice(0, root.children.length, el)
        transaction = el
        current = el
        problems = []
        index++
      }
      return
    }
    const el: XmlElement = {
      uri: tag.uri,
      local: tag.local,
      attrs,
      children: [],
      text: '',
      line: parser.line,
      parent: current,
    }
    current?.children.push(el)
    current = el
  })

  parser.on('text', (text) => {
    if (current !== undefined) current.text += text
  })
  parser.on('cdata', (text) => {
    if (current !== undefined) current.text += text
  })

  parser.on('closetag', () => {
    depth--
    if (current === undefined) return
    if (current === transaction) {
      ready.push({ kind: 'transaction', index, element: transaction, problems, documentUris })
      transaction = undefined
      current = undefined
      problems = []
      return
    }
    current = current.parent
  })

  const feed = (chunk: string | Uint8Array) =>
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
  const decoder = new TextDecoder('utf-8')
  for await (const chunk of source) {
    feed(chunk)
    while (ready.length > 0) yield ready.shift() as XmlChunk
    if (stopped) return
  }
  const tail = decoder.decode()
  if (tail !== '') parser.write(tail)
  closing = true
  parser.close()
  if (transaction !== undefined) {
    if (!problems.some((p) => p.reason === 'TRUNCATED')) {
      problems.push(problem('TRUNCATED', 'the file ends inside this transaction', transaction))
    }
    ready.push({ kind: 'transaction', index, element: transaction, problems, documentUris })
  }
  if (!rootSeen) {
    ready.push({
      kind: 'document',
      problem: {
        reason: 'NOT_POSLOG',
        message: 'no XML element found: not a POSLog document',
        line: parser.line,
        path: '',
      },
    })
  }
  while (ready.length > 0) yield ready.shift() as XmlChunk
}

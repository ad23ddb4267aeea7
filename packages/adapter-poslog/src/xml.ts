import { SaxesParser, type SaxesTagPlain } from 'saxes'
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
  /** For a transaction: its position among the root's transactions (only one is kept in memory). */
  position?: number
  /** For a transaction: the namespace URIs of its elements and attributes, other than ARTS. */
  vendorUris?: Set<string>
}

/** The attribute key of a namespaced attribute in {@link XmlElement.attrs}. @category xml */
export const attrKey = (uri: string, local: string): string => (uri === '' ? local : `{${uri}}${local}`)

/** An attribute's value: a plain attribute by default, or one in namespace `uri`. @category xml */
export const attr = (el: XmlElement, local: string, uri = ''): string | undefined =>
  el.attrs[uri === '' ? local : `{${uri}}${local}`]

/** The first child in one of `uris` with this local name (ARTS by default). @category xml */
export const child = (
  el: XmlElement | undefined,
  local: string,
  uris: readonly string[] = ARTS,
): XmlElement | undefined => {
  if (el === undefined) return undefined
  const only = uris.length === 1 ? uris[0] : undefined
  for (const c of el.children) {
    if (c.local === local && (only !== undefined ? c.uri === only : uris.includes(c.uri))) return c
  }
  return undefined
}

/** Every child in one of `uris` with this local name (ARTS by default). @category xml */
export const children = (el: XmlElement | undefined, local: string, uris: readonly string[] = ARTS): XmlElement[] => {
  const out: XmlElement[] = []
  if (el === undefined) return out
  const only = uris.length === 1 ? uris[0] : undefined
  for (const c of el.children) {
    if (c.local === local && (only !== undefined ? c.uri === only : uris.includes(c.uri))) out.push(c)
  }
  return out
}

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
    parts.push(
      e.position !== undefined
        ? `${e.local}[${e.position}]`
        : same.length > 1
          ? `${e.local}[${same.indexOf(e) + 1}]`
          : e.local,
    )
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

const XML_NS = 'http://www.w3.org/XML/1998/namespace'
const XMLNS = 'http://www.w3.org/2000/xmlns/'
/** Characters fed to the parser at a time (see the loop of {@link streamTransactions}). */
const SLICE = 16 * 1024
// Shared by every element without attributes or children (never written to: a child is added by
// replacing the array).
const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[]
const NON_BLANK = /\S/

// Elements the reader never reads inside: the printed receipt image, NCR's CRM variables, rewards'
// basis and performance metrics, and every Retalix extension element (only its attributes on ARTS
// elements are read). They still count for the dialect; they are not built.
// Of NCR's ACS elements the reader reads only these (read.ts: the loyalty id and the reward
// records); the others (CRM variables, itemizers, reward basis and usage, metrics) are not built.
const READ_ACS = new Set(['LoyaltyMembership', 'LoyaltyID', 'RewardType', 'RewardCategory', 'ExtendedRewardAmount'])
const unread = (uri: string, local: string) =>
  uri === NS.arts ? local === 'ReceiptImage' : uri === NS.retalix || (uri === NS.acs && !READ_ACS.has(local))

/**
 * One instance of each element name and namespace URI, internalized by V8 (an object key is): the
 * reader compares them with its literals many times per element (`child(el, 'Sale')`), and two
 * internalized strings compare by pointer instead of by content.
 */
const names = new Map<string, string>()
const intern = (s: string): string => {
  let x = names.get(s)
  if (x === undefined) {
    x = Object.keys({ [s]: 0 })[0] as string
    if (names.size < 10_000) names.set(x, x)
  }
  return x
}

/** An element's qualified name as written, resolved in a scope of namespace bindings. */
interface ElementName {
  readonly uri: string
  readonly local: string
  /** Not ARTS nor none: a vendor's namespace, which decides the dialect. */
  readonly vendor: boolean
  /** An element the reader never reads inside (see {@link unread}). */
  readonly unread: boolean
}

/** A namespaced attribute's name as written, resolved: its key in {@link XmlElement.attrs}. */
interface AttributeName {
  readonly uri: string
  readonly key: string
}

/**
 * The namespace bindings in effect (prefix to URI, `''` the default namespace), opened by an element
 * that declares some and closed with it. Each qualified name is resolved once per scope, not once
 * per element: a TLog declares its prefixes on the root, so one lookup per element is the rule.
 */
interface Scope {
  readonly bindings: ReadonlyMap<string, string>
  readonly elements: Map<string, ElementName>
  readonly attributes: Map<string, AttributeName>
  /** The depth of the element that opened it (0: the document's own xml and xmlns prefixes). */
  readonly depth: number
  readonly parent: Scope | undefined
}

const documentScope = (): Scope => ({
  bindings: new Map([
    ['xml', XML_NS],
    ['xmlns', XMLNS],
  ]),
  elements: new Map(),
  attributes: new Map(),
  depth: 0,
  parent: undefined,
})

/** Why a declaration is not namespace-well-formed (the checks saxes makes with xmlns on), or undefined. */
const badDeclaration = (prefix: string, uri: string): string | undefined => {
  if (prefix === 'xml' && uri !== XML_NS) return `xml prefix must be bound to ${XML_NS}.`
  if (prefix === 'xmlns') return `xmlns prefix must be bound to ${XMLNS}.`
  if (uri === XMLNS)
    return prefix === ''
      ? `the default namespace may not be set to ${uri}.`
      : `may not assign a prefix (even "xmlns") to the URI ${XMLNS}.`
  if (uri === XML_NS && prefix !== 'xml')
    return prefix === ''
      ? `the default namespace may not be set to ${uri}.`
      : 'may not assign the xml namespace to another prefix.'
  if (prefix !== '' && uri === '') return 'invalid attempt to undefine prefix in XML 1.0'
  return undefined
}

/** Splits a qualified name at its first colon, and says whether it is a well-formed QName. */
const splitName = (name: string): readonly [prefix: string, local: string, wellFormed: boolean] => {
  const colon = name.indexOf(':')
  if (colon === -1) return ['', name, true]
  const prefix = name.slice(0, colon)
  const local = name.slice(colon + 1)
  return [prefix, local, prefix !== '' && local !== '' && !local.includes(':')]
}

/** Thrown from the error handler to stop the parser at a broken transaction. */
class Resync extends Error {}

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * Streams the `Transaction` elements of a POSLog document, one at a time: only the transaction
 * being read is held in memory, whatever the size of the file. The root must be an ARTS `POSLog`
 * (or a lone ARTS `Transaction`, as a till posts one). An XML error inside a transaction ends that
 * transaction (yielded with its problems); reading resumes at the next `Transaction` start tag with
 * a fresh parser under the root's namespace declarations, so one broken transaction never takes
 * the rest of the file with it. An element named `Transaction` in another namespace is yielded too,
 * so that the reader can refuse it by name.
 *
 * Namespaces are resolved here, not by saxes: each qualified name is resolved once per scope of
 * namespace declarations (an element that declares some opens one), with the well-formedness
 * checks saxes makes in its namespace mode (an unbound prefix, a malformed name, a reserved prefix
 * or URI, an attribute given twice) reported as malformed markup.
 * @category xml
 */
export async function* streamTransactions(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<XmlChunk> {
  for await (const batch of transactionBatches(source)) yield* batch
}

/**
 * {@link streamTransactions} in batches: what one slice of the input completed, in order (a few
 * transactions at most). The import reads them so, one await per slice instead of one per transaction.
 */
export async function* transactionBatches(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<readonly XmlChunk[]> {
  let ready: XmlChunk[] = []
  let depth = 0
  let rootSeen = false
  let root: XmlElement | undefined
  let rootOpen = '' // the root's start tag, re-fed to a fresh parser after a resync
  let rootNs: Readonly<Record<string, string>> = {}
  let current: XmlElement | undefined // the element being built, inside a transaction
  let transaction: XmlElement | undefined
  let transactionName = ''
  let problems: XmlProblem[] = []
  let index = 0
  let documentUris: readonly string[] = []
  let stopped = false
  let closing = false
  let lineBase = 0 // lines of the file before the current parser's first line
  let parser: SaxesParser<{ xmlns: false; position: true }>
  let skipFrom = 0 // the depth of an element being skipped (0: none)
  let scope = documentScope()
  /** Turns the current parser's text listeners on or off (see makeParser). */
  let listen: (on: boolean) => void = () => {}

  const lineNow = () => lineBase + parser.line
  /** The root or a transaction: an element whose children are kept, at the parser's line. */
  const outerElement = (
    uri: string,
    local: string,
    attrs: XmlElement['attrs'],
    parent: XmlElement | undefined,
  ): XmlElement => ({ uri, local, attrs, children: [], text: '', line: lineNow(), parent })
  // The vendor namespaces of the transaction being read; the last one is remembered, as it repeats.
  let lastVendorUri = ''
  const noteVendor = (uri: string) => {
    lastVendorUri = uri
    transaction?.vendorUris?.add(uri)
  }
  const problem = (reason: XmlProblem['reason'], message: string, at?: XmlElement): XmlProblem => ({
    reason,
    message,
    line: lineNow(),
    path: at !== undefined ? pathOf(at) : root !== undefined ? root.local : '',
  })
  /** Malformed markup (or a file cut short, once the input ended): inside a transaction, it ends it. */
  const fail = (message: string) => {
    // An error met when the input ends is a truncated file; anything else is malformed markup.
    const reason: XmlProblem['reason'] = closing ? 'TRUNCATED' : 'MALFORMED_XML'
    if (transaction !== undefined) {
      problems.push(problem(reason, message, current ?? transaction))
      if (!closing) throw new Resync(message)
    } else ready.push({ kind: 'document', problem: problem(reason, message) })
  }

  const endTransaction = () => {
    skipFrom = 0
    listen(false)
    ready.push({ kind: 'transaction', index, element: transaction as XmlElement, problems, documentUris })
    transaction = undefined
    current = undefined
    problems = []
  }

  /** Opens the scope of an element's namespace declarations (`xmlns`, `xmlns:p`). */
  const declare = (attributes: Readonly<Record<string, string>>) => {
    const bindings = new Map(scope.bindings)
    for (const name in attributes) {
      if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue
      const prefix = name === 'xmlns' ? '' : name.slice(6)
      const uri = (attributes[name] as string).trim()
      const bad = prefix === '' && name !== 'xmlns' ? `malformed name: ${name}.` : badDeclaration(prefix, uri)
      if (bad !== undefined) fail(bad)
      bindings.set(prefix, intern(uri))
    }
    scope = { bindings, elements: new Map(), attributes: new Map(), depth, parent: scope }
  }

  // A name that cannot be resolved is reported, then read as saxes reads it (an unbound prefix
  // stands for its URI), and not remembered: each use of it is reported.
  const elementName = (name: string): ElementName => {
    const [prefix, local, wellFormed] = splitName(name)
    if (!wellFormed) fail(`malformed name: ${name}.`)
    if (prefix === 'xmlns') fail('tags may not have "xmlns" as prefix.')
    let uri = scope.bindings.get(prefix)
    const bound = uri !== undefined || prefix === ''
    if (!bound) fail(`unbound namespace prefix: ${JSON.stringify(prefix)}.`)
    uri = uri ?? intern(prefix)
    const resolved: ElementName = {
      uri,
      local: intern(local),
      vendor: uri !== '' && uri !== NS.arts,
      unread: unread(uri, local),
    }
    if (wellFormed && bound && scope.elements.size < 10_000) scope.elements.set(name, resolved)
    return resolved
  }

  const attributeName = (name: string): AttributeName => {
    const [prefix, local, wellFormed] = splitName(name)
    if (!wellFormed) fail(`malformed name: ${name}.`)
    let uri = scope.bindings.get(prefix)
    const bound = uri !== undefined || prefix === ''
    if (!bound) fail(`unbound namespace prefix: ${JSON.stringify(prefix)}.`)
    uri = uri ?? intern(prefix)
    const resolved: AttributeName = { uri, key: intern(attrKey(uri, local)) }
    if (wellFormed && bound && scope.attributes.size < 10_000) scope.attributes.set(name, resolved)
    return resolved
  }

  // What the attributes of the tag being read are, noted as saxes reports each (an attribute
  // event costs less than enumerating the record saxes makes, a dictionary): how many, and whether
  // one is a namespace declaration or has a prefix.
  let attributeCount = 0
  let declares = false
  let prefixed = false
  const onAttribute = (a: { readonly name: string }) => {
    attributeCount++
    const name = a.name
    if (name.includes(':')) {
      prefixed = true
      if (name.startsWith('xmlns:')) declares = true
    } else if (name === 'xmlns') declares = true
  }

  /**
   * An element's attributes keyed as {@link XmlElement.attrs} says. Most have none, or only plain
   * ones: then saxes's own record is the element's (saxes makes one per tag and never touches it
   * again). Namespaced attributes and declarations take a record of their own.
   */
  const attributesOf = (attributes: Record<string, string>): Record<string, string> => {
    if (attributeCount === 0) return NO_ATTRS
    if (!prefixed && !declares) return attributes
    const attrs: Record<string, string> = {}
    for (const name in attributes) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue
      const value = attributes[name] as string
      if (!name.includes(':')) {
        attrs[name] = value
        continue
      }
      const resolved = scope.attributes.get(name) ?? attributeName(name)
      if (attrs[resolved.key] !== undefined) fail(`duplicate attribute: ${resolved.key}.`)
      attrs[resolved.key] = value
      const uri = resolved.uri
      if (uri !== NS.arts && uri !== lastVendorUri) noteVendor(uri)
    }
    return attrs
  }

  const makeParser = (resumed: boolean) => {
    const p = new SaxesParser({ xmlns: false, position: true })
    // Whitespace between elements is never read (every text is trimmed when read): not kept.
    const onText = (text: string) => {
      if (current === undefined || skipFrom !== 0) return
      // Between elements the text is an indent: a newline or a space first, and nothing but blanks.
      const first = text.charCodeAt(0)
      if (first > 32 || NON_BLANK.test(text)) current.text += text
    }
    const onCdata = (text: string) => {
      if (current !== undefined && skipFrom === 0) current.text += text
    }
    // Text is listened to only where it is kept: inside a transaction, outside the elements it skips.
    // Without a listener saxes does not gather text at all (a receipt image is kilobytes of entities).
    listen = (on: boolean) => {
      if (on) {
        p.on('text', onText)
        p.on('cdata', onCdata)
      } else {
        p.off('text')
        p.off('cdata')
      }
    }
    p.on('error', (err) => fail(err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')))
    attributeCount = 0
    declares = false
    prefixed = false
    p.on('attribute', onAttribute)
    p.on('opentag', (tag: SaxesTagPlain) => {
      depth++
      if (stopped) return
      const attributes = tag.attributes
      // A declaration opens a scope, in which the element's own name is resolved.
      if (declares) declare(attributes)
      const qname = tag.name
      const name = scope.elements.get(qname) ?? elementName(qname)
      const attrs = attributesOf(attributes)
      attributeCount = 0
      declares = false
      prefixed = false
      const tagUri = name.uri
      if (name.vendor && tagUri !== lastVendorUri) noteVendor(tagUri)
      if (skipFrom > 0) return
      const local = name.local
      if (depth === 1) {
        if (resumed) return // the re-fed root start tag
        rootSeen = true
        const declared: Record<string, string> = {}
        for (const n in attributes) {
          if (n === 'xmlns' || n.startsWith('xmlns:'))
            declared[n === 'xmlns' ? '' : n.slice(6)] = scope.bindings.get(n === 'xmlns' ? '' : n.slice(6)) as string
        }
        rootNs = declared
        documentUris = Object.values(rootNs)
        const isArts = tagUri === NS.arts
        if ((local === 'POSLog' || local === 'Transaction') && !isArts) {
          ready.push({
            kind: 'document',
            problem: problem(
              'WRONG_NAMESPACE',
              `the root <${local}> is in namespace "${tagUri}", not ARTS POSLog "${NS.arts}"`,
            ),
          })
          stopped = true
          return
        }
        if (local !== 'POSLog' && local !== 'Transaction') {
          ready.push({
            kind: 'document',
            problem: problem('NOT_POSLOG', `the root element is <${qname}>, not an ARTS <POSLog> or <Transaction>`),
          })
          stopped = true
          return
        }
        root = outerElement(tagUri, local, attrs, undefined)
        rootOpen = `<${qname}${Object.entries(rootNs)
          .map(([prefix, uri]) =>
            prefix === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${prefix}="${escapeAttr(uri)}"`,
          )
          .join('')}>`
        if (local === 'POSLog') return
        transaction = root
        root.vendorUris = new Set()
        lastVendorUri = ''
        transactionName = qname
        current = root
        listen(true)
        problems = []
        index++
        return
      }
      if (transaction === undefined) {
        if (depth === 2 && local === 'Transaction') {
          // A child of the root, kept as its only child: memory holds one transaction.
          const el = outerElement(tagUri, local, attrs, root)
          index++
          el.position = index
          el.vendorUris = new Set()
          lastVendorUri = ''
          root?.children.splice(0, root.children.length, el)
          transaction = el
          transactionName = qname
          current = el
          listen(true)
          problems = []
        }
        return
      }
      if (name.unread) {
        skipFrom = depth // the reader never looks inside: not built, so memory and GC stay low
        listen(false)
        return
      }
      const el: XmlElement = {
        uri: tagUri,
        local,
        attrs,
        children: NO_CHILDREN,
        text: '',
        line: parser.line + lineBase,
        parent: current,
      }
      const parent = current as XmlElement
      if (parent.children === NO_CHILDREN) (parent as { children: XmlElement[] }).children = [el]
      else parent.children.push(el)
      current = el
    })
    p.on('closetag', () => {
      if (depth === scope.depth) scope = scope.parent as Scope
      depth--
      if (skipFrom > 0) {
        if (depth < skipFrom) {
          skipFrom = 0
          listen(true)
        }
        return
      }
      if (current === undefined) return
      if (current === transaction) {
        endTransaction()
        return
      }
      current = current.parent
    })
    return p
  }

  parser = makeParser(false)
  const decoder = new TextDecoder('utf-8')
  let skipping: string | undefined // text held while looking for the next transaction after an error
  const startTag = () => new RegExp(`<${transactionName.replace(/[.]/g, '\\.')}[\\s/>]`)

  const resume = (text: string) => {
    const found = startTag().exec(text)
    if (found === null) {
      // Keep a tail that may hold the start of a tag cut by the chunk boundary.
      const keep = Math.min(text.length, transactionName.length + 2)
      lineBase += countLines(text.slice(0, text.length - keep))
      skipping = text.slice(text.length - keep)
      return
    }
    lineBase += countLines(text.slice(0, found.index))
    skipping = undefined
    depth = 0
    scope = documentScope()
    parser = makeParser(true)
    write(rootOpen + text.slice(found.index))
  }
  const write = (text: string) => {
    if (skipping !== undefined) {
      resume(skipping + text)
      return
    }
    const before = parser.position
    try {
      parser.write(text)
    } catch (e) {
      if (!(e instanceof Resync)) throw e
      endTransaction()
      const offset = Math.max(0, Math.min(text.length, parser.position - before))
      // From here on, lineBase counts the lines before the first line of the text still to read.
      lineBase += parser.line - 1
      resume(text.slice(offset))
    }
  }

  for await (const chunk of source) {
    // Fed in slices, each transaction is read while it is young: a big chunk would build dozens of
    // transactions before the first is read, and they would outlive the young generation. Bytes are
    // decoded a slice at a time, so that saxes reads flat strings, not slices of a big one.
    const size = chunk.length
    for (let from = 0; from < size; from += SLICE) {
      const whole = from === 0 && size <= SLICE
      write(
        typeof chunk === 'string'
          ? whole
            ? chunk
            : chunk.slice(from, from + SLICE)
          : decoder.decode(whole ? chunk : chunk.subarray(from, from + SLICE), { stream: true }),
      )
      if (ready.length > 0) {
        const batch = ready
        ready = []
        yield batch
      }
      if (stopped) return
    }
  }
  const tail = decoder.decode()
  if (tail !== '') write(tail)
  closing = true
  if (skipping === undefined) parser.close()
  if (transaction !== undefined) {
    if (!problems.some((p) => p.reason === 'TRUNCATED')) {
      problems.push(problem('TRUNCATED', 'the file ends inside this transaction', transaction))
    }
    endTransaction()
  }
  if (!rootSeen) {
    ready.push({
      kind: 'document',
      problem: {
        reason: 'NOT_POSLOG',
        message: 'no XML element found: not a POSLog document',
        line: lineNow(),
        path: '',
      },
    })
  }
  if (ready.length > 0) yield ready
}

const countLines = (text: string) => {
  let n = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++
  return n
}

/**
 * What the main thread of `tessera simulate --workers N` reads of a history text to route it to its
 * customer shard, without building the text's objects: one pass over the characters that checks the
 * JSON grammar and keeps only the few strings routing needs (the basket's id, time and card, the
 * customer's member id and card, a return's sale and time). A basket's lines are only stepped over.
 * Its answer is the one `JSON.parse` and property access give ({@link routeByParse}; a property
 * test holds the two equal on generated texts), so that a text lands in the shard it always did.
 */

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/** What routing needs of a history text; every field `undefined` (and `atMs` NaN) for a text that is not a JSON object. */
export interface Route {
  /** The customer key of a sale (member, else card, as `customerKeyOf` makes it), else `undefined`. */
  readonly key: string | undefined
  readonly basketId: string | undefined
  /** The sale a return is of; `undefined` for a sale. */
  readonly of: string | undefined
  /** The sale's or the return's time (`Date.parse`), NaN when it has none. */
  readonly atMs: number
}

const NOTHING: Route = { key: undefined, basketId: undefined, of: undefined, atMs: Number.NaN }

const routeOfFields = (
  isReturn: boolean,
  of: string | undefined,
  returnAt: string | undefined,
  basketId: string | undefined,
  basketAt: string | undefined,
  basketCard: string | undefined,
  memberId: string | undefined,
  customerCard: string | undefined,
): Route => {
  if (isReturn) return { key: undefined, basketId: undefined, of, atMs: Date.parse(returnAt ?? '') }
  const card = customerCard ?? basketCard
  return {
    key: memberId !== undefined ? `member:${memberId}` : card !== undefined ? `card:${card}` : undefined,
    basketId,
    of: undefined,
    atMs: Date.parse(basketAt ?? ''),
  }
}

// ── the reference: JSON.parse ────────────────────────────────────────────────────────────────────

const str = (u: unknown): string | undefined => (typeof u === 'string' ? u : undefined)
/** A property bag of a value that is an object (arrays too, as `typeof` says), else undefined. */
const bag = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : undefined

/**
 * The route of a text by `JSON.parse` (what routing always did, and {@link routeOf}'s fallback):
 * a text that does not parse goes anywhere, and its worker reports it.
 */
export const routeByParse = (text: string): Route => {
  let u: unknown
  try {
    u = JSON.parse(text)
  } catch {
    return NOTHING
  }
  const o = bag(u) ?? {}
  const r = bag(o.return)
  const basket = bag(o.basket) ?? {}
  const customer = bag(o.customer) ?? {}
  return routeOfFields(
    r !== undefined,
    str(r?.of),
    str(r?.at),
    str(basket.id),
    str(basket.at),
    str(basket.card),
    str(customer.memberId),
    str(customer.card),
  )
}

// ── the scanner ──────────────────────────────────────────────────────────────────────────────────

// What a scan keeps: the strings routing needs (a later duplicate key replaces an earlier one, as
// in JSON.parse), by slot.
const BASKET_ID = 0
const BASKET_AT = 1
const BASKET_CARD = 2
const MEMBER_ID = 3
const CUSTOMER_CARD = 4
const RETURN_OF = 5
const RETURN_AT = 6
const slots: (string | undefined)[] = new Array(7).fill(undefined)

// The top-level members whose objects are read.
const OTHER = 0
const BASKET = 1
const CUSTOMER = 2
const RETURN = 3

/** The slot a member of the top-level member `top`'s object fills, else −1. */
const slotOf = (top: number, name: string): number => {
  if (top === BASKET) return name === 'id' ? BASKET_ID : name === 'at' ? BASKET_AT : name === 'card' ? BASKET_CARD : -1
  if (top === CUSTOMER) return name === 'memberId' ? MEMBER_ID : name === 'card' ? CUSTOMER_CARD : -1
  if (top === RETURN) return name === 'of' ? RETURN_OF : name === 'at' ? RETURN_AT : -1
  return -1
}

/** The open objects (1) and arrays (2) around the place being read; deeper texts go to JSON.parse. */
const MAX_DEPTH = 64
const containers = new Uint8Array(MAX_DEPTH)

/** A backslash or a control character: where a string needs reading character by character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON refuses them raw in a string, so the scan looks for them.
const ODD = /[\\\x00-\x1f]/
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
const isDigit = (c: number) => c >= 48 && c <= 57

const space = (t: string, i: number): number => {
  for (;;) {
    const c = t.charCodeAt(i)
    if (c === 32 || c === 10 || c === 13 || c === 9) i++
    else return i
  }
}

/** Whether the last string {@link stringEnd} stepped over has an escape. */
let escaped = false
/** Where the text has its first backslash or control character (its length when none): before it, a string ends at the next quote. */
let plainUntil = 0

/** The end (after the closing quote) of the JSON string at `i` (its opening quote), else −1. */
const stringEnd = (t: string, i: number): number => {
  escaped = false
  const quote = t.indexOf('"', i + 1)
  if (quote >= 0 && quote < plainUntil) return quote + 1
  for (i++; ; ) {
    const c = t.charCodeAt(i)
    if (c === 34) return i + 1
    if (c >= 0x20 && c !== 92) i++
    else if (c === 92) {
      escaped = true
      const e = t.charCodeAt(i + 1)
      if (e === 117 /* u */) {
        if (!(isHex(t.charCodeAt(i + 2)) && isHex(t.charCodeAt(i + 3)))) return -1
        if (!(isHex(t.charCodeAt(i + 4)) && isHex(t.charCodeAt(i + 5)))) return -1
        i += 6
      } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)
        i += 2 // \" \\ \/ \b \f \n \r \t
      else return -1
    } else return -1 // a control character, or the end of the text (NaN)
  }
}

/** The value of the string from `i` to `end` (quotes included) that {@link stringEnd} just read. */
const stringValue = (t: string, i: number, end: number): string =>
  escaped ? (JSON.parse(t.slice(i, end)) as string) : t.slice(i + 1, end - 1)

const digitsEnd = (t: string, i: number): number => {
  if (!isDigit(t.charCodeAt(i))) return -1
  do i++
  while (isDigit(t.charCodeAt(i)))
  return i
}

/** The end of the number, `true`, `false` or `null` at `i`, else −1. */
const scalarEnd = (t: string, i: number): number => {
  const c = t.charCodeAt(i)
  if (c === 116) return t.startsWith('true', i) ? i + 4 : -1
  if (c === 102) return t.startsWith('false', i) ? i + 5 : -1
  if (c === 110) return t.startsWith('null', i) ? i + 4 : -1
  if (c === 45 /* - */) i++
  if (t.charCodeAt(i) === 48 /* 0 */) i++
  else {
    i = digitsEnd(t, i)
    if (i < 0) return -1
  }
  if (t.charCodeAt(i) === 46 /* . */) {
    i = digitsEnd(t, i + 1)
    if (i < 0) return -1
  }
  const e = t.charCodeAt(i)
  if (e === 101 || e === 69 /* e E */) {
    i++
    const sign = t.charCodeAt(i)
    if (sign === 43 || sign === 45 /* + - */) i++
    return digitsEnd(t, i)
  }
  return i
}

/**
 * The route of a history text, read without `JSON.parse` and without building its objects: the
 * same answer as {@link routeByParse}. A text that breaks the JSON grammar gets nothing (it goes
 * anywhere; its worker reports it); one nested deeper than the scanner follows is left to
 * {@link routeByParse}.
 */
export const routeOf = (t: string): Route => {
  const n = t.length
  const odd = t.search(ODD)
  plainUntil = odd < 0 ? n : odd
  slots.fill(undefined)
  let basketIsObject = false
  let customerIsObject = false
  let returnIsObject = false
  let i = space(t, 0)
  if (t.charCodeAt(i) !== 123) return NOTHING // not an object, or not JSON: nothing to route by either way
  let depth = 0
  /** The top-level member being read. */
  let top = OTHER
  /** The slot the value being read fills, else −1. */
  let into = -1
  for (;;) {
    // A value starts at `i`.
    const c = t.charCodeAt(i)
    /** The value is an object that has members: its first one starts at `i`. */
    let members = false
    if (c === 34) {
      const end = stringEnd(t, i)
      if (end < 0) return NOTHING
      if (into >= 0) slots[into] = stringValue(t, i, end)
      i = end
    } else if (c === 123 || c === 91) {
      if (into >= 0) slots[into] = undefined
      if (depth === MAX_DEPTH) return routeByParse(t)
      containers[depth++] = c === 123 ? 1 : 2
      i = space(t, i + 1)
      if (t.charCodeAt(i) === (c === 123 ? 125 : 93)) {
        depth--
        i++
      } else if (c === 91) {
        into = -1
        continue // the array's first value
      } else members = true
    } else {
      i = scalarEnd(t, i)
      if (i < 0) return NOTHING
      if (into >= 0) slots[into] = undefined
    }
    into = -1
    // After a value: commas and closers, up to the next value (after a member's name and colon).
    for (;;) {
      if (!members) {
        i = space(t, i)
        if (depth === 0) {
          if (i !== n) return NOTHING
          return routeOfFields(
            returnIsObject,
            slots[RETURN_OF],
            slots[RETURN_AT],
            basketIsObject ? slots[BASKET_ID] : undefined,
            basketIsObject ? slots[BASKET_AT] : undefined,
            basketIsObject ? slots[BASKET_CARD] : undefined,
            customerIsObject ? slots[MEMBER_ID] : undefined,
            customerIsObject ? slots[CUSTOMER_CARD] : undefined,
          )
        }
        const k = t.charCodeAt(i)
        const inObject = containers[depth - 1] === 1
        if (k === (inObject ? 125 : 93)) {
          depth--
          i++
          continue
        }
        if (k !== 44) return NOTHING
        i = space(t, i + 1)
        if (!inObject) break
      }
      members = false
      // A member: its name, a colon, then its value.
      if (t.charCodeAt(i) !== 34) return NOTHING
      const nameEnd = stringEnd(t, i)
      if (nameEnd < 0) return NOTHING
      const named = depth === 1 || (depth === 2 && top !== OTHER && containers[1] === 1)
      const name = named ? stringValue(t, i, nameEnd) : ''
      i = space(t, nameEnd)
      if (t.charCodeAt(i) !== 58 /* : */) return NOTHING
      i = space(t, i + 1)
      if (depth === 1) {
        const v = t.charCodeAt(i)
        const isObject = v === 123 || v === 91
        if (name === 'basket') {
          top = BASKET
          slots[BASKET_ID] = slots[BASKET_AT] = slots[BASKET_CARD] = undefined
          basketIsObject = isObject
        } else if (name === 'customer') {
          top = CUSTOMER
          slots[MEMBER_ID] = slots[CUSTOMER_CARD] = undefined
          customerIsObject = isObject
        } else if (name === 'return') {
          top = RETURN
          slots[RETURN_OF] = slots[RETURN_AT] = undefined
          returnIsObject = isObject
        } else top = OTHER
      } else if (named) into = slotOf(top, name)
      break
    }
  }
}

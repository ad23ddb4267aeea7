import type { Either } from 'fp-ts/lib/Either.js'
import { left } from 'fp-ts/lib/Either.js'
import type { CheckoutStore } from '../checkout/model.js'
import { textProblem } from '../codec/primitive.js'
import { invalidInput, invalidPosting, type LedgerError } from '../ledger/errors.js'
import { validatePosting } from '../ledger/plan.js'
import type { LoyaltyStore } from './LoyaltyStore.js'

// ── checks ───────────────────────────────────────────────────────────────────────────────────────

/** What a field must be: a non-empty id, an optional id, epoch milliseconds, whole months, a flag. */
type Rule = 'id' | 'id?' | 'ms' | 'months' | 'bool' | 'ids' | 'status'

const rules: Record<Rule, (v: unknown) => string | undefined> = {
  id: (v) => (typeof v === 'string' && v !== '' ? textProblem(v) : 'must be a non-empty string'),
  'id?': (v) => (v === undefined ? undefined : rules.id(v)),
  ms: (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
      ? undefined
      : 'must be epoch milliseconds (an integer ≥ 0)',
  months: (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= 1200
      ? undefined
      : 'must be whole months from 1 to 1200',
  bool: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  ids: (v) => {
    if (!Array.isArray(v)) return 'must be a list of ids'
    for (const [i, x] of v.entries()) {
      const p = rules.id(x)
      if (p !== undefined) return `item ${i} ${p}`
    }
    return undefined
  },
  status: (v) => (v === 'active' || v === 'blocked' ? undefined : 'must be "active" or "blocked"'),
}

/** The first string at any depth of a document that holds a NUL character, with its path. */
const nulIn = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'string') return textProblem(value) === undefined ? undefined : path
  if (typeof value !== 'object' || value === null) return undefined
  for (const [k, v] of Object.entries(value)) {
    const found = nulIn(v, `${path}.${k}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** The first refused field of `fields` (name → [value, rule]), as a typed error. */
const check = (operation: string, fields: Record<string, readonly [unknown, Rule]>): LedgerError | undefined => {
  for (const [field, [value, rule]] of Object.entries(fields)) {
    const problem = rules[rule](value)
    if (problem !== undefined) return invalidInput(operation, field, problem)
  }
  return undefined
}

/** A document (member, program) with no NUL character anywhere and the given fields right. */
const checkDocument = (
  operation: string,
  doc: unknown,
  fields: (d: Record<string, unknown>) => Record<string, readonly [unknown, Rule]>,
): LedgerError | undefined => {
  if (typeof doc !== 'object' || doc === null) return invalidInput(operation, '', 'must be an object')
  const nul = nulIn(doc, '')
  if (nul !== undefined) return invalidInput(operation, nul.slice(1), 'must not contain a NUL character (U+0000)')
  return check(operation, fields(doc as Record<string, unknown>))
}

const refuse = async <A>(e: LedgerError): Promise<Either<LedgerError, A>> => left(e)

// ── the guard ────────────────────────────────────────────────────────────────────────────────────

/**
 * The loyalty store with every entry point's arguments checked first: ids are non-empty strings
 * without NUL characters (PostgreSQL cannot store one in `text`, and SQLite would keep it silently),
 * times are epoch milliseconds, postings pass {@link validatePosting} (a known `kind`, points at
 * most `MAX_POINTS`). A refused argument is `InvalidInput` (`InvalidPosting` for a posting) naming
 * the field; nothing is read or written. Every store of Tessera is opened through it.
 * @category ports
 */
export const checkedLoyaltyStore = (store: LoyaltyStore): LoyaltyStore => ({
  ...store,
  post: (request) => {
    if (typeof request !== 'object' || request === null)
      return refuse(invalidPosting('', 'must be a posting request object'))
    const valid = validatePosting(request)
    return valid._tag === 'Left' ? refuse(valid.left) : store.post(request)
  },
  balance: (accountId, asOf) => {
    const e = check('balance', { accountId: [accountId, 'id'], asOf: [asOf, 'ms'] })
    return e ? refuse(e) : store.balance(accountId, asOf)
  },
  entries: (accountId) => {
    const e = check('entries', { accountId: [accountId, 'id'] })
    return e ? refuse(e) : store.entries(accountId)
  },
  lots: (accountId) => {
    const e = check('lots', { accountId: [accountId, 'id'] })
    return e ? refuse(e) : store.lots(accountId)
  },
  reservations: (accountId) => {
    const e = check('reservations', { accountId: [accountId, 'id'] })
    return e ? refuse(e) : store.reservations(accountId)
  },
  expireDue: (asOf, sweepKey) => {
    const e = check('expireDue', { asOf: [asOf, 'ms'], sweepKey: [sweepKey, 'id'] })
    return e ? refuse(e) : store.expireDue(asOf, sweepKey)
  },
  putProgram: (program) => {
    const e = checkDocument('putProgram', program, (p) => ({ programId: [p.programId, 'id'] }))
    return e ? refuse(e) : store.putProgram(program)
  },
  openAccount: (input) => {
    const e = checkDocument('openAccount', input, (i) => ({
      accountId: [i.accountId, 'id'],
      programId: [i.programId, 'id'],
      memberId: [i.memberId, 'id?'],
      householdId: [i.householdId, 'id?'],
      at: [i.at, 'ms'],
    }))
    return e ? refuse(e) : store.openAccount(input)
  },
  account: (accountId) => {
    const e = check('account', { accountId: [accountId, 'id'] })
    return e ? refuse(e) : store.account(accountId)
  },
  nextSerial: (sequence) => {
    const e = check('nextSerial', { sequence: [sequence, 'id'] })
    return e ? refuse(e) : store.nextSerial(sequence)
  },
  issueCard: (input) => {
    const e = checkDocument('issueCard', input, (i) => ({
      number: [i.number, 'id'],
      accountId: [i.accountId, 'id'],
      memberId: [i.memberId, 'id?'],
      at: [i.at, 'ms'],
    }))
    return e ? refuse(e) : store.issueCard(input)
  },
  card: (number) => {
    const e = check('card', { number: [number, 'id'] })
    return e ? refuse(e) : store.card(number)
  },
  cardsOf: (accountId) => {
    const e = check('cardsOf', { accountId: [accountId, 'id'] })
    return e ? refuse(e) : store.cardsOf(accountId)
  },
  setCardStatus: (number, status) => {
    const e = check('setCardStatus', { number: [number, 'id'], status: [status, 'status'] })
    return e ? refuse(e) : store.setCardStatus(number, status)
  },
  claimCard: (number, memberId) => {
    const e = check('claimCard', { number: [number, 'id'], memberId: [memberId, 'id'] })
    return e ? refuse(e) : store.claimCard(number, memberId)
  },
  replaceCard: (input) => {
    const e = checkDocument('replaceCard', input, (i) => ({
      lost: [i.lost, 'id'],
      replacement: [i.replacement, 'id'],
      newAccountId: [i.newAccountId, 'id'],
      key: [i.key, 'id'],
      at: [i.at, 'ms'],
    }))
    return e ? refuse(e) : store.replaceCard(input)
  },
  mergeAccounts: (input) => {
    const e = checkDocument('mergeAccounts', input, (i) => ({
      from: [i.from, 'id'],
      into: [i.into, 'id'],
      key: [i.key, 'id'],
      at: [i.at, 'ms'],
    }))
    return e ? refuse(e) : store.mergeAccounts(input)
  },
  saveMember: (member) => {
    const e = checkDocument('saveMember', member, (m) => ({
      memberId: [m.memberId, 'id'],
      programId: [m.programId, 'id'],
      joinedAt: [m.joinedAt, 'ms'],
    }))
    return e ? refuse(e) : store.saveMember(member)
  },
  member: (memberId) => {
    const e = check('member', { memberId: [memberId, 'id'] })
    return e ? refuse(e) : store.member(memberId)
  },
  saveHousehold: (household) => {
    const e = checkDocument('saveHousehold', household, (h) => ({
      householdId: [h.householdId, 'id'],
      accountId: [h.accountId, 'id'],
      memberIds: [h.memberIds, 'ids'],
    }))
    return e ? refuse(e) : store.saveHousehold(household)
  },
  household: (householdId) => {
    const e = check('household', { householdId: [householdId, 'id'] })
    return e ? refuse(e) : store.household(householdId)
  },
  saveMembership: (membership) => {
    const e = checkDocument('saveMembership', membership, (m) => ({
      memberId: [m.memberId, 'id'],
      clubId: [m.clubId, 'id'],
      from: [m.from, 'ms'],
      until: [m.until, 'ms'],
      periodMonths: [m.periodMonths, 'months'],
      autoRenew: [m.autoRenew, 'bool'],
    }))
    return e ? refuse(e) : store.saveMembership(membership)
  },
  membership: (memberId, clubId) => {
    const e = check('membership', { memberId: [memberId, 'id'], clubId: [clubId, 'id'] })
    return e ? refuse(e) : store.membership(memberId, clubId)
  },
  exportMember: (memberId, asOf) => {
    const e = check('exportMember', { memberId: [memberId, 'id'], asOf: [asOf, 'ms'] })
    return e ? refuse(e) : store.exportMember(memberId, asOf)
  },
  eraseMember: (memberId, at) => {
    const e = check('eraseMember', { memberId: [memberId, 'id'], at: [at, 'ms'] })
    return e ? refuse(e) : store.eraseMember(memberId, at)
  },
})

/** Whether a key can name a stored row: a non-empty string without NUL characters. */
const storable = (key: unknown): key is string =>
  typeof key === 'string' && key !== '' && textProblem(key) === undefined

/**
 * The checkout store with its lookups guarded: a key that no row can hold (empty, not a string, or
 * with a NUL character, which PostgreSQL refuses in `text`) finds nothing, as an unknown key does,
 * instead of reaching the database. Writes come decoded from the checkout (`createCheckout`) or
 * through codecs (`putPool`, `addCodes`).
 * @category ports
 */
export const checkedCheckoutStore = <S extends CheckoutStore>(store: S): S => ({
  ...store,
  code: (code) => (storable(code) ? store.code(code) : Promise.resolve(undefined)),
  findClose: (id) => (storable(id) ? store.findClose(id) : Promise.resolve(undefined)),
  findReturns: (id) => (storable(id) ? store.findReturns(id) : Promise.resolve([])),
  findSession: (id) => (storable(id) ? store.findSession(id) : Promise.resolve(undefined)),
  standing: (card) =>
    storable(card) ? store.standing(card) : Promise.resolve({ purchases: [], successfulReferrals: 0 }),
  usage: (ids, keys) =>
    ids.every(storable) && keys.every((k) => storable(k.campaignId) && storable(k.customer) && storable(k.bucket))
      ? store.usage(ids, keys)
      : Promise.resolve({
          campaigns: ids.map((campaignId) => ({ campaignId, redemptions: 0, discountSpent: 0, pointsSpent: 0 })),
          customers: keys.map((k) => ({ ...k, count: 0 })),
        }),
})

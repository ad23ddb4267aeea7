import type { FieldProblem } from '@tessera/core'

// ── model ────────────────────────────────────────────────────────────────────────────────────────

/**
 * An error answer, as `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`,
 * plus Tessera's stable `code` (`ALREADY_REDEEMED`, `CONFLICTING_REPLAY`, `BAD_INPUT`…) and, for bad
 * input, `errors: [{ path, reason }]` naming each refused field.
 * @category server
 */
export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly code: string
  readonly errors?: readonly FieldProblem[]
  readonly [extension: string]: unknown
}

/** The media type of every error answer. @category server */
export const PROBLEM_JSON = 'application/problem+json'

// ── the one table ────────────────────────────────────────────────────────────────────────────────

/**
 * HTTP status of every typed error the core returns, by `_tag`: 400 bad input, 404 unknown,
 * 409 conflict or replay mismatch, 422 refused by a business rule, 503 store busy. A tag missing
 * here is answered 422 (a refusal), never 500: only a broken invariant is a 500.
 * @category server
 */
export const STATUS_OF_ERROR: Readonly<Record<string, number>> = {
  // bad input
  DecodeError: 400,
  DuplicateLine: 400,
  InvalidRewardRequest: 400,
  CardNumberError: 400,
  InvalidPosting: 400,
  // unknown
  UnknownTransaction: 404,
  UnknownSession: 404,
  UnknownCard: 404,
  UnknownAccount: 404,
  UnknownMember: 404,
  UnknownHousehold: 404,
  UnknownReward: 404,
  UnknownPool: 404,
  EntryNotFound: 404,
  ReservationNotFound: 404,
  // conflicts
  ConflictingReplay: 409,
  SessionClosed: 409,
  AlreadyExists: 409,
  CardAlreadyClaimed: 409,
  AccountMerged: 409,
  // refused
  CodeRejected: 422,
  EmptyBasket: 422,
  UnknownLine: 422,
  ReturnExceedsPurchase: 422,
  MeasuredLineReturnedWhole: 422,
  ReturnBeforeSale: 422,
  TendersShort: 422,
  CustomerMismatch: 422,
  LedgerFailed: 422,
  CouponIssueFailed: 422,
  CardBlocked: 422,
  CardReplaced: 422,
  InsufficientPoints: 422,
  ReservationExpired: 422,
  NotReversible: 422,
  NothingLeftToReverse: 422,
  // unavailable
  StoreBusy: 503,
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** `CodeRejected` → `CODE_REJECTED`; an error that carries its own stable code keeps it. */
const codeOfTag = (tag: string) => tag.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()

/** A problem document. @category server */
export const problem = (
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Problem => ({
  type: `urn:tessera:problem:${code}`,
  title: TITLES[status] ?? 'Error',
  status,
  detail,
  code,
  ...extra,
})

/** The problem of bad input: 400, `BAD_INPUT`, one `{ path, reason }` per refused field. @category server */
export const badInput = (detail: string, errors: readonly FieldProblem[]): Problem =>
  problem(400, 'BAD_INPUT', detail, { errors })

/**
 * The problem of a typed error of the core, through {@link STATUS_OF_ERROR}. A refused code is
 * named by its reason (`ALREADY_REDEEMED`), a ledger refusal inside a close by the ledger's.
 * @category server
 */
export const problemOfError = (error: { readonly _tag: string; readonly message?: string }): Problem => {
  const e = error as Record<string, unknown> & { readonly _tag: string; readonly message?: string }
  const detail = e.message ?? e._tag
  switch (e._tag) {
    case 'DecodeError':
      return badInput(detail, (e.problems as readonly FieldProblem[]) ?? [])
    case 'CustomerMismatch':
      return problem(422, 'CUSTOMER_MISMATCH', detail, { errors: e.problems })
    case 'CodeRejected':
      return problem(422, String(e.reason), detail, { codeRejected: { code: e.code, reason: e.reason } })
    case 'LedgerFailed': {
      const inner = e.error as { readonly _tag: string }
      return problem(422, codeOfTag(inner._tag), detail)
    }
    case 'InvalidRewardRequest':
      return badInput(detail, [{ path: String(e.path ?? ''), reason: String(e.reason ?? detail) }])
    case 'CardNumberError':
      return badInput(detail, [{ path: 'card', reason: `${String(e.reason)}: ${detail}` }])
    default: {
      const status = STATUS_OF_ERROR[e._tag] ?? 422
      const code = typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) ? e.code : codeOfTag(e._tag)
      return problem(status, code, detail, status === 503 ? { retryable: true } : {})
    }
  }
}

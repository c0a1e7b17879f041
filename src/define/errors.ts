/**
 * Every error nanoweb raises has a stable code and the HTTP status it maps to.
 * The table is the single source of truth for both; `docs/errors.md` describes each code
 * (a test keeps the two in step).
 *
 * @example
 * ERROR_STATUS.NANO_E_NOT_FOUND // 404
 */
export const ERROR_STATUS = {
  NANO_E_NOT_FOUND: 404,
  NANO_E_INVALID_INPUT: 400,
  NANO_E_INVALID_OUTPUT: 500,
  NANO_E_FORBIDDEN_CALL: 403,
  NANO_E_TIMEOUT: 504,
  NANO_E_CALL_DEPTH: 508,
  NANO_E_SERVICE_FAILED: 500,
  NANO_E_BAD_DEFINITION: 500,
  NANO_E_CLOSED: 503,
  NANO_E_ABORTED: 499,
  NANO_E_BAD_JSON: 400,
  NANO_E_BAD_REQUEST: 400,
  NANO_E_METHOD_NOT_ALLOWED: 405,
  NANO_E_PAYLOAD_TOO_LARGE: 413,
  NANO_E_UNSUPPORTED_MEDIA_TYPE: 415,
  NANO_E_RANGE_NOT_SATISFIABLE: 416,
  NANO_E_TOO_MANY_STREAMS: 429,
  NANO_E_UNAVAILABLE: 503,
  NANO_E_INTERNAL: 500,
  NANO_E_LIMIT: 500,
  NANO_E_UNAUTHENTICATED: 401,
  NANO_E_FORBIDDEN: 403,
  NANO_E_RATE_LIMITED: 429,
  NANO_E_OVERLOADED: 503,
  NANO_E_CALL_TREE: 508,
  NANO_E_EXIT_REFUSED: 500,
  NANO_E_HEADERS_TOO_LARGE: 431,
  NANO_E_REQUEST_TIMEOUT: 408,
  NANO_E_BAD_CATALOG: 400,
} as const

/**
 * A stable error code: one of the keys of {@link ERROR_STATUS}.
 *
 * @example
 * const code: NanoErrorCode = 'NANO_E_TIMEOUT'
 */
export type NanoErrorCode = keyof typeof ERROR_STATUS

/**
 * One schema problem: where in the value (`path`) and what is wrong (`message`).
 *
 * @example
 * const issue: SchemaIssue = { path: ['city'], message: 'Too small: expected string to have >=1 characters' }
 */
export interface SchemaIssue {
  readonly path: readonly (string | number)[]
  readonly message: string
}

/**
 * Extra facts an error can carry.
 *
 * @example
 * new NanoError('NANO_E_SERVICE_FAILED', 'boom', { cause: err, service: 'a/b' })
 */
export interface NanoErrorOptions {
  readonly cause?: unknown
  readonly issues?: readonly SchemaIssue[]
  readonly service?: string
}

/**
 * The one error class of nanoweb. `code` is stable, `status` is its HTTP status, `cause` stays
 * inside the process: {@link NanoError.toJSON} never includes it or the stack.
 *
 * @example
 * throw new NanoError('NANO_E_NOT_FOUND', 'No story with id 42')
 */
export class NanoError extends Error {
  readonly code: NanoErrorCode
  readonly status: number
  readonly issues: readonly SchemaIssue[] | undefined
  /** The service the error was raised for, when the runtime raised it. */
  readonly service: string | undefined

  constructor(code: NanoErrorCode, message: string, options: NanoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'NanoError'
    this.code = code
    this.status = ERROR_STATUS[code]
    this.issues = options.issues
    this.service = options.service
  }

  /** The shape sent to outside callers: code, message and schema issues, never a stack or cause. */
  toJSON(): { code: NanoErrorCode; message: string; issues?: readonly SchemaIssue[] } {
    return this.issues === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, issues: this.issues }
  }

  /**
   * Rebuilds an error sent by another process: the value {@link NanoError.toJSON} gives
   * (`{ code, message, issues? }`) or the HTTP gateway's error body (`{ error: { … } }`). Never
   * throws: an unknown code, or a value of any other shape, becomes `NANO_E_INTERNAL` with a
   * message saying what was received.
   *
   * @example
   * const body = await res.json()
   * if (!res.ok) throw NanoError.fromJSON(body) // NANO_E_NOT_FOUND, NANO_E_INVALID_INPUT with its issues, …
   */
  static fromJSON(value: unknown): NanoError {
    try {
      return rebuild(value)
    } catch {
      // A hostile value (a throwing getter, a proxy): say so rather than throw.
      return new NanoError('NANO_E_INTERNAL', 'Received an error that could not be read')
    }
  }
}

const PREVIEW_CHARS = 200

function rebuild(value: unknown): NanoError {
  const body = isRecord(value) && value.code === undefined && isRecord(value.error) ? value.error : value
  if (!isRecord(body) || typeof body.code !== 'string' || typeof body.message !== 'string') {
    return new NanoError('NANO_E_INTERNAL', `Received a malformed error: ${preview(value)}`)
  }
  const { code, message, issues } = body
  if (!Object.hasOwn(ERROR_STATUS, code)) {
    return new NanoError('NANO_E_INTERNAL', `Received an error with the unknown code ${preview(code)}: ${message}`)
  }
  if (issues !== undefined && !isIssueList(issues)) {
    return new NanoError('NANO_E_INTERNAL', `Received ${code} with malformed issues: ${preview(issues)}`)
  }
  return new NanoError(code as NanoErrorCode, message, issues === undefined ? {} : { issues: copyIssues(issues) })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isIssueList(value: unknown): value is readonly SchemaIssue[] {
  return (
    Array.isArray(value) &&
    value.every(
      (issue) =>
        isRecord(issue) &&
        typeof issue.message === 'string' &&
        Array.isArray(issue.path) &&
        issue.path.every((key) => typeof key === 'string' || typeof key === 'number'),
    )
  )
}

function copyIssues(issues: readonly SchemaIssue[]): readonly SchemaIssue[] {
  return issues.map((issue) => ({ path: [...issue.path], message: issue.message }))
}

/** A short, one-line rendering of a received value for an error message. */
function preview(value: unknown): string {
  let text: string
  try {
    text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value))
  } catch {
    text = Object.prototype.toString.call(value)
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} chars)` : text
}

/**
 * True when `value` is a {@link NanoError} (also one from another copy of nanoweb).
 *
 * @example
 * if (isNanoError(err) && err.code === 'NANO_E_TIMEOUT') retry()
 */
export function isNanoError(value: unknown): value is NanoError {
  return (
    value instanceof NanoError ||
    (value instanceof Error && value.name === 'NanoError' && typeof (value as { code?: unknown }).code === 'string')
  )
}

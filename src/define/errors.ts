/**
 * Every error nanoweb raises has a stable code and the HTTP status it maps to.
 * The table is the single source of truth for both.
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
  NANO_E_TOO_MANY_STREAMS: 429,
  NANO_E_INTERNAL: 500,
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

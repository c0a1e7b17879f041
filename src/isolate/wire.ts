import type { Duration } from '../define/duration.ts'
import { ERROR_STATUS, NanoError, type NanoErrorCode, type SchemaIssue } from '../define/errors.ts'
import type { SecurityPolicy } from '../define/policy.ts'
import type { JsonSchema } from '../define/schema.ts'
import type { CachePolicy, Visibility } from '../define/types.ts'
import type { FragmentDescription } from '../runtime/ports.ts'

/**
 * What crosses between the host and an isolate: strings only (JSON text), never references.
 * The host calls into the isolate with `run`, `resume` and `abort`; the isolate calls the host
 * through one callback, `host(kind, callId, requestId, a, b)`.
 *
 * @example
 * const kind: HostRequestKind = 'call'
 */
export type HostRequestKind = 'settle' | 'call' | 'fetch' | 'log' | 'publish' | 'timer' | 'clear'

/**
 * A service as its isolate describes it to the host once its file has run: the definition's
 * data, with input and output as JSON Schema.
 *
 * @example
 * const d: IsolateDescription = JSON.parse(adopt())
 */
export interface IsolateDescription {
  readonly kind: 'service' | 'fragment'
  readonly description: string | undefined
  readonly uses: readonly string[]
  readonly cache: CachePolicy | undefined
  readonly timeout: Duration | undefined
  readonly visibility: Visibility
  readonly idempotent: boolean
  /** `access` is left out when it is a function (it would have to run in the host). */
  readonly policy: SecurityPolicy
  readonly accessIsFunction: boolean
  readonly input: JsonSchema
  readonly output: JsonSchema
  readonly fragment: FragmentDescription | undefined
}

/**
 * A value as JSON text; `undefined` is the empty string.
 *
 * @example
 * encodeValue(undefined) // ''
 */
export function encodeValue(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value)
}

/**
 * The value of {@link encodeValue}'s text.
 *
 * @example
 * decodeValue('{"a":1}') // { a: 1 }
 */
export function decodeValue(text: string): unknown {
  return text === '' ? undefined : JSON.parse(text)
}

/**
 * An error as JSON text: name, message, and a NanoError's code, issues and service.
 *
 * @example
 * encodeError(new NanoError('NANO_E_NOT_FOUND', 'x')) // '{"name":"NanoError","message":"x","code":"NANO_E_NOT_FOUND"}'
 */
export function encodeError(error: unknown, withStack = true): string {
  try {
    const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<
      string,
      unknown
    >
    const issues = Array.isArray(e.issues) ? e.issues : undefined
    return JSON.stringify({
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : String(error),
      code: typeof e.code === 'string' ? e.code : undefined,
      issues,
      service: typeof e.service === 'string' ? e.service : undefined,
      stack: withStack && typeof e.stack === 'string' ? e.stack : undefined,
    })
  } catch {
    return JSON.stringify({ name: 'Error', message: 'an error that could not be read' })
  }
}

/**
 * The error {@link encodeError} wrote: a `NanoError` when it carries a known code, else an
 * `Error` with its name and message (and the stack it had where it was thrown).
 *
 * @example
 * throw decodeError(text)
 */
export function decodeError(text: string): Error {
  let wire: { name?: string; message?: string; code?: string; issues?: SchemaIssue[]; service?: string; stack?: string }
  try {
    wire = JSON.parse(text)
  } catch {
    return new Error('an error that could not be read')
  }
  const message = String(wire.message ?? '')
  if (typeof wire.code === 'string' && Object.hasOwn(ERROR_STATUS, wire.code)) {
    const rebuilt = NanoError.fromJSON({ code: wire.code, message, issues: wire.issues })
    return new NanoError(rebuilt.code as NanoErrorCode, rebuilt.message, {
      issues: rebuilt.issues,
      service: wire.service,
    })
  }
  const error = new Error(message)
  if (typeof wire.name === 'string' && wire.name !== 'Error') error.name = wire.name
  if (wire.stack !== undefined) error.stack = String(wire.stack)
  return error
}

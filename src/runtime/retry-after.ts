import type { NanoError } from '../define/errors.ts'

const retryAfter = new WeakMap<NanoError, number>()

/**
 * Marks an error with how long the caller should wait before trying again (milliseconds); the
 * HTTP gateway sends it as `Retry-After` in whole seconds. Returns the error.
 *
 * @example
 * throw withRetryAfter(new NanoError('NANO_E_OVERLOADED', 'busy'), 1000)
 */
export function withRetryAfter(error: NanoError, ms: number): NanoError {
  retryAfter.set(error, ms)
  return error
}

/**
 * How long to wait before retrying after `error`, in milliseconds, when whoever raised it said.
 *
 * @example
 * retryAfterOf(error) // 8000
 */
export function retryAfterOf(error: NanoError): number | undefined {
  return retryAfter.get(error)
}

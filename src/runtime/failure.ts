import { isNanoError, NanoError } from '../define/errors.ts'
import type { CallContext } from './context.ts'
import type { LogSink } from './logger.ts'

const PASS_THROUGH: ReadonlySet<string> = new Set(['NANO_E_ABORTED', 'NANO_E_UNAUTHENTICATED', 'NANO_E_FORBIDDEN'])

/**
 * Decides what a caller sees when service `name` throws `error`:
 * - a NanoError the service threw itself, or one that fits any caller (timeout, depth, abort,
 *   a failure further down, a refusal of the request's user: 401/403 of an `access` rule),
 *   passes through unchanged;
 * - a caller's mistake made by this service towards another (it sent bad input, called a
 *   missing or forbidden service) is this service's failure, `NANO_E_SERVICE_FAILED`;
 * - anything else is `NANO_E_SERVICE_FAILED` with the error kept as `cause` and logged here,
 *   so its message and stack never leave the process.
 *
 * @example
 * catch (error) { throw toServiceFailure('weather/current', error, ctx, sink) }
 */
export function toServiceFailure(name: string, error: unknown, ctx: CallContext, sink: LogSink): NanoError {
  if (isNanoError(error)) {
    const raisedBelow = error.service !== undefined && error.service !== name
    if (!raisedBelow || error.status >= 500 || PASS_THROUGH.has(error.code)) return error
  }
  sink({
    level: 'error',
    message: `service '${name}' failed`,
    time: Date.now(),
    ...ctx.logFields(),
    service: name,
    error,
  })
  return new NanoError('NANO_E_SERVICE_FAILED', `Service '${name}' failed (trace ${ctx.traceId})`, {
    cause: error,
    service: name,
  })
}

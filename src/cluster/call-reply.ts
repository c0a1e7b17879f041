import { isNanoError, NanoError } from '../define/errors.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify
/** `JSON.parse` as it was when nanoweb loaded: a service that replaces it changes no request. */
const fromJson = JSON.parse

/**
 * The body of a reply: `{ ok: value }`, or `{ error: { code, message, issues? }, service }` where
 * `service` names the service that raised the error (perhaps one the callee called in turn).
 *
 * @example
 * const reply: CallReply = { error: { code: 'NANO_E_TIMEOUT', message: 'late' }, service: 'geo/lookup' }
 */
export type CallReply = { readonly ok?: unknown } | { readonly error: unknown; readonly service: string }

/**
 * The JSON of a successful reply, or of an error reply when the value is not JSON-serialisable.
 *
 * @example
 * msg.respond(okReply({ city: 'Leeds' }, 'geo/lookup'))
 */
export function okReply(value: unknown, service: string): string {
  try {
    return toJson(value === undefined ? {} : { ok: value })
  } catch {
    return errorReply(new NanoError('NANO_E_INTERNAL', `The output of '${service}' is not JSON`), service)
  }
}

/**
 * The JSON of an error reply: a `NanoError` keeps its code, message, issues and service; any other
 * error becomes `NANO_E_INTERNAL` (its message stays on the node that raised it).
 *
 * @example
 * msg.respond(errorReply(error, 'geo/lookup'))
 */
export function errorReply(error: unknown, service: string): string {
  if (!isNanoError(error)) return toJson({ error: { code: 'NANO_E_INTERNAL', message: 'Internal error' }, service })
  return toJson({ error: error.toJSON(), service: error.service ?? service })
}

/**
 * The value of a reply, or throws the `NanoError` it carries (code, message, issues and the
 * raising service kept; a reply that is not one of ours is `NANO_E_INTERNAL`).
 *
 * @example
 * const value = readReply(msg.string(), 'geo/lookup')
 */
export function readReply(text: string, service: string): unknown {
  let body: unknown
  try {
    body = fromJson(text)
  } catch {
    throw new NanoError('NANO_E_INTERNAL', `The reply of '${service}' is not JSON`, { service })
  }
  if (typeof body !== 'object' || body === null) {
    throw new NanoError('NANO_E_INTERNAL', `Malformed reply from '${service}'`, { service })
  }
  const reply = body as Record<string, unknown>
  if (!('error' in reply)) return reply.ok
  const wire = NanoError.fromJSON(reply.error)
  const raiser = typeof reply.service === 'string' ? reply.service : service
  throw new NanoError(wire.code, wire.message, { issues: wire.issues, service: raiser })
}

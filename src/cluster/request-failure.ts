import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node'
import { NanoError } from '../define/errors.ts'

/**
 * True when NATS answered a request with "no responders": nobody subscribes to the subject.
 *
 * @example
 * if (isNoResponders(error)) directory.forget(name)
 */
export function isNoResponders(error: unknown): boolean {
  return (
    error instanceof NoRespondersError ||
    (error instanceof RequestError && error.isNoResponders()) ||
    (error instanceof Error && error.cause instanceof NoRespondersError)
  )
}

/**
 * The `NanoError` of a failed NATS request: no responders is `NANO_E_UNAVAILABLE`, a request that
 * outlived its timeout is `NANO_E_TIMEOUT`, anything else (a closed connection) is
 * `NANO_E_UNAVAILABLE` with the NATS error as its cause.
 *
 * @example
 * nc.request(subject, body, { timeout }).catch((error) => { throw requestFailure(error, 'geo/lookup', timeout) })
 */
export function requestFailure(error: unknown, service: string, timeoutMs: number): NanoError {
  if (isNoResponders(error)) {
    return new NanoError('NANO_E_UNAVAILABLE', `No node runs the service '${service}'`, { service, cause: error })
  }
  if (error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)) {
    return new NanoError('NANO_E_TIMEOUT', `'${service}' did not answer within ${timeoutMs} ms`, {
      service,
      cause: error,
    })
  }
  const message = error instanceof Error ? error.message : String(error)
  return new NanoError('NANO_E_UNAVAILABLE', `Could not reach '${service}' over NATS: ${message}`, {
    service,
    cause: error,
  })
}

/**
 * `promise`, or the signal's reason as soon as the signal aborts (the NATS request itself ends at
 * its own timeout: nats.js has no way to cancel one).
 *
 * @example
 * await abortable(nc.request(subject, body, { timeout }), signal)
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

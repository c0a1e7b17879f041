import { NanoError } from '../define/errors.ts'
import type { CallOrigin } from './context.ts'
import { newTraceId } from './context.ts'
import { type Deadline, deadlineFor } from './deadline.ts'
import { notFound } from './not-found.ts'
import type { Observer } from './observer.ts'
import type { CallDescriptor, Clock, InvokeOptions, Transport } from './ports.ts'

/**
 * What a runtime needs to call services it does not run: the transport (if any), the clock, and
 * the observer whose `current()` span (a tracer's) becomes the parent of the call on the other node.
 *
 * @example
 * const remote: RemoteCalls = { transport: undefined, clock: systemClock, observer: undefined }
 */
export interface RemoteCalls {
  readonly transport: Transport | undefined
  readonly clock: Clock
  readonly observer?: Observer | undefined
}

/**
 * One call to a service this process does not run.
 *
 * @example
 * const call: RemoteCall = { name: 'sport/score', input: { match: 'r7' }, origin: ctx, options: undefined }
 */
export interface RemoteCall {
  readonly name: string
  readonly input: unknown
  readonly origin: CallOrigin | undefined
  readonly options: InvokeOptions | undefined
}

const NO_REQUEST = Object.freeze({})

/**
 * Sends a call over the transport as a {@link CallDescriptor}, within the caller's deadline. When
 * the observer names a current span, the descriptor carries its trace id and span id (the callee's
 * span continues it).
 * Without a transport, or when no node runs the service, the call fails at once:
 * `NANO_E_NOT_FOUND` for a name nobody defined here and no transport, `NANO_E_UNAVAILABLE` when a
 * transport is set but no node runs it.
 *
 * @example
 * await callRemote(remote, { name: 'sport/score', input, origin: ctx, options: undefined })
 */
export function callRemote(remote: RemoteCalls, call: RemoteCall): Promise<unknown> {
  const { name, origin, options } = call
  const transport = remote.transport
  if (transport === undefined) {
    return Promise.reject(notFound(name))
  }
  if (!transport.has(name)) {
    return Promise.reject(new NanoError('NANO_E_UNAVAILABLE', `No node runs the service '${name}'`, { service: name }))
  }
  const inherited = origin?.deadlineRef ?? (options?.within as Deadline | undefined)
  const deadline = deadlineFor({ name, timeoutMs: undefined }, inherited, options, remote.clock)
  const span = remote.observer?.current?.()
  const descriptor: CallDescriptor = {
    service: name,
    version: undefined,
    depth: (origin?.depth ?? 0) + 1,
    deadline: deadline === undefined || !Number.isFinite(deadline.at) ? null : deadline.at,
    traceId: span?.traceId ?? origin?.traceId ?? options?.traceId ?? newTraceId(),
    caller: origin?.service ?? options?.caller,
    request: origin?.request ?? options?.request ?? NO_REQUEST,
    parentSpanId: span?.spanId,
  }
  const sent = transport.call(descriptor, call.input, deadline?.signal)
  if (deadline === undefined) return sent
  const expired = deadline.expired()
  return Promise.race([sent, expired]).finally(() => {
    if (deadline !== inherited) deadline.dispose()
  })
}

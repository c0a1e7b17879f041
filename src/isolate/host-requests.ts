import { isNanoError } from '../define/errors.ts'
import type { CallOptions } from '../define/types.ts'
import type { CallState } from './call-state.ts'
import { bridgedFetch, FetchRefused } from './fetch-bridge.ts'
import { decodeValue, encodeError, encodeValue } from './wire.ts'

/**
 * How a host request's answer goes back into the isolate: `ok` and JSON text (a value, or an error).
 *
 * @example
 * const answer: Answer = (state, requestId, ok, text) => isolate.resume(state, requestId, ok, text)
 */
export type Answer = (state: CallState, requestId: number, ok: boolean, text: string) => void

const LEVELS = new Set(['debug', 'info', 'warn', 'error'])

/**
 * Does what a call in an isolate asked of the host: `ctx.call` (through the host's `ctx.call`,
 * so `uses` and depth are checked as for any service), `fetch` (allow list checked), `ctx.log`,
 * `ctx.publish`, and timers. Work that could re-enter an isolate is started on a later
 * microtask, never inside the isolate's own turn. Never throws.
 *
 * @example
 * handleHostRequest({ kind: 'call', state, requestId: 4, a: 'geo/lookup', b: '{"input":{}}' }, { allow: [], answer })
 */
export function handleHostRequest(
  request: {
    readonly kind: string
    readonly state: CallState
    readonly requestId: number
    readonly a: string
    readonly b: string
  },
  host: { readonly allow: readonly string[]; readonly answer: Answer },
): void {
  const { kind, state, requestId, a, b } = request
  const ctx = state.ctx
  const reply = (work: () => Promise<string>): void => {
    Promise.resolve()
      .then(work)
      .then(
        (text) => host.answer(state, requestId, true, text),
        (error: unknown) => host.answer(state, requestId, false, errorForIsolate(error)),
      )
  }
  try {
    if (kind === 'call') {
      const { input, options } = JSON.parse(b) as {
        input: unknown
        options?: { timeout?: unknown; deadline?: unknown }
      }
      const callOptions = { timeout: options?.timeout, deadline: options?.deadline } as CallOptions
      reply(() => ctx.call(a, input as never, callOptions).then(encodeValue))
    } else if (kind === 'fetch') {
      reply(() => bridgedFetch(a, b, { allow: host.allow, service: ctx.service, signal: ctx.signal }))
    } else if (kind === 'log' && LEVELS.has(a)) {
      const { message, fields } = JSON.parse(b) as { message: string; fields?: Record<string, unknown> }
      ctx.log[a as 'info'](String(message), typeof fields === 'object' && fields !== null ? fields : undefined)
    } else if (kind === 'publish') {
      const data = decodeValue(b)
      queueMicrotask(() => ctx.publish(a, data))
    } else if (kind === 'timer') {
      const ms = Math.min(Math.max(0, Number(a) || 0), 2 ** 31 - 1)
      state.addTimer(
        requestId,
        setTimeout(() => host.answer(state, requestId, true, ''), ms),
      )
    } else if (kind === 'clear') {
      state.clearTimer(requestId)
    }
  } catch (error) {
    reply(() => Promise.reject(error))
  }
}

function errorForIsolate(error: unknown): string {
  if (isNanoError(error) || error instanceof FetchRefused) return encodeError(error, false)
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
    return encodeError(
      { name: 'TypeError', message: `fetch failed (${String(cause?.code ?? cause?.message ?? 'network error')})` },
      false,
    )
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
    return encodeError({ name: error.name, message: 'the request was aborted' }, false)
  return encodeError({ name: 'Error', message: 'the host could not complete the request' }, false)
}

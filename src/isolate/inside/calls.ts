import type { HostRequestKind } from '../wire.ts'
import type { IsolateSignal } from './signal.ts'

/**
 * The host's one callback, as the isolate sees it (an `ivm.Callback`: arguments are copied).
 *
 * @example
 * host('log', 3, 0, 'info', '{"message":"hi"}')
 */
export type HostCallback = (kind: HostRequestKind, callId: number, requestId: number, a?: string, b?: string) => void

/**
 * One call running in the isolate: its signal and the host requests it waits for.
 *
 * @example
 * const call: IsolateCall = { id: 1, signal: new IsolateSignal(), pending: new Map() }
 */
export interface IsolateCall {
  readonly id: number
  readonly signal: IsolateSignal
  readonly pending: Map<number, { resolve(text: string): void; reject(error: unknown): void }>
}

let host: HostCallback = () => {}
let current: IsolateCall | undefined
let nextRequest = 0

/**
 * The calls running in this isolate, by id.
 *
 * @example
 * calls.get(3)?.signal.aborted
 */
export const calls = new Map<number, IsolateCall>()

/**
 * Sets the host's callback (once, when the isolate is installed).
 *
 * @example
 * connectHost(callback)
 */
export function connectHost(callback: HostCallback): void {
  host = callback
}

/**
 * Sends a message to the host for `call`.
 *
 * @example
 * tellHost('settle', call, 0, '1', '{"ok":true}')
 */
export function tellHost(kind: HostRequestKind, call: IsolateCall, requestId: number, a: string, b = ''): void {
  host(kind, call.id, requestId, a, b)
}

/**
 * Makes `call` the current one: the code the host's turn runs, microtasks included (they run
 * before the turn ends), belongs to it.
 *
 * @example
 * enter(call)
 */
export function enter(call: IsolateCall): void {
  current = call
}

/**
 * The call whose code is running now: the one the host's current turn runs or resumes.
 *
 * @example
 * request(currentCall(), 'fetch', url, init)
 */
export function currentCall(): IsolateCall | undefined {
  return current
}

/**
 * Sends a request to the host for `call` and waits for the host's answer (JSON text).
 *
 * @example
 * const text = await request(call, 'call', 'geo/lookup', '{"input":{}}')
 */
export function request(call: IsolateCall | undefined, kind: HostRequestKind, a: string, b: string): Promise<string> {
  if (call === undefined || !calls.has(call.id))
    return Promise.reject(new Error(`${kind} is only available while the service is handling a call`))
  if (call.signal.aborted) return Promise.reject(call.signal.reason)
  const id = ++nextRequest
  const answer = new Promise<string>((resolve, reject) => call.pending.set(id, { resolve, reject }))
  host(kind, call.id, id, a, b)
  return answer
}

/**
 * Tells the host something without waiting for an answer (a log record, a timer).
 *
 * @example
 * notify(call, 'log', 0, 'info', '{"message":"hi"}')
 */
export function notify(call: IsolateCall, kind: HostRequestKind, requestId: number, a: string, b = ''): void {
  if (calls.has(call.id)) host(kind, call.id, requestId, a, b)
}

/**
 * A fresh request id (for timers, which the host answers like any request).
 *
 * @example
 * const id = newRequestId()
 */
export function newRequestId(): number {
  return ++nextRequest
}

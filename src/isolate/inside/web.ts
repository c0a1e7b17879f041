import { encodeValue } from '../wire.ts'
import { currentCall, type IsolateCall, newRequestId, notify, request } from './calls.ts'

interface WireResponse {
  readonly status: number
  readonly statusText: string
  readonly url: string
  readonly headers: readonly (readonly [string, string])[]
  readonly body: string
}

/**
 * A fetch response inside an isolate, made from the host's copy: status, headers, and the body
 * as text (`text()`, `json()`).
 *
 * @example
 * const res = await fetch('http://127.0.0.1:8080/x'); if (res.ok) await res.json()
 */
export class IsolateResponse {
  readonly status: number
  readonly statusText: string
  readonly ok: boolean
  readonly url: string
  readonly redirected = false
  readonly headers: { get(name: string): string | null; has(name: string): boolean; entries(): [string, string][] }
  readonly #body: string

  constructor(wire: WireResponse) {
    this.status = wire.status
    this.statusText = wire.statusText
    this.ok = wire.status >= 200 && wire.status < 300
    this.url = wire.url
    this.#body = wire.body
    const map = new Map(wire.headers.map(([k, v]) => [k.toLowerCase(), v]))
    this.headers = Object.freeze({
      get: (name: string) => map.get(String(name).toLowerCase()) ?? null,
      has: (name: string) => map.has(String(name).toLowerCase()),
      entries: () => [...map.entries()],
    })
  }

  text(): Promise<string> {
    return Promise.resolve(this.#body)
  }

  json(): Promise<unknown> {
    return Promise.resolve().then(() => JSON.parse(this.#body))
  }
}

function isolateFetch(
  input: unknown,
  init?: { method?: string; headers?: unknown; body?: unknown },
): Promise<IsolateResponse> {
  const url = typeof input === 'object' && input !== null && 'url' in input ? String(input.url) : String(input)
  const headers =
    init?.headers === undefined
      ? undefined
      : Object.entries(init.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)])
  const body = init?.body === undefined || init.body === null ? undefined : String(init.body)
  const wire = encodeValue({ method: init?.method, headers, body })
  return request(currentCall(), 'fetch', url, wire).then((text) => new IsolateResponse(JSON.parse(text)))
}

const timers = new Map<number, IsolateCall>()

function setTimer(callback: unknown, ms?: unknown, ...args: unknown[]): number {
  const call = currentCall()
  if (typeof callback !== 'function') throw new TypeError('setTimeout needs a function')
  if (call === undefined) throw new Error('setTimeout is only available while the service is handling a call')
  const id = newRequestId()
  timers.set(id, call)
  call.pending.set(id, {
    resolve: () => {
      timers.delete(id)
      callback(...args)
    },
    reject: () => timers.delete(id),
  })
  notify(call, 'timer', id, String(Math.max(0, Number(ms) || 0)))
  return id
}

function clearTimer(id: unknown): void {
  const call = timers.get(Number(id))
  if (call === undefined) return
  timers.delete(Number(id))
  call.pending.delete(Number(id))
  notify(call, 'clear', Number(id), '')
}

/**
 * Adds `fetch` (performed by the host, to allowed hosts only), `setTimeout` and `clearTimeout`
 * (cancelled when the call that set them ends) to the isolate's globals.
 *
 * @example
 * installWebGlobals()
 */
export function installWebGlobals(): void {
  const g = globalThis as Record<string, unknown>
  g.fetch = isolateFetch
  g.setTimeout = setTimer
  g.clearTimeout = clearTimer
  g.Response = IsolateResponse
}

import { NanoError } from '../../define/errors.ts'
import { toIssues } from '../../define/schema.ts'
import { isServiceDefinition, type ServiceDefinition } from '../../define/service.ts'
import type { Context } from '../../define/types.ts'
import { decodeError, decodeValue, encodeError, encodeValue, type HostRequestKind } from '../wire.ts'
import { describeDefinition } from './describe.ts'
import { IsolateSignal } from './signal.ts'
import { installWebGlobals } from './web.ts'

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

interface CallFacts {
  readonly traceId: string
  readonly caller: string | undefined
  readonly service: string
  readonly deadline: number | null
  readonly request: Record<string, unknown>
}

let host: HostCallback = () => {}
let definition: ServiceDefinition | undefined
let current: IsolateCall | undefined
let nextRequest = 0
const calls = new Map<number, IsolateCall>()

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
 * The call whose code is running now: the one the host's current turn runs or resumes.
 *
 * @example
 * fetchFor(currentCall())
 */
export function currentCall(): IsolateCall | undefined {
  return current
}

/**
 * Tells the host something without waiting for an answer (a log record, a timer).
 *
 * @example
 * notify(call, 'log', 'info', '{"message":"hi"}')
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

function makeContext(call: IsolateCall, facts: CallFacts): Context<string> {
  const log = (level: string) => (message: unknown, fields?: unknown) =>
    notify(call, 'log', 0, level, encodeValue({ message: String(message), fields }))
  return Object.freeze({
    call: ((name: string, input: unknown, options?: { timeout?: unknown; deadline?: unknown }) =>
      request(
        call,
        'call',
        String(name),
        encodeValue({ input, options: { timeout: options?.timeout, deadline: options?.deadline } }),
      ).then(decodeValue)) as Context<string>['call'],
    signal: call.signal as unknown as AbortSignal,
    deadline: facts.deadline ?? Number.POSITIVE_INFINITY,
    traceId: facts.traceId,
    caller: facts.caller,
    service: facts.service,
    request: facts.request,
    log: Object.freeze({ debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }),
    publish: (topic: string, data?: unknown) => notify(call, 'publish', 0, String(topic), encodeValue(data)),
  })
}

async function execute(def: ServiceDefinition, input: unknown, ctx: Context<string>): Promise<unknown> {
  const checkedIn = await def.input['~standard'].validate(input)
  if (checkedIn.issues !== undefined) throw invalid('NANO_E_INVALID_INPUT', 'Invalid input for', ctx, checkedIn.issues)
  const output = await def.run(checkedIn.value, ctx)
  const checkedOut = await def.output['~standard'].validate(output)
  if (checkedOut.issues !== undefined)
    throw invalid('NANO_E_INVALID_OUTPUT', 'Invalid output from', ctx, checkedOut.issues)
  return checkedOut.value
}

function invalid(
  code: 'NANO_E_INVALID_INPUT' | 'NANO_E_INVALID_OUTPUT',
  what: string,
  ctx: Context<string>,
  raw: Parameters<typeof toIssues>[0],
): NanoError {
  const issues = toIssues(raw)
  const first = issues[0]
  const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `
  const detail = first === undefined ? '' : `: ${where}${first.message}`
  return new NanoError(code, `${what} '${ctx.service}'${detail}`, { issues, service: ctx.service })
}

function settle(call: IsolateCall, ok: boolean, text: string): void {
  if (!calls.delete(call.id)) return
  call.pending.clear()
  host('settle', call.id, 0, ok ? '1' : '0', text)
}

/** Runs `work` as a turn of `call`: the code it runs, microtasks included (they run before the host's turn ends), belongs to `call`. */
function enter<T>(call: IsolateCall, work: () => T): T {
  current = call
  return work()
}

const entry = Object.freeze({
  adopt(): string {
    const service = (globalThis as { __nanoService?: { default?: unknown } }).__nanoService
    delete (globalThis as { __nanoService?: unknown }).__nanoService
    if (!isServiceDefinition(service?.default))
      throw new Error('it must end with: export default service({ input, output, run }) (or fragment({ … }))')
    definition = service.default
    return JSON.stringify(describeDefinition(definition))
  },
  run(id: number, inputText: string, factsText: string): void {
    const call: IsolateCall = { id, signal: new IsolateSignal(), pending: new Map() }
    calls.set(id, call)
    enter(call, () => {
      try {
        const ctx = makeContext(call, JSON.parse(factsText) as CallFacts)
        execute(definition as ServiceDefinition, decodeValue(inputText), ctx).then(
          (value) => settle(call, true, encodeValue(value)),
          (error: unknown) => settle(call, false, encodeError(error)),
        )
      } catch (error) {
        settle(call, false, encodeError(error))
      }
    })
  },
  resume(id: number, requestId: number, ok: boolean, text: string): void {
    const call = calls.get(id)
    const waiting = call?.pending.get(requestId)
    if (call === undefined || waiting === undefined) return
    call.pending.delete(requestId)
    enter(call, () => (ok ? waiting.resolve(text) : waiting.reject(decodeError(text))))
  },
  abort(id: number, reasonText: string): void {
    const call = calls.get(id)
    if (call === undefined) return
    calls.delete(id)
    const reason = decodeError(reasonText)
    enter(call, () => {
      call.signal.abort(reason)
      for (const waiting of call.pending.values()) waiting.reject(reason)
      call.pending.clear()
    })
  },
})

/**
 * Prepares the base of every isolate (it may be snapshotted, so it leaves V8's own globals
 * alone): shares `@nanoweb/core` and zod, and defines `__nanoInstall`, which runs once in each
 * isolate before the service's code: it takes the host's callback, adds the web globals a
 * service may use (`fetch`, `setTimeout`, `clearTimeout`), removes those it may not
 * (`SharedArrayBuffer`, `Atomics`, `WebAssembly`), and hands the host the entry points.
 *
 * @example
 * globalThis.__nanoInstall(hostCallback) // returns the entry points: adopt, run, resume, abort
 */
export function installRunner(shared: Record<string, unknown>): void {
  const g = globalThis as Record<string, unknown>
  g.__nanoShared = Object.freeze(shared)
  g.__nanoInstall = (callback: HostCallback) => {
    delete g.__nanoInstall
    for (const name of ['SharedArrayBuffer', 'Atomics', 'WebAssembly']) delete g[name]
    host = callback
    installWebGlobals()
    return entry
  }
}

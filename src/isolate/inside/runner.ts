import { isServiceDefinition, type ServiceDefinition } from '../../define/service.ts'
import { decodeError, decodeValue, encodeError, encodeValue } from '../wire.ts'
import { calls, connectHost, enter, type HostCallback, type IsolateCall, tellHost } from './calls.ts'
import { type CallFacts, IsolateContext } from './context.ts'
import { describeDefinition } from './describe.ts'
import { execute, isThenable } from './execute.ts'
import { IsolateSignal } from './signal.ts'
import { installWebGlobals } from './web.ts'

let definition: ServiceDefinition | undefined

function settle(call: IsolateCall, ok: boolean, text: string): void {
  if (!calls.delete(call.id)) return
  call.pending.clear()
  tellHost('settle', call, 0, ok ? '1' : '0', text)
}

/**
 * What the host calls in an isolate. `run` answers `'1'` + output or `'0'` + error (JSON) when
 * the call finished within the turn, else `''` and the answer comes later through the host's
 * callback (`settle`).
 */
const entry = Object.freeze({
  adopt(describe: boolean): string {
    const service = (globalThis as { __nanoService?: { default?: unknown } }).__nanoService
    delete (globalThis as { __nanoService?: unknown }).__nanoService
    if (!isServiceDefinition(service?.default))
      throw new Error('it must end with: export default service({ input, output, run }) (or fragment({ … }))')
    definition = service.default
    return describe ? JSON.stringify(describeDefinition(definition)) : ''
  },
  run(id: number, inputText: string, factsText: string): string {
    const call: IsolateCall = { id, signal: new IsolateSignal(), pending: new Map() }
    calls.set(id, call)
    enter(call)
    let out: unknown
    try {
      const ctx = new IsolateContext(call, JSON.parse(factsText) as CallFacts)
      out = execute(definition as ServiceDefinition, decodeValue(inputText), ctx)
    } catch (error) {
      calls.delete(id)
      return `0${encodeError(error)}`
    }
    if (!isThenable(out)) {
      calls.delete(id)
      return `1${encodeValue(out)}`
    }
    out.then(
      (value) => settle(call, true, encodeValue(value)),
      (error: unknown) => settle(call, false, encodeError(error)),
    )
    return ''
  },
  resume(id: number, requestId: number, ok: boolean, text: string): void {
    const call = calls.get(id)
    const waiting = call?.pending.get(requestId)
    if (call === undefined || waiting === undefined) return
    call.pending.delete(requestId)
    enter(call)
    if (ok) waiting.resolve(text)
    else waiting.reject(decodeError(text))
  },
  abort(id: number, reasonText: string): void {
    const call = calls.get(id)
    if (call === undefined) return
    const reason = decodeError(reasonText)
    enter(call)
    call.signal.abort(reason)
    for (const waiting of call.pending.values()) waiting.reject(reason)
    call.pending.clear()
    calls.delete(id)
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
 * installRunner({ core, zod }) // then, per isolate: globalThis.__nanoInstall(hostCallback)
 */
export function installRunner(shared: Record<string, unknown>): void {
  const g = globalThis as Record<string, unknown>
  g.__nanoShared = Object.freeze(shared)
  g.__nanoInstall = (callback: HostCallback) => {
    delete g.__nanoInstall
    for (const name of ['SharedArrayBuffer', 'Atomics', 'WebAssembly']) delete g[name]
    connectHost(callback)
    installWebGlobals()
    return entry
  }
}

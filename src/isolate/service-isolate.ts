import ivm from 'isolated-vm'
import { isNanoError, NanoError } from '../define/errors.ts'
import type { Limits } from '../define/policy.ts'
import type { Context } from '../define/types.ts'
import { CallState } from './call-state.ts'
import { type Answer, handleHostRequest } from './host-requests.ts'
import { limitError, type ResolvedLimits, resolveLimits } from './limits.ts'
import { decodeError, decodeValue, encodeError, encodeValue, type IsolateDescription } from './wire.ts'

/**
 * The code every isolate of an app starts from: the base script, and a V8 snapshot of it when
 * one could be made (an isolate then starts with the base already evaluated).
 *
 * @example
 * const base: IsolateBase = { code, snapshot: ivm.Isolate.createSnapshot([{ code }]) }
 */
export interface IsolateBase {
  readonly code: string
  readonly snapshot: ivm.ExternalCopy<ArrayBuffer> | undefined
}

interface Live {
  readonly iso: ivm.Isolate
  readonly run: ivm.Reference
  readonly resume: ivm.Reference
  readonly abort: ivm.Reference
  readonly description: string
}

/** Time a service file's top level may take to run when its isolate is made. */
const LOAD_TIMEOUT_MS = 2000

/**
 * One untrusted service and its V8 isolate. The isolate is made on demand (and again after it
 * was disposed: over a limit, idle, or closed); all its code runs on this thread inside
 * `applySync` calls whose CPU time is counted per call, so a call over its `cpu` limit or an
 * isolate over its `memory` limit ends that call with `NANO_E_LIMIT` and the isolate is
 * disposed, while the host and other services carry on.
 *
 * @example
 * const svc = new ServiceIsolate({ name: 'plugins/x', file: 'services/plugins/x.ts', code, base, appLimits: {} })
 * const description = svc.start()
 * await svc.call({ n: 1 }, ctx)
 */
export class ServiceIsolate {
  readonly name: string
  lastUsed = 0
  retired = false
  readonly #file: string
  readonly #code: string
  readonly #base: IsolateBase
  readonly #appLimits: Limits | undefined
  #limits: ResolvedLimits
  #live: Live | undefined
  readonly #calls = new Map<number, CallState>()
  #seq = 0

  constructor(options: {
    readonly name: string
    readonly file: string
    readonly code: string
    readonly base: IsolateBase
    readonly appLimits: Limits | undefined
  }) {
    this.name = options.name
    this.#file = options.file
    this.#code = options.code
    this.#base = options.base
    this.#appLimits = options.appLimits
    this.#limits = resolveLimits(undefined, options.appLimits)
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.#calls.size
  }

  /** True while the isolate exists. */
  get alive(): boolean {
    return this.#live !== undefined
  }

  /** Makes the isolate, runs the service file in it and returns what it defines; adopts its own limits and allow list. */
  start(): IsolateDescription {
    const live = this.#create()
    this.#live = live
    const described = JSON.parse(live.description) as IsolateDescription
    this.#limits = resolveLimits(described.policy.limits, this.#appLimits)
    this.#requests = { allow: described.policy.allow?.fetch ?? [], answer: this.#answer }
    if (this.#limits.memoryMb !== resolveLimits(undefined, this.#appLimits).memoryMb) this.dispose()
    return described
  }

  /** Runs one call in the isolate: the output at once when the isolate finished it in its first turn, else a promise. */
  call(input: unknown, ctx: Context<string>): unknown {
    this.#live ??= this.#create()
    const live = this.#live
    const state = new CallState(++this.#seq, ctx, this.#abort)
    this.#calls.set(state.id, state)
    this.lastUsed = Date.now()
    const deadline = ctx.deadline
    const facts = JSON.stringify({
      traceId: ctx.traceId,
      caller: ctx.caller,
      service: ctx.service,
      deadline: Number.isFinite(deadline) ? deadline : null,
      request: ctx.request,
    })
    this.#enter(state, (timeout) => live.run.applySync(undefined, [state.id, encodeValue(input), facts], { timeout }))
    return state.outcome()
  }

  /** Disposes the isolate (calls still running end with `NANO_E_CLOSED`); the next call makes a new one. */
  dispose(): void {
    const live = this.#live
    this.#live = undefined
    if (live !== undefined && !live.iso.isDisposed) live.iso.dispose()
    this.#endAll(() => new NanoError('NANO_E_CLOSED', `The isolate of '${this.name}' was closed`, { service: this.name }))
  }

  #create(): Live {
    const iso = new ivm.Isolate({ memoryLimit: this.#limits.memoryMb, snapshot: this.#base.snapshot })
    try {
      const context = iso.createContextSync()
      if (this.#base.snapshot === undefined) iso.compileScriptSync(this.#base.code).runSync(context)
      const install = context.global.getSync('__nanoInstall', { reference: true }) as ivm.Reference
      const entry = install.applySync(undefined, [new ivm.Callback(this.#onHost)], {
        result: { reference: true },
      }) as ivm.Reference<Record<string, unknown>>
      const get = (name: string): ivm.Reference => entry.getSync(name as never, { reference: true }) as ivm.Reference
      const script = iso.compileScriptSync(this.#code, { filename: `file:///${this.#file}` })
      script.runSync(context, { timeout: LOAD_TIMEOUT_MS })
      const description = get('adopt').applySync(undefined, [], { timeout: LOAD_TIMEOUT_MS }) as string
      return { iso, run: get('run'), resume: get('resume'), abort: get('abort'), description }
    } catch (error) {
      const reason = iso.isDisposed ? `its isolate went over ${this.#limits.memoryText} of memory` : errorText(error)
      if (!iso.isDisposed) iso.dispose()
      throw new NanoError('NANO_E_BAD_DEFINITION', `${this.#file}: ${reason}`, { cause: error })
    }
  }

  /** Runs one turn of `state`'s call in the isolate, counting its CPU time against the limit. */
  #enter(state: CallState, turn: (timeoutMs: number) => unknown): void {
    const live = this.#live
    if (live === undefined) return
    const before = live.iso.cpuTime
    let failure: unknown
    try {
      turn(Math.max(1, Math.ceil(this.#limits.cpuMs - state.cpuMs)))
    } catch (error) {
      failure = error ?? new Error('the isolate failed')
    }
    if (live.iso.isDisposed) return this.#kill('memory', state)
    state.cpuMs += Number(live.iso.cpuTime - before) / 1e6
    if (failure !== undefined && isTimeout(failure)) return this.#kill('cpu', state)
    if (!state.done && state.cpuMs > this.#limits.cpuMs) return this.#kill('cpu', state)
    if (failure !== undefined) this.#finish(state, false, failure)
  }

  readonly #onHost = (kind: string, callId: number, requestId: number, a = '', b = ''): void => {
    const state = this.#calls.get(callId)
    if (state === undefined) return
    if (kind !== 'settle') return handleHostRequest({ kind, state, requestId, a, b }, this.#requests)
    if (a === '1') this.#finish(state, true, safeDecode(b))
    else this.#finish(state, false, this.#asHostError(decodeError(b)))
  }

  readonly #answer = (state: CallState, requestId: number, ok: boolean, text: string): void => {
    const live = this.#live
    if (live === undefined || !this.#calls.has(state.id)) return
    this.#enter(state, (timeout) => live.resume.applySync(undefined, [state.id, requestId, ok, text], { timeout }))
  }

  #requests: { readonly allow: readonly string[]; readonly answer: Answer } = { allow: [], answer: this.#answer }

  readonly #abort = (state: CallState): void => {
    const live = this.#live
    if (live === undefined || !this.#calls.has(state.id)) return
    const reason = state.ctx.signal.reason
    const text = encodeError(isNanoError(reason) ? reason : new NanoError('NANO_E_ABORTED', 'The call was aborted'), false)
    this.#enter(state, (timeout) => live.abort.applySync(undefined, [state.id, text], { timeout }))
    this.#finish(state, false, reason)
  }

  #finish(state: CallState, ok: boolean, result: unknown): void {
    this.#calls.delete(state.id)
    if (this.#calls.size === 0) this.lastUsed = Date.now()
    state.settle(ok, result)
  }

  #kill(which: 'cpu' | 'memory', culprit: CallState): void {
    const live = this.#live
    this.#live = undefined
    if (live !== undefined && !live.iso.isDisposed) live.iso.dispose()
    culprit.settle(false, limitError(this.name, which, this.#limits, true))
    this.#calls.delete(culprit.id)
    this.#endAll(() => limitError(this.name, which, this.#limits, false))
  }

  #endAll(error: () => NanoError): void {
    const states = [...this.#calls.values()]
    this.#calls.clear()
    for (const state of states) state.settle(false, error())
  }

  #asHostError(error: Error): Error {
    if (!isNanoError(error) && /Array buffer allocation failed/.test(error.message))
      return limitError(this.name, 'memory', this.#limits, true)
    return error
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /execution timed out/i.test(error.message)
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function safeDecode(text: string): unknown {
  try {
    return decodeValue(text)
  } catch {
    return undefined
  }
}

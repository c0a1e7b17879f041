import { isNanoError, NanoError } from '../define/errors.ts'
import type { Limits } from '../define/policy.ts'
import type { Context } from '../define/types.ts'
import { CallState } from './call-state.ts'
import { type Answer, handleHostRequest } from './host-requests.ts'
import {
  createIsolateAsync,
  createIsolateSync,
  type IsolateBase,
  type IsolateSpec,
  type LiveIsolate,
} from './isolate-instance.ts'
import { limitError, type ResolvedLimits, resolveLimits } from './limits.ts'
import type { SpareIsolates } from './spare-isolates.ts'
import { decodeError, decodeValue, encodeError, encodeValue, type IsolateDescription } from './wire.ts'

type Entry = 'run' | 'resume' | 'abort'

/**
 * A turn is stopped after this many times the CPU time its call has left, plus the slack, of
 * wall-clock time: isolated-vm can only stop code by a wall-clock timeout, and on a busy machine
 * a thread gets less than a core. The limit itself is judged on the isolate's CPU time (the
 * thread's CPU clock on Linux), so waiting for a core never counts against a call.
 */
const WALL_FACTOR = 2
const WALL_SLACK_MS = 50
/** How long a service that went over a limit runs off the host thread. */
const OFFENDER_MS = 10 * 60_000
/** A service whose turns could hold the host thread longer than this runs off it from the start. */
const MAX_SYNC_STOP_MS = 250

function wallStop(cpuMsLeft: number): number {
  return Math.ceil(WALL_FACTOR * Math.max(1, cpuMsLeft) + WALL_SLACK_MS)
}

/**
 * One untrusted service and its V8 isolate, made on demand (and again after it was disposed:
 * over a limit, idle, or closed). Its code runs in turns (a call's start, each answer from the
 * host, an abort) whose CPU time is counted per call: a call over its `cpu` limit, or an isolate
 * over its `memory` limit, ends with `NANO_E_LIMIT` and the isolate is disposed, while the host
 * and other services carry on. Turns run on this thread (`applySync`: a call costs a few µs)
 * until the service goes over a limit; for ten minutes after that its isolates run on their own
 * thread, so a repeat offender cannot hold up the host. A service whose `cpu` limit would let a
 * turn hold the host thread more than 250 ms runs on its own thread from the start.
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
  readonly #spares: SpareIsolates | undefined
  #limits: ResolvedLimits
  #live: LiveIsolate | undefined
  #creating: Promise<LiveIsolate> | undefined
  /** Its cpu limit is too large for turns on the host thread. */
  #offThread = false
  /** Until when it runs off the host thread for having gone over a limit. */
  #offenderUntil = 0
  #generation = 0
  readonly #calls = new Map<number, CallState>()
  #seq = 0

  constructor(options: {
    readonly name: string
    readonly file: string
    readonly code: string
    readonly base: IsolateBase
    readonly appLimits: Limits | undefined
    readonly spares?: SpareIsolates
  }) {
    this.name = options.name
    this.#file = options.file
    this.#code = options.code
    this.#base = options.base
    this.#appLimits = options.appLimits
    this.#spares = options.spares
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
    const live = this.#createSync(true)
    this.#live = live
    const described = JSON.parse(live.description) as IsolateDescription
    const loadedWith = this.#limits.memoryMb
    this.#limits = resolveLimits(described.policy.limits, this.#appLimits)
    this.#requests = { allow: described.policy.allow?.fetch ?? [], answer: this.#answer }
    this.#offThread = wallStop(this.#limits.cpuMs) > MAX_SYNC_STOP_MS
    if (this.#limits.memoryMb !== loadedWith || this.#offThread) this.dispose()
    return described
  }

  /** Runs one call in the isolate: the output at once when the isolate finished it in its first turn, else a promise. */
  call(input: unknown, ctx: Context<string>): unknown {
    if (this.#live === undefined && (this.#offThread || Date.now() < this.#offenderUntil))
      return this.#made().then(() => this.#start(input, ctx))
    this.#live ??= this.#createSync(false)
    return this.#start(input, ctx)
  }

  /** Disposes the isolate (calls still running end with `NANO_E_CLOSED`); the next call makes a new one. */
  dispose(): void {
    this.#generation++
    this.#creating = undefined
    const live = this.#live
    this.#live = undefined
    if (live !== undefined && !live.iso.isDisposed) live.iso.dispose()
    this.#endAll(
      () => new NanoError('NANO_E_CLOSED', `The isolate of '${this.name}' was closed`, { service: this.name }),
    )
  }

  #createSync(describe: boolean): LiveIsolate {
    return createIsolateSync(this.#spec(), this.#onHost, describe, this.#spares?.take(this.#limits.memoryMb))
  }

  #spec(): IsolateSpec {
    const { memoryMb, memoryText } = this.#limits
    return { file: this.#file, code: this.#code, base: this.#base, memoryMb, memoryText }
  }

  #made(): Promise<LiveIsolate> {
    const generation = this.#generation
    this.#creating ??= createIsolateAsync(this.#spec(), this.#onHost).then(
      (live) => {
        if (generation !== this.#generation) {
          live.iso.dispose()
          throw new NanoError('NANO_E_CLOSED', `The isolate of '${this.name}' was closed`, { service: this.name })
        }
        this.#creating = undefined
        this.#live = live
        return live
      },
      (error: unknown) => {
        if (generation === this.#generation) this.#creating = undefined
        throw error
      },
    )
    return this.#creating
  }

  #start(input: unknown, ctx: Context<string>): unknown {
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
    this.#turn(state, 'run', [state.id, encodeValue(input), facts])
    return state.outcome()
  }

  /**
   * Runs one turn of `state`'s call in the isolate, stopped (wall clock) at {@link WALL_FACTOR}
   * times what is left of its CPU time. A `run` turn that finished the call answers `'1'` +
   * output or `'0'` + error.
   */
  #turn(state: CallState, entry: Entry, args: unknown[]): void {
    const live = this.#live
    if (live === undefined) return
    const timeout = wallStop(this.#limits.cpuMs - state.cpuMs)
    const before = live.iso.cpuTime
    const started = performance.now()
    if (live.offThread) {
      live[entry].apply(undefined, args, { timeout }).then(
        (answer: unknown) => this.#afterTurn(live, state, { before, started, timeout }, undefined, answer),
        (error: unknown) =>
          this.#afterTurn(
            live,
            state,
            { before, started, timeout },
            error ?? new Error('the isolate failed'),
            undefined,
          ),
      )
      return
    }
    let answer: unknown
    let failure: unknown
    try {
      answer = live[entry].applySync(undefined, args, { timeout })
    } catch (error) {
      failure = error ?? new Error('the isolate failed')
    }
    this.#afterTurn(live, state, { before, started, timeout }, failure, answer)
  }

  #afterTurn(
    live: LiveIsolate,
    state: CallState,
    turn: { readonly before: bigint; readonly started: number; readonly timeout: number },
    failure: unknown,
    answer: unknown,
  ): void {
    if (live !== this.#live) return
    if (live.iso.isDisposed) {
      this.#kill('memory', state)
      return
    }
    const wall = performance.now() - turn.started
    state.cpuMs += Math.min(Number(live.iso.cpuTime - turn.before) / 1e6, wall)
    const finished = state.done || (typeof answer === 'string' && answer !== '')
    const cpu = `${state.cpuMs.toFixed(1)}ms of CPU time`
    if (failure !== undefined && isTimeout(failure))
      this.#kill('cpu', state, `stopped after ${turn.timeout}ms of wall-clock time, having used ${cpu}`)
    else if (!finished && state.cpuMs > this.#limits.cpuMs) this.#kill('cpu', state, `it used ${cpu}`)
    else if (failure !== undefined) this.#finish(state, false, failure)
    else if (typeof answer === 'string' && answer !== '')
      this.#settle(state, answer.charCodeAt(0) === 49, answer.slice(1))
  }

  #settle(state: CallState, ok: boolean, text: string): void {
    if (ok) this.#finish(state, true, safeDecode(text))
    else this.#finish(state, false, this.#asHostError(decodeError(text)))
  }

  readonly #onHost = (kind: string, callId: number, requestId: number, a = '', b = ''): void => {
    const state = this.#calls.get(callId)
    if (state === undefined) return
    if (kind === 'settle') this.#settle(state, a === '1', b)
    else handleHostRequest({ kind, state, requestId, a, b }, this.#requests)
  }

  readonly #answer: Answer = (state, requestId, ok, text) => {
    if (this.#calls.has(state.id)) this.#turn(state, 'resume', [state.id, requestId, ok, text])
  }

  #requests: { readonly allow: readonly string[]; readonly answer: Answer } = { allow: [], answer: this.#answer }

  readonly #abort = (state: CallState): void => {
    if (!this.#calls.has(state.id)) return
    const reason = state.ctx.signal.reason
    const wire = isNanoError(reason) ? reason : new NanoError('NANO_E_ABORTED', 'The call was aborted')
    this.#turn(state, 'abort', [state.id, encodeError(wire, false)])
    this.#finish(state, false, reason)
  }

  #finish(state: CallState, ok: boolean, result: unknown): void {
    this.#calls.delete(state.id)
    if (this.#calls.size === 0) this.lastUsed = Date.now()
    state.settle(ok, result)
  }

  #kill(which: 'cpu' | 'memory', culprit: CallState, measured = ''): void {
    this.#offenderUntil = Date.now() + OFFENDER_MS
    this.#generation++
    const live = this.#live
    this.#live = undefined
    if (live !== undefined && !live.iso.isDisposed) live.iso.dispose()
    this.#calls.delete(culprit.id)
    culprit.settle(false, limitError(this.name, which, this.#limits, true, measured))
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

function safeDecode(text: string): unknown {
  try {
    return decodeValue(text)
  } catch {
    return undefined
  }
}

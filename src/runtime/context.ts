import { randomUUID } from 'node:crypto'
import type { CallOptions, Context, Logger, RequestContext } from '../define/types.ts'
import { type CallLogFields, CallLogger, type CallLogs } from './call-log.ts'
import type { Deadline } from './deadline.ts'
import type { LogSink } from './logger.ts'
import type { CallDescriptor } from './ports.ts'
import type { PreparedService } from './prepare.ts'

/**
 * What a {@link CallContext} needs from the runtime that made it (a private object of the
 * runtime, never the runtime itself).
 *
 * @example
 * const host: CallHost = { callFrom: (ctx, name, input, options) => pipeline.dispatch(name, input, ctx, options), sink, logs, idleSignal, publish }
 */
export interface CallHost {
  callFrom(ctx: CallContext, name: string, input: unknown, options: CallOptions | undefined): Promise<unknown>
  /** The runtime's own records (a call's failure), at the runtime's level. */
  readonly sink: LogSink
  /** Where `ctx.log` writes, and the span ids of its records. */
  readonly logs: CallLogs
  /** A signal that never aborts, for calls without a deadline. */
  readonly idleSignal: AbortSignal
  publish(topic: string, data: unknown): void
}

/**
 * Where a call comes from: a service running in this process (a {@link CallContext}), or a call
 * that crossed a boundary (built from a {@link CallDescriptor}). Calls from outside have none.
 *
 * @example
 * const origin: CallOrigin = { depth: 1, service: 'weather/current', request: {}, traceId: 'ab'.repeat(16), deadlineRef: undefined, internal: false }
 */
export interface CallOrigin {
  readonly depth: number
  /** The calling service (becomes the callee's `ctx.caller`). */
  readonly service: string | undefined
  readonly request: RequestContext
  readonly traceId: string
  readonly deadlineRef: Deadline | undefined
  /** True for a call between services of this process (validation may be skipped by option). */
  readonly internal: boolean
  /** The calls made so far in this call's tree (one outside call and all it leads to), if counted yet. */
  readonly tree?: CallTree | undefined
  /** The remote caller's span id, for a call that arrived over a transport with a `traceparent`. */
  readonly parentSpanId?: string | undefined
}

/**
 * The count of calls between services made in one outside call's tree, shared by every
 * {@link CallContext} of the tree (made on the tree's first call between services).
 *
 * @example
 * const tree: CallTree = { calls: 0 }
 */
export interface CallTree {
  calls: number
}

/**
 * The request facts of a call made for no outside request (the `ctx.request` of an in-process
 * call): such calls are trusted, their callees' `access` rules are not checked.
 *
 * @example
 * if (ctx.request === NO_REQUEST) return 'in-process'
 */
export const NO_REQUEST: RequestContext = Object.freeze({})

type CallFn = (name: string, input: unknown, options?: CallOptions) => Promise<unknown>

/**
 * The `ctx` a running service gets. Everything costly (trace id, logger, abort signal, the
 * bound `call`) is made on first use, so a call that does not touch them does not pay for them.
 * {@link CallContext.descriptor} is the plain, serialisable form that crosses boundaries.
 *
 * @example
 * // five arguments, not an options object: this runs on every call, and V8 inlines it then
 * const ctx = new CallContext(host, prepared, undefined, undefined, { caller: 'http' })
 * await ctx.call('geo/lookup', { city: 'Leeds' })
 */
export class CallContext implements Context<string>, CallOrigin {
  readonly service: string
  /** The loaded version of the service this call runs, whose `uses` govern its calls. */
  readonly prepared: PreparedService
  readonly depth: number
  readonly deadlineRef: Deadline | undefined
  readonly #origin: CallOrigin | undefined
  readonly #host: CallHost
  readonly #options: CallOptions | undefined
  #traceId: string | undefined
  #log: CallLogger | undefined
  #call: CallFn | undefined
  #tree: CallTree | undefined

  constructor(
    host: CallHost,
    prepared: PreparedService,
    origin: CallOrigin | undefined,
    deadline: Deadline | undefined,
    options: CallOptions | undefined,
  ) {
    this.#host = host
    this.prepared = prepared
    this.service = prepared.name
    this.#origin = origin
    this.depth = origin === undefined ? 1 : origin.depth + 1
    this.deadlineRef = deadline
    this.#options = options
  }

  /** A call between services of this process. */
  get internal(): true {
    return true
  }

  /** The call count of this call's tree: the caller's, or a new one at the root. */
  get tree(): CallTree {
    this.#tree ??= this.#origin?.tree ?? { calls: 0 }
    return this.#tree
  }

  get caller(): string | undefined {
    return this.#origin === undefined ? this.#options?.caller : this.#origin.service
  }

  get request(): RequestContext {
    return this.#origin?.request ?? this.#options?.request ?? NO_REQUEST
  }

  get call(): Context<string>['call'] {
    this.#call ??= (name, input, options) => this.#host.callFrom(this, name, input, options)
    return this.#call as Context<string>['call']
  }

  get deadline(): number {
    return this.deadlineRef?.at ?? Number.POSITIVE_INFINITY
  }

  get signal(): AbortSignal {
    return this.deadlineRef?.signal ?? this.#host.idleSignal
  }

  publish(topic: string, data?: unknown): void {
    this.#host.publish(topic, data)
  }

  get traceId(): string {
    this.#traceId ??= this.#options?.traceId ?? this.#origin?.traceId ?? newTraceId()
    return this.#traceId
  }

  get log(): Logger {
    this.#log ??= new CallLogger(this.#host.logs, this, this.prepared.logLevel)
    return this.#log
  }

  /** The service, trace id and span id of this call's log records (those of `ctx.log`). */
  logFields(): CallLogFields {
    this.#log ??= new CallLogger(this.#host.logs, this, this.prepared.logLevel)
    return this.#log.fields()
  }

  /** This call as plain data, for a call that leaves the process. */
  descriptor(): CallDescriptor {
    return {
      service: this.service,
      version: this.prepared.version,
      depth: this.depth,
      deadline: Number.isFinite(this.deadline) ? this.deadline : null,
      traceId: this.traceId,
      caller: this.caller,
      request: this.request,
    }
  }
}

/**
 * A fresh W3C trace id (32 hex characters).
 *
 * @example
 * newTraceId() // '4bf92f3577b34da6a3ce929d0e0e4736'
 */
export function newTraceId(): string {
  return randomUUID().replaceAll('-', '')
}

import { randomUUID } from 'node:crypto'
import type { CallOptions, Context, Logger, RequestContext } from '../define/types.ts'
import type { Deadline } from './deadline.ts'
import { BoundLogger, type LogSink } from './logger.ts'
import type { PreparedService } from './prepare.ts'

/**
 * What a {@link CallContext} needs from the runtime that made it.
 *
 * @example
 * const host: CallHost = { callFrom: (ctx, name, input) => rt.callFrom(ctx, name, input), sink, idleSignal }
 */
export interface CallHost {
  callFrom(ctx: CallContext, name: string, input: unknown, options: CallOptions | undefined): Promise<unknown>
  readonly sink: LogSink
  /** A signal that never aborts, for calls without a deadline. */
  readonly idleSignal: AbortSignal
  publish(topic: string, data: unknown): void
}

const NO_REQUEST: RequestContext = Object.freeze({})

type CallFn = (name: string, input: unknown, options?: CallOptions) => Promise<unknown>

/**
 * The `ctx` a running service gets. Everything costly (trace id, logger, abort signal, the
 * bound `call`) is made on first use, so a call that does not touch them does not pay for them.
 *
 * @example
 * const ctx = new CallContext(host, preparedService, parent, deadline, options)
 * await ctx.call('geo/lookup', { city: 'Leeds' })
 */
export class CallContext implements Context<string> {
  readonly service: string
  /** The loaded version of the service this call runs, whose `uses` govern its calls. */
  readonly prepared: PreparedService
  readonly depth: number
  readonly parent: CallContext | undefined
  readonly deadlineRef: Deadline | undefined
  readonly #host: CallHost
  readonly #options: CallOptions | undefined
  #traceId: string | undefined
  #log: Logger | undefined
  #call: CallFn | undefined

  constructor(
    host: CallHost,
    prepared: PreparedService,
    parent: CallContext | undefined,
    deadline: Deadline | undefined,
    options: CallOptions | undefined,
  ) {
    this.#host = host
    this.prepared = prepared
    this.service = prepared.name
    this.parent = parent
    this.depth = parent === undefined ? 1 : parent.depth + 1
    this.deadlineRef = deadline
    this.#options = options
  }

  get call(): Context<string>['call'] {
    this.#call ??= (name, input, options) => this.#host.callFrom(this, name, input, options)
    return this.#call as Context<string>['call']
  }

  /** True when the caller asked to bypass cached results. */
  get refresh(): boolean {
    return this.#options?.refresh === true
  }

  get caller(): string | undefined {
    return this.parent?.service ?? this.#options?.caller
  }

  get deadline(): number {
    return this.deadlineRef?.at ?? Number.POSITIVE_INFINITY
  }

  get signal(): AbortSignal {
    return this.deadlineRef?.signal ?? this.#host.idleSignal
  }

  get request(): RequestContext {
    return this.parent?.request ?? this.#options?.request ?? NO_REQUEST
  }

  publish(topic: string, data?: unknown): void {
    this.#host.publish(topic, data)
  }

  get traceId(): string {
    this.#traceId ??= this.parent?.traceId ?? this.#options?.traceId ?? randomUUID().replaceAll('-', '')
    return this.#traceId
  }

  get log(): Logger {
    this.#log ??= new BoundLogger(this.#host.sink, () => ({ service: this.service, traceId: this.traceId }))
    return this.#log
  }
}

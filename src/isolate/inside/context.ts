import type { CallOptions, Context, Logger, RequestContext } from '../../define/types.ts'
import { decodeValue, encodeValue } from '../wire.ts'
import { type IsolateCall, notify, request } from './calls.ts'

/**
 * The facts of a call the host copies in: trace id, caller, service, deadline, request.
 *
 * @example
 * const facts: CallFacts = { traceId: 'ab'.repeat(16), caller: 'http', service: 'plugins/x', deadline: null, request: {} }
 */
export interface CallFacts {
  readonly traceId: string
  readonly caller: string | undefined
  readonly service: string
  readonly deadline: number | null
  readonly request: RequestContext
}

/**
 * The `ctx` of a call inside an isolate: plain data copied from the host, and `call`, `log`,
 * `publish` that send requests to the host (`ctx.call` is checked against `uses` there).
 *
 * @example
 * const ctx = new IsolateContext(call, facts)
 * await ctx.call('geo/lookup', { city: 'Leeds' })
 */
export class IsolateContext implements Context<string> {
  readonly signal: AbortSignal
  readonly deadline: number
  readonly traceId: string
  readonly caller: string | undefined
  readonly service: string
  readonly request: RequestContext
  readonly #call: IsolateCall
  #log: Logger | undefined

  constructor(call: IsolateCall, facts: CallFacts) {
    this.#call = call
    this.signal = call.signal as unknown as AbortSignal
    this.deadline = facts.deadline ?? Number.POSITIVE_INFINITY
    this.traceId = facts.traceId
    this.caller = facts.caller
    this.service = facts.service
    this.request = facts.request
  }

  readonly call = ((name: string, input: unknown, options?: CallOptions): Promise<unknown> => {
    const wire = encodeValue({ input, options: { timeout: options?.timeout, deadline: options?.deadline } })
    return request(this.#call, 'call', String(name), wire).then(decodeValue)
  }) as Context<string>['call']

  get log(): Logger {
    const call = this.#call
    const at = (level: string) => (message: unknown, fields?: unknown) =>
      notify(call, 'log', 0, level, encodeValue({ message: String(message), fields }))
    this.#log ??= Object.freeze({ debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') })
    return this.#log
  }

  publish(topic: string, data?: unknown): void {
    notify(this.#call, 'publish', 0, String(topic), encodeValue(data))
  }
}

import { stringify } from 'safe-stable-stringify'
import { NanoError } from '../define/errors.ts'
import type { CallOptions } from '../define/types.ts'
import type { ServiceIndex } from '../registry/index-of-services.ts'
import { MISS, type ResultCache } from './cache/result-cache.ts'
import { CallContext, type CallHost } from './context.ts'
import { deadlineFor } from './deadline.ts'
import { toServiceFailure } from './failure.ts'
import type { PreparedService } from './prepare.ts'

/**
 * What the call pipeline works with, injected by the runtime.
 *
 * @example
 * const deps: PipelineDeps = { index, cache, validateInternal: true, host: rt }
 */
export interface PipelineDeps {
  readonly index: ServiceIndex<PreparedService>
  readonly cache: ResultCache
  readonly validateInternal: boolean
  readonly host: CallHost
}

/**
 * The call path every call takes: resolve → validate input → deadline → cache → run → validate
 * output. It stays synchronous (no promise) until something has to wait: a first import, an
 * asynchronous schema, a cache miss, a deadline, or a `run` that returns a promise.
 *
 * @example
 * const pipeline = new CallPipeline({ index, cache, validateInternal: true, host: rt })
 * const out = pipeline.dispatch('weather/current', { city: 'Leeds' }, undefined, undefined)
 */
export class CallPipeline {
  readonly #index: ServiceIndex<PreparedService>
  readonly #cache: ResultCache
  readonly #validateInternal: boolean
  readonly #host: CallHost

  constructor(deps: PipelineDeps) {
    this.#index = deps.index
    this.#cache = deps.cache
    this.#validateInternal = deps.validateInternal
    this.#host = deps.host
  }

  /** Resolves, checks, runs and validates one call; answers synchronously when nothing waits. */
  dispatch(name: string, input: unknown, parent: CallContext | undefined, options: CallOptions | undefined): unknown {
    const entry = this.#index.get(name)
    if (entry === undefined) return Promise.reject(notFound(name))
    const svc = entry.loaded
    if (svc !== undefined) return this.#execute(svc, input, parent, options)
    return this.#index.load(entry).then((loaded) => this.#execute(loaded, input, parent, options))
  }

  #execute(
    svc: PreparedService,
    input: unknown,
    parent: CallContext | undefined,
    options: CallOptions | undefined,
  ): unknown {
    const validate = parent === undefined || this.#validateInternal
    if (validate && !svc.input.tryFast(input)) {
      const value = svc.input.check(input)
      if (value instanceof Promise) return value.then((checked) => this.#run(svc, checked, parent, options, validate))
      return this.#run(svc, value, parent, options, validate)
    }
    return this.#run(svc, input, parent, options, validate)
  }

  #run(
    svc: PreparedService,
    value: unknown,
    parent: CallContext | undefined,
    options: CallOptions | undefined,
    validate: boolean,
  ): unknown {
    const deadline = deadlineFor(svc.name, svc.timeoutMs, parent?.deadlineRef, options)
    const ctx = new CallContext(this.#host, svc, parent, deadline, options)
    if (svc.cache !== undefined) {
      const key = cacheKey(svc, value, ctx)
      const hit = deadline === undefined && options?.refresh !== true ? this.#cache.fresh(key) : MISS
      return hit === MISS ? this.#guarded(svc, value, ctx, validate, key) : hit
    }
    if (deadline !== undefined) return this.#guarded(svc, value, ctx, validate, undefined)
    let output: unknown
    try {
      output = svc.run(value, ctx)
    } catch (error) {
      return Promise.reject(toServiceFailure(svc.name, error, ctx, this.#host.sink))
    }
    if (isThenable(output)) {
      return Promise.resolve(output).then(
        (resolved) => this.#checkOutput(svc, resolved, validate),
        (error: unknown) => {
          throw toServiceFailure(svc.name, error, ctx, this.#host.sink)
        },
      )
    }
    return this.#checkOutput(svc, output, validate)
  }

  #checkOutput(svc: PreparedService, output: unknown, validate: boolean): unknown {
    return !validate || svc.output.tryFast(output) ? output : svc.output.check(output)
  }

  async #guarded(
    svc: PreparedService,
    value: unknown,
    ctx: CallContext,
    validate: boolean,
    key: string | undefined,
  ): Promise<unknown> {
    const deadline = ctx.deadlineRef
    try {
      if (svc.cache === undefined || key === undefined) return await this.#runChecked(svc, value, ctx, validate)
      const compute = () => this.#runChecked(svc, value, ctx, true)
      if (ctx.refresh) return await this.#cache.refresh(key, svc.cache, compute)
      return await this.#cache.through(key, svc.cache, compute)
    } finally {
      if (deadline !== ctx.parent?.deadlineRef) deadline?.dispose()
    }
  }

  async #runChecked(svc: PreparedService, value: unknown, ctx: CallContext, validate: boolean): Promise<unknown> {
    let output: unknown
    try {
      const deadline = ctx.deadlineRef
      if (deadline === undefined) output = await svc.run(value, ctx)
      else {
        if (deadline.at <= Date.now()) await deadline.expired()
        output = await Promise.race([svc.run(value, ctx), deadline.expired()])
      }
    } catch (error) {
      throw toServiceFailure(svc.name, error, ctx, this.#host.sink)
    }
    return await this.#checkOutput(svc, output, validate)
  }
}

function cacheKey(svc: PreparedService, value: unknown, ctx: CallContext): string {
  const key = svc.cacheKeyPrefix + stringify(value)
  if (svc.vary.length === 0) return key
  const request = ctx.request
  let varied = key
  for (const part of svc.vary) varied += `\u0000${(part === 'user' ? request.userId : request[part]) ?? ''}`
  return varied
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function')
  )
}

/**
 * The error for a service name nobody defined.
 *
 * @example
 * throw notFound('weather/nowhere')
 */
export function notFound(name: string): NanoError {
  return new NanoError('NANO_E_NOT_FOUND', `No service named '${name}'`, { service: name })
}

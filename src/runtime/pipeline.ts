import { stringify } from 'safe-stable-stringify'
import type { IndexEntry, ServiceIndex } from '../registry/index-of-services.ts'
import type { BreakerBoard } from './breaker.ts'
import { MISS, type ResultCache } from './cache/result-cache.ts'
import { PeekedEntry } from './cache-peek.ts'
import { CallContext, type CallHost, type CallOrigin, NO_REQUEST } from './context.ts'
import { type Deadline, deadlineFor } from './deadline.ts'
import { toServiceFailure } from './failure.ts'
import type { CacheResult, Observer } from './observer.ts'
import type { Clock, InvokeOptions } from './ports.ts'
import { type PreparedService, varyValue } from './prepare.ts'
import { callRemote, type RemoteCalls } from './remote.ts'
import { RUNNING } from './running.ts'
import { isSealed } from './validate/sealed.ts'

/**
 * What the call pipeline works with, injected by the runtime.
 *
 * @example
 * const deps: PipelineDeps = { index, cache, validateInternal: true, host, clock: systemClock, remote, breakers }
 */
export interface PipelineDeps {
  readonly index: ServiceIndex<PreparedService>
  readonly cache: ResultCache
  readonly validateInternal: boolean
  readonly host: CallHost
  readonly clock: Clock
  /** Where calls to services this process does not run go. */
  readonly remote: RemoteCalls
  /** The circuit breaker of every called service. */
  readonly breakers: BreakerBoard
  /** Told how each call of a cached service was answered (hit, stale, miss), when it listens. */
  readonly observer?: Observer | undefined
}

/**
 * The call path every call takes: resolve (the service and all it uses, loaded outside any
 * deadline) → validate input → cache → deadline → circuit breaker → concurrency gate → run →
 * validate output. It stays synchronous (no promise) until something has to wait: a first load,
 * an asynchronous schema, a cache miss, a deadline, a concurrency queue, or a `run` that returns
 * a promise. A cached computation is shared by concurrent callers and runs under its own
 * context (the service's own timeout, no caller's signal); each caller waits for it within its
 * own deadline only.
 *
 * @example
 * const pipeline = new CallPipeline(deps)
 * const out = pipeline.dispatch('weather/current', { city: 'Leeds' }, undefined, undefined)
 */
export class CallPipeline {
  readonly #index: ServiceIndex<PreparedService>
  readonly #cache: ResultCache
  readonly #validateInternal: boolean
  readonly #host: CallHost
  readonly #clock: Clock
  readonly #remote: RemoteCalls
  readonly #breakers: BreakerBoard
  readonly #cacheSeen: ((service: string, result: CacheResult) => void) | undefined

  constructor(deps: PipelineDeps) {
    this.#index = deps.index
    this.#cache = deps.cache
    this.#validateInternal = deps.validateInternal
    this.#host = deps.host
    this.#clock = deps.clock
    this.#remote = deps.remote
    this.#breakers = deps.breakers
    this.#cacheSeen = deps.observer?.cache?.bind(deps.observer)
  }

  /** Resolves, checks, runs and validates one call; answers synchronously when nothing waits. */
  dispatch(name: string, input: unknown, origin: CallOrigin | undefined, options: InvokeOptions | undefined): unknown {
    const entry = this.#index.get(name)
    if (entry === undefined) return this.#elsewhere(name, input, origin, options)
    const svc = entry.loaded
    if (svc !== undefined) return this.#execute(svc, input, origin, options)
    return this.#whenReady(entry, input, origin, options)
  }

  /**
   * The fresh cache entry that answers a call at once with nothing else to check (a loaded, cached
   * service without `access`, an input its compiled check accepts as it is), with its key and
   * service, else {@link MISS}. Nothing is run, counted or reported: the caller makes the call the
   * usual way on a miss; whoever keeps what it made of the value checks with
   * {@link CallPipeline.stillAnswers} that nothing changed since.
   */
  peekEntry(name: string, input: unknown, options: InvokeOptions | undefined): PeekedEntry | typeof MISS {
    const svc = this.#index.get(name)?.loaded
    if (svc?.cache === undefined || svc.access !== undefined || options?.refresh === true) return MISS
    if (!svc.input.tryFast(input)) return MISS
    const key = cacheKey(svc, input, options?.request)
    const entry = this.#cache.freshEntry(key)
    return entry === MISS ? MISS : new PeekedEntry(entry, svc, key)
  }

  /** How many times the cache store was written to so far (see `CacheStore.writes`), if it counts. */
  cacheWrites(): number | undefined {
    return this.#cache.writes
  }

  /**
   * Whether a call answered by `peeked` (from {@link CallPipeline.peekEntry}) would be answered
   * the same now: `name` still runs that service and the cache still holds that very entry,
   * fresh (not refreshed, dropped or gone stale since).
   */

  stillAnswers(name: string, peeked: PeekedEntry): boolean {
    return this.#index.get(name)?.loaded === peeked.service && this.#cache.freshEntry(peeked.key) === peeked.entry
  }

  #elsewhere(name: string, input: unknown, origin: CallOrigin | undefined, options: InvokeOptions | undefined) {
    const breakers = this.#breakers
    const refused = breakers.tripped === 0 ? undefined : breakers.refuse(name)
    if (refused !== undefined) return Promise.reject(refused)
    return callRemote(this.#remote, { name, input, origin, options }).then(
      (output) => {
        if (breakers.tracked !== 0) breakers.succeeded(name)
        return output
      },
      (error: unknown) => {
        breakers.failed(name, error)
        throw error
      },
    )
  }

  #whenReady(
    entry: IndexEntry<PreparedService>,
    input: unknown,
    origin: CallOrigin | undefined,
    options: InvokeOptions | undefined,
  ): Promise<unknown> {
    return this.#index.ready(entry).then((loaded) => this.#execute(loaded, input, origin, options))
  }

  #execute(svc: PreparedService, input: unknown, origin: CallOrigin | undefined, options: InvokeOptions | undefined) {
    const validate = origin === undefined || !origin.internal || this.#validateInternal
    if (validate && !svc.input.tryFast(input)) return this.#checkInput(svc, input, origin, options)
    if (svc.access !== undefined) return this.#guarded(svc, input, origin, options, validate)
    return this.#run(svc, input, origin, options, validate)
  }

  #checkInput(
    svc: PreparedService,
    input: unknown,
    origin: CallOrigin | undefined,
    options: InvokeOptions | undefined,
  ) {
    const value = svc.input.check(input)
    if (svc.access !== undefined) {
      if (value instanceof Promise) return value.then((checked) => this.#guarded(svc, checked, origin, options, true))
      return this.#guarded(svc, value, origin, options, true)
    }
    if (value instanceof Promise) return value.then((checked) => this.#run(svc, checked, origin, options, true))
    return this.#run(svc, value, origin, options, true)
  }

  /**
   * Checks the service's `access` rule against the user of the request the call is made for,
   * before the cache is consulted, then runs it. A call made for no request (in-process) is trusted.
   */
  #guarded(
    svc: PreparedService,
    value: unknown,
    origin: CallOrigin | undefined,
    options: InvokeOptions | undefined,
    validate: boolean,
  ): unknown {
    const request = origin === undefined ? options?.request : origin.request
    if (request === undefined || request === NO_REQUEST) return this.#run(svc, value, origin, options, validate)
    const refused = (svc.access as NonNullable<PreparedService['access']>)(request.user ?? null, value)
    if (refused === undefined) return this.#run(svc, value, origin, options, validate)
    if (!(refused instanceof Promise)) return Promise.reject(refused)
    return refused.then((error) => {
      if (error !== undefined) throw error
      return this.#run(svc, value, origin, options, validate)
    })
  }

  #run(
    svc: PreparedService,
    value: unknown,
    origin: CallOrigin | undefined,
    options: InvokeOptions | undefined,
    validate: boolean,
  ): unknown {
    const inherited = origin === undefined ? (options?.within as Deadline | undefined) : origin.deadlineRef
    if (svc.cache !== undefined) return this.#cached(svc, value, origin, options, inherited)
    const deadline = deadlineFor(svc, inherited, options, this.#clock)
    const ctx = new CallContext(this.#host, svc, origin, deadline, options)
    return this.#runIn(ctx, value, validate, deadline !== inherited)
  }

  /**
   * Runs the service under `ctx`: synchronously when `run` returns a plain value; a promise is
   * raced against the context's deadline. `owned`: the deadline is this call's own, disposed here.
   * While `run` executes, {@link RUNNING} names the service (its slot, and the async context of an
   * `async run` once the process guards want it), for the watchdog and the guards.
   */
  #runIn(ctx: CallContext, value: unknown, validate: boolean, owned: boolean): unknown {
    const deadline = ctx.deadlineRef
    if (deadline?.passed) return this.#fail(ctx, deadline.expired(), owned)
    if (this.#breakers.tripped !== 0 || ctx.prepared.gate !== undefined) {
      return this.#gated(ctx, value, validate, owned)
    }
    return this.#start(ctx, value, validate, owned)
  }

  #start(ctx: CallContext, value: unknown, validate: boolean, owned: boolean): unknown {
    const svc = ctx.prepared
    const slot = RUNNING.slot
    const outer = slot[0] as number
    slot[0] = svc.runId
    let output: unknown
    try {
      output =
        svc.runsAsync && RUNNING.tracksAsync ? RUNNING.context.run(svc.name, svc.run, value, ctx) : svc.run(value, ctx)
    } catch (error) {
      this.#breakers.failed(svc.name, error)
      return this.#fail(ctx, Promise.reject(error), owned)
    } finally {
      slot[0] = outer
    }
    if (isThenable(output)) return this.#awaitOutput(ctx, output, validate, owned)
    if (owned) ctx.deadlineRef?.dispose()
    if (this.#breakers.tracked !== 0) this.#breakers.succeeded(svc.name)
    return !validate || svc.output.tryFast(output) ? output : svc.output.check(output)
  }

  /**
   * The breaker and the concurrency gate before {@link CallPipeline.#start}: an open circuit
   * fails at once; a full gate queues the call (within its deadline) or refuses it.
   */
  #gated(ctx: CallContext, value: unknown, validate: boolean, owned: boolean): unknown {
    const svc = ctx.prepared
    const refused = this.#breakers.tripped === 0 ? undefined : this.#breakers.refuse(svc.name)
    const gate = svc.gate
    if (refused === undefined && gate === undefined) return this.#start(ctx, value, validate, owned)
    let entered: Promise<void> | undefined
    try {
      if (refused !== undefined) throw refused
      entered = gate?.enter(ctx.deadlineRef)
    } catch (error) {
      if (owned) ctx.deadlineRef?.dispose()
      return Promise.reject(error)
    }
    if (entered === undefined) return this.#start(ctx, value, validate, owned)
    return entered.then(
      () => this.#start(ctx, value, validate, owned),
      (error: unknown) => {
        if (owned) ctx.deadlineRef?.dispose()
        throw error
      },
    )
  }

  #awaitOutput(ctx: CallContext, output: PromiseLike<unknown>, validate: boolean, owned: boolean): Promise<unknown> {
    const svc = ctx.prepared
    const deadline = ctx.deadlineRef
    const settled = deadline === undefined ? Promise.resolve(output) : raceDeadline(output, deadline)
    return settled.then(
      (resolved) => {
        if (owned) deadline?.dispose()
        if (this.#breakers.tracked !== 0) this.#breakers.succeeded(svc.name)
        return this.#checkOutput(svc, resolved, validate)
      },
      (error: unknown) => {
        if (owned) deadline?.dispose()
        const failure = toServiceFailure(svc.name, error, ctx, this.#host.sink)
        this.#breakers.failed(svc.name, failure)
        throw failure
      },
    )
  }

  #fail(ctx: CallContext, rejection: Promise<never>, owned: boolean): Promise<never> {
    return rejection.catch((error: unknown) => {
      if (owned) ctx.deadlineRef?.dispose()
      throw toServiceFailure(ctx.service, error, ctx, this.#host.sink)
    })
  }

  #cached(
    svc: PreparedService,
    value: unknown,
    origin: CallOrigin | undefined,
    options: InvokeOptions | undefined,
    inherited: Deadline | undefined,
  ): unknown {
    const key = cacheKey(svc, value, origin?.request ?? options?.request)
    if (options?.refresh !== true) {
      const hit = this.#cache.fresh(key)
      if (hit !== MISS) {
        this.#cacheSeen?.(svc.name, 'hit')
        return hit
      }
    }
    return this.#notFresh(key, { svc, value, origin, options, inherited })
  }

  #notFresh(key: string, call: CachedCall): Promise<unknown> {
    const { svc, value, origin, options, inherited } = call
    const refresh = options?.refresh === true
    const policy = svc.cache as NonNullable<PreparedService['cache']>
    const compute = (): Promise<unknown> => this.#computeShared(svc, value, origin, options)
    const seen = this.#cacheSeen
    const report = seen === undefined ? undefined : (result: CacheResult) => seen(svc.name, result)
    const shared = refresh
      ? this.#cache.refresh(key, policy, compute, report)
      : this.#cache.through(key, policy, compute, report)
    const mine = deadlineFor(NO_TIMEOUT, inherited, options, this.#clock)
    if (mine === undefined) return shared
    const owned = mine !== inherited
    return raceDeadline(shared, mine).finally(() => {
      if (owned) mine.dispose()
    })
  }

  #computeShared(
    svc: PreparedService,
    value: unknown,
    origin: CallOrigin | undefined,
    options: InvokeOptions | undefined,
  ): Promise<unknown> {
    const deadline = deadlineFor(svc, undefined, undefined, this.#clock)
    const detached = { caller: options?.caller, traceId: options?.traceId, request: options?.request }
    const ctx = new CallContext(this.#host, svc, origin, deadline, detached)
    const out = this.#runIn(ctx, value, true, true)
    return out instanceof Promise ? out : Promise.resolve(out)
  }

  #checkOutput(svc: PreparedService, output: unknown, validate: boolean): unknown {
    return !validate || svc.output.tryFast(output) ? output : svc.output.check(output)
  }
}

const NO_TIMEOUT = Object.freeze({ name: 'caller', timeoutMs: undefined })

interface CachedCall {
  readonly svc: PreparedService
  readonly value: unknown
  readonly origin: CallOrigin | undefined
  readonly options: InvokeOptions | undefined
  readonly inherited: Deadline | undefined
}

/**
 * `work`, unless the deadline ends first (then its `NANO_E_TIMEOUT` or abort reason). A deadline
 * already passed rejects without waiting for the work.
 *
 * @example
 * await raceDeadline(fetchScores(), deadline)
 */
export function raceDeadline<T>(work: T | PromiseLike<T>, deadline: Deadline): Promise<Awaited<T>> {
  const expired = deadline.expired()
  if (deadline.passed) {
    // The work is dropped: its later failure (a signal it aborts on) must not go unhandled.
    if (isThenable(work)) Promise.resolve(work).catch(() => {})
    return expired
  }
  return Promise.race([work, expired]) as Promise<Awaited<T>>
}

function cacheKey(svc: PreparedService, value: unknown, request: CallOrigin['request'] | undefined): string {
  const key = isSealed(value)
    ? (svc.sealedKeys.get(value) ?? svc.sealedKeys.set(value, keyOf(svc, value)))
    : keyOf(svc, value)
  if (svc.vary.length === 0) return key
  let varied = key
  for (const fact of svc.vary) varied += `\u0000${request === undefined ? '' : varyValue(request, fact)}`
  return varied
}

function keyOf(svc: PreparedService, value: unknown): string {
  return svc.cacheKeyPrefix + stringify(value)
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function')
  )
}

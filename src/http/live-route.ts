import type { LiveHub } from '../compose/live/index.ts'
import { isNanoError, NanoError } from '../define/errors.ts'
import type { Clock, LogSink, Observer } from '../runtime/ports.ts'
import type { Exchange, Reply, StreamSink } from './exchange.ts'
import { SSE_HEARTBEAT, SSE_RETRY, streamHeaders } from './sse.ts'

const MAX_IDS = 256

/**
 * Limits of the live endpoint.
 *
 * @example
 * const limits: LiveLimits = { streamsPerAddress: 8, heartbeatMs: 25_000 }
 */
export interface LiveLimits {
  /** Open streams one client address may hold. Default 32. */
  readonly streamsPerAddress?: number
  /** A comment line every this often keeps proxies from closing idle streams. Default 25 s. */
  readonly heartbeatMs?: number
}

/**
 * What a {@link LiveEndpoint} is made with: the hub, where refusals are logged, the clock of its
 * heartbeat, and its {@link LiveLimits}.
 *
 * @example
 * const init: LiveEndpointInit = { hub, log: rt.log, clock: rt.clock, streamsPerAddress: 8 }
 */
export interface LiveEndpointInit extends LiveLimits {
  readonly hub: LiveHub
  readonly log: LogSink
  readonly clock: Clock
  /** Told when a stream opens (+1) and closes (-1), for the `nanoweb_live_connections` gauge. */
  readonly observer?: Observer | undefined
}

/**
 * The `/_nano/live` endpoint: one Server-Sent Events stream per page carrying all its live
 * fragments (`?f=<instance id>&f=…&since=<event id>`; a `Last-Event-ID` header wins over
 * `since`). Every id is checked before anything is stored (404, 400); `HEAD` stores nothing;
 * a client address holding `streamsPerAddress` streams, or a hub holding as many instances as
 * it may, is refused with 429. Each refused request is logged once.
 *
 * @example
 * const live = new LiveEndpoint({ hub, log: rt.log, clock: rt.clock, streamsPerAddress: 8 })
 * const reply = await live.handle(exchange, headers)
 */
export class LiveEndpoint {
  readonly #hub: LiveHub
  readonly #log: LogSink
  readonly #clock: Clock
  readonly #observer: Observer | undefined
  readonly #perAddress: number
  readonly #heartbeatMs: number
  readonly #byAddress = new Map<string, number>()
  readonly #open = new Set<StreamSink>()
  #heartbeat: unknown

  constructor(init: LiveEndpointInit) {
    this.#hub = init.hub
    this.#log = init.log
    this.#clock = init.clock
    this.#observer = init.observer
    this.#perAddress = init.streamsPerAddress ?? 32
    this.#heartbeatMs = init.heartbeatMs ?? 25_000
  }

  /** Answers one request for a stream; refusals come before any streaming. */
  async handle(ex: Exchange, headers: Record<string, string>): Promise<Reply> {
    try {
      return await this.#answer(ex, headers)
    } catch (error) {
      this.#refused(ex, error)
      throw error
    }
  }

  /** Number of open streams. */
  get size(): number {
    return this.#open.size
  }

  /** Stops the heartbeat (the hub ends the streams). */
  close(): void {
    if (this.#heartbeat !== undefined) this.#clock.clearTimeout(this.#heartbeat)
    this.#heartbeat = undefined
  }

  async #answer(ex: Exchange, headers: Record<string, string>): Promise<Reply> {
    const params = new URLSearchParams(ex.search)
    const ids = [...new Set(params.getAll('f'))]
    if (ids.length === 0 || ids.length > MAX_IDS) {
      throw new NanoError(
        'NANO_E_BAD_REQUEST',
        `Name 1 to ${MAX_IDS} live fragment instances: /_nano/live?f=<id>&f=<id>`,
      )
    }
    const resolved = await this.#hub.resolve(ids)
    if (ex.method === 'HEAD') return { status: 200, headers: streamHeaders(headers), body: '' }
    const address = ex.remote ?? 'unknown'
    const count = this.#byAddress.get(address) ?? 0
    if (count >= this.#perAddress) {
      throw new NanoError(
        'NANO_E_TOO_MANY_STREAMS',
        `This address already holds ${count} live streams (the limit is ${this.#perAddress})`,
      )
    }
    const instances = this.#hub.admit(resolved)
    this.#byAddress.set(address, count + 1)
    const since = ex.header('last-event-id') ?? params.get('since') ?? undefined
    return {
      status: 200,
      headers: streamHeaders(headers),
      body: '',
      stream: (sink) => {
        this.#open.add(sink)
        this.#observer?.live?.(1)
        this.#armHeartbeat()
        sink.write(SSE_RETRY)
        const viewer = this.#hub.attach(sink, instances, since)
        sink.onClose(() => {
          this.#open.delete(sink)
          this.#observer?.live?.(-1)
          const left = (this.#byAddress.get(address) ?? 1) - 1
          if (left <= 0) this.#byAddress.delete(address)
          else this.#byAddress.set(address, left)
          this.#hub.close(viewer)
        })
      },
    }
  }

  #refused(ex: Exchange, error: unknown): void {
    const known = isNanoError(error)
    this.#log({
      level: known && error.status < 500 ? 'warn' : 'error',
      message: 'live stream refused',
      time: this.#clock.now(),
      status: known ? error.status : 500,
      code: known ? error.code : 'NANO_E_INTERNAL',
      reason: known ? error.message : undefined,
      remote: ex.remote,
      ...(known ? {} : { error }),
    })
  }

  #armHeartbeat(): void {
    if (this.#heartbeat !== undefined) return
    this.#heartbeat = this.#clock.setTimeout(() => {
      this.#heartbeat = undefined
      if (this.#open.size === 0) return
      for (const sink of this.#open) sink.write(SSE_HEARTBEAT)
      this.#armHeartbeat()
    }, this.#heartbeatMs)
  }
}

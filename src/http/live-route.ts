import type { LiveHub } from '../compose/live.ts'
import { NanoError } from '../define/errors.ts'
import type { Exchange, Reply } from './exchange.ts'

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
 * The `/_nano/live` endpoint: one Server-Sent Events stream per page carrying all its live
 * fragments (`?f=<instance id>&f=…&since=<event id>`; a `Last-Event-ID` header wins over
 * `since`). Counts streams per client address and refuses more than the limit with 429.
 *
 * @example
 * const live = new LiveEndpoint(hub, { streamsPerAddress: 8 })
 * const reply = live.handle(exchange, headers)
 */
export class LiveEndpoint {
  readonly #hub: LiveHub
  readonly #perAddress: number
  readonly #heartbeatMs: number
  readonly #byAddress = new Map<string, number>()
  readonly #open = new Set<{ write(chunk: string): void }>()
  #heartbeat: NodeJS.Timeout | undefined

  constructor(hub: LiveHub, limits: LiveLimits = {}) {
    this.#hub = hub
    this.#perAddress = limits.streamsPerAddress ?? 32
    this.#heartbeatMs = limits.heartbeatMs ?? 25_000
  }

  /** Answers one request for a stream (404 before any streaming for an unknown instance). */
  async handle(ex: Exchange, headers: Record<string, string>): Promise<Reply> {
    const params = new URLSearchParams(ex.search)
    const ids = [...new Set(params.getAll('f'))]
    if (ids.length === 0 || ids.length > 256) {
      throw new NanoError('NANO_E_BAD_REQUEST', 'Name 1 to 256 live fragment instances: /_nano/live?f=<id>&f=<id>')
    }
    const instances = await this.#hub.resolve(ids)
    if (ex.method === 'HEAD') {
      headers['content-type'] = 'text/event-stream; charset=utf-8'
      return { status: 200, headers, body: '' }
    }
    const address = ex.remote ?? 'unknown'
    const count = this.#byAddress.get(address) ?? 0
    if (count >= this.#perAddress) {
      throw new NanoError(
        'NANO_E_TOO_MANY_STREAMS',
        `This address already holds ${count} live streams (the limit is ${this.#perAddress})`,
      )
    }
    this.#byAddress.set(address, count + 1)
    const since = ex.header('last-event-id') ?? params.get('since') ?? undefined
    headers['content-type'] = 'text/event-stream; charset=utf-8'
    headers['cache-control'] = 'no-store'
    headers['x-accel-buffering'] = 'no'
    return {
      status: 200,
      headers,
      body: '',
      stream: (sink) => {
        this.#open.add(sink)
        this.#armHeartbeat()
        sink.write('retry: 2000\n\n')
        const viewer = this.#hub.attach(sink, instances, since)
        sink.onClose(() => {
          this.#open.delete(sink)
          const left = (this.#byAddress.get(address) ?? 1) - 1
          if (left <= 0) this.#byAddress.delete(address)
          else this.#byAddress.set(address, left)
          this.#hub.close(viewer)
        })
      },
    }
  }

  /** Number of open streams. */
  get size(): number {
    return this.#open.size
  }

  /** Stops the heartbeat (the hub ends the streams). */
  close(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
  }

  #armHeartbeat(): void {
    if (this.#heartbeat !== undefined) return
    this.#heartbeat = setInterval(() => {
      if (this.#open.size === 0) return this.close()
      for (const sink of this.#open) sink.write(': ping\n\n')
    }, this.#heartbeatMs)
    this.#heartbeat.unref()
  }
}

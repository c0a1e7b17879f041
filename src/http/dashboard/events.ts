import { NanoError } from '../../define/errors.ts'
import type { Clock, ObservedFigures } from '../../runtime/ports.ts'
import type { Exchange, Reply, StreamSink } from '../exchange.ts'
import { SSE_RETRY, streamHeaders } from '../sse.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no event. */
const toJson = JSON.stringify

/** A stream that has this many bytes unsent is a reader that stopped reading: it is dropped. */
const MAX_BUFFERED = 1024 * 1024

/**
 * What a {@link FiguresFeed} is made with: where figures come from (undefined when nothing keeps
 * them, e.g. `metrics: false`), the clock of its timer, how often it pushes, and how many streams
 * it holds at most.
 *
 * @example
 * const init: FiguresFeedInit = { figures: undefined, clock: rt.clock, everyMs: 1000, maxStreams: 8 }
 */
export interface FiguresFeedInit {
  readonly figures: (() => ObservedFigures) | undefined
  readonly clock: Clock
  /** Default 1000 ms. */
  readonly everyMs?: number
  /** Default 8. */
  readonly maxStreams?: number
}

/**
 * The dashboard's event stream (`/_nano/dashboard/events`): every `everyMs` an `event: figures`
 * carrying the observer's figures as JSON, the same snapshot written to every open stream. The
 * first event goes out at once. The timer runs only while a stream is open. A server that keeps
 * no figures answers 404; one holding `maxStreams` streams answers 429.
 *
 * @example
 * const feed = new FiguresFeed({ figures: () => observer.figures(), clock: rt.clock })
 * const reply = feed.handle(exchange, headers)
 */
export class FiguresFeed {
  readonly #figures: (() => ObservedFigures) | undefined
  readonly #clock: Clock
  readonly #everyMs: number
  readonly #maxStreams: number
  readonly #open = new Set<StreamSink>()
  #timer: unknown

  constructor(init: FiguresFeedInit) {
    this.#figures = init.figures
    this.#clock = init.clock
    this.#everyMs = init.everyMs ?? 1000
    this.#maxStreams = init.maxStreams ?? 8
  }

  /** True when the server keeps figures to stream. */
  get available(): boolean {
    return this.#figures !== undefined
  }

  /** Number of open streams. */
  get size(): number {
    return this.#open.size
  }

  /** Answers one request for a stream; refusals come before any streaming. */
  handle(ex: Exchange, headers: Record<string, string>): Reply {
    if (!this.available) {
      throw new NanoError(
        'NANO_E_NOT_FOUND',
        'This server keeps no figures (metrics are off): start it without `metrics: false` to stream them',
      )
    }
    if (ex.method === 'HEAD') return { status: 200, headers: streamHeaders(headers), body: '' }
    if (this.#open.size >= this.#maxStreams) {
      throw new NanoError(
        'NANO_E_TOO_MANY_STREAMS',
        `The dashboard already has ${this.#open.size} open event streams (the limit is ${this.#maxStreams}): close a dashboard tab`,
      )
    }
    return {
      status: 200,
      headers: streamHeaders(headers),
      body: '',
      stream: (sink) => {
        this.#open.add(sink)
        sink.onClose(() => this.#open.delete(sink))
        sink.write(SSE_RETRY)
        const event = this.#event()
        if (event !== undefined) sink.write(event)
        this.#arm()
      },
    }
  }

  /** Ends every stream and stops the timer (shutdown). */
  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    for (const sink of [...this.#open]) sink.end()
    this.#open.clear()
  }

  #event(): string | undefined {
    const figures = this.#figures?.()
    return figures === undefined ? undefined : `event: figures\ndata: ${toJson(figures)}\n\n`
  }

  #arm(): void {
    if (this.#timer !== undefined) return
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined
      if (this.#open.size === 0) return
      const event = this.#event()
      for (const sink of this.#open) {
        if (sink.buffered() > MAX_BUFFERED) sink.drop()
        else if (event !== undefined) sink.write(event)
      }
      this.#arm()
    }, this.#everyMs)
  }
}

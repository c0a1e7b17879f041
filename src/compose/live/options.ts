import type { Duration } from '../../define/duration.ts'
import type { Caller } from '../../runtime/ports.ts'
import type { LiveFormat } from './instance.ts'

/**
 * Options of the live hub.
 *
 * @example
 * const options: LiveOptions = { bufferLimit: 1 << 20, renderTimeout: '5s', maxInstances: 20_000, idleGrace: '30s' }
 */
export interface LiveOptions {
  /** A client with more unsent bytes than this is dropped (it reconnects and catches up). Default 1 MiB. */
  readonly bufferLimit?: number
  /** Deadline of a render of a fragment without a `timeout` of its own. Default 10 s. */
  readonly renderTimeout?: Duration
  /** Instances held at once, watched or not; past it new ones are refused. Default 10,000. */
  readonly maxInstances?: number
  /**
   * How long an instance nobody watches keeps its HTML for a returning viewer, and how long after
   * the last page that showed it the hub keeps one pages showed again current for the next pages
   * (rendering it on its triggers). Default 30 s.
   */
  readonly idleGrace?: Duration
}

/**
 * What a {@link LiveHub} is made with: the runtime port it renders through and how a change is
 * framed for the wire, besides its {@link LiveOptions}.
 *
 * @example
 * const hub = new LiveHub({ caller: rt, format: fragmentEvent, maxInstances: 5000 })
 */
export interface LiveHubInit extends LiveOptions {
  readonly caller: Caller
  readonly format: LiveFormat
}

/**
 * Where a page's stream resumes for an instance it shows: its id, and the sequence after which
 * changes are new to the page.
 *
 * @example
 * const seeded: LiveSeed | undefined = hub.seed({ name: 'sport/score-box', input: { match: 'r7' }, html })
 */
export interface LiveSeed {
  readonly id: string
  readonly after: number
}

/**
 * The HTML a page can show for a live instance the hub keeps current, with its seed.
 *
 * @example
 * const shown: LiveShown | undefined = hub.shown('sport/score-box', { match: 'r7' })
 */
export interface LiveShown extends LiveSeed {
  readonly html: string
}

/**
 * What `hub.stats()` counts: instances held (watched and idle), those rendering now, open
 * viewers, and renders per instance id.
 *
 * @example
 * const { instances, viewers }: LiveStats = hub.stats()
 */
export interface LiveStats {
  readonly instances: number
  readonly watched: number
  readonly idle: number
  /** Idle instances kept current for pages (pages showed them again within `idleGrace`). */
  readonly kept: number
  readonly rendering: number
  readonly viewers: number
  readonly renders: Readonly<Record<string, number>>
}

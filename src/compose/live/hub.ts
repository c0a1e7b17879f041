import { randomBytes } from 'node:crypto'
import { type Duration, toMs } from '../../define/duration.ts'
import { NanoError } from '../../define/errors.ts'
import type { LivePolicy } from '../../define/fragment.ts'
import type { Caller } from '../../runtime/ports.ts'
import { claimId, claimShown } from './claims.ts'
import { IdleInstances } from './idle.ts'
import {
  type Instance,
  type LiveClaim,
  type LiveFormat,
  type LiveInstance,
  type LiveStream,
  newInstance,
  type Viewer,
} from './instance.ts'
import { LiveRenderer } from './renderer.ts'

const NOTHING: ReadonlySet<string> = new Set()

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
  /** How long an instance nobody watches keeps its HTML for a returning viewer. Default 30 s. */
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
 * const seeded: LiveSeed | undefined = hub.seed('sport/score-box', { match: 'r7' }, { on: 'scores' }, html)
 */
export interface LiveSeed {
  readonly id: string
  readonly after: number
}

/**
 * Keeps live fragments current in every open page. An instance (a fragment and one validated
 * input) is rendered once per change however many pages show it, on its `every` schedule or its
 * `on` topic, only while someone watches; a change is pushed only when the HTML differs, framed
 * once (`format`) and written as it is to every viewer. Event ids are `<boot>-<sequence>` with a
 * random boot, so a reconnecting client (`Last-Event-ID`) gets exactly the instances that changed
 * since, and a client of another process gets everything. Instances are stored only for accepted
 * streams and shown pages, at most `maxInstances`; one nobody watches is dropped after
 * `idleGrace`, or sooner to make room.
 *
 * @example
 * const hub = new LiveHub({ caller: rt, format: fragmentEvent })
 * const viewer = hub.attach(stream, hub.admit(await hub.resolve(ids)), lastEventId)
 */
export class LiveHub {
  readonly boot = randomBytes(6).toString('hex')
  readonly #caller: Caller
  readonly #format: LiveFormat
  readonly #bufferLimit: number
  readonly #maxInstances: number
  readonly #instances = new Map<string, Instance>()
  readonly #idle: IdleInstances
  readonly #renderer: LiveRenderer
  #seq = 0
  #viewers = 0
  #closed = false

  constructor(init: LiveHubInit) {
    this.#caller = init.caller
    this.#format = init.format
    this.#bufferLimit = init.bufferLimit ?? 1024 * 1024
    this.#maxInstances = init.maxInstances ?? 10_000
    this.#idle = new IdleInstances({
      clock: init.caller.clock,
      graceMs: toMs(init.idleGrace ?? 30_000, 'live.idleGrace'),
      expire: (instance) => this.#forget(instance),
    })
    this.#renderer = new LiveRenderer({
      caller: init.caller,
      renderTimeoutMs: toMs(init.renderTimeout ?? 10_000, 'live.renderTimeout'),
      rendered: (instance, html) => this.#changed(instance, html),
    })
  }

  /**
   * Records the HTML a page just rendered for an instance, so that only later changes are pushed:
   * its id and the sequence the page's stream resumes after (the instance's previous one when the
   * hub holds a newer HTML than the page showed). Undefined when the input does not pass the
   * fragment's schema: the page should not ask for it.
   */
  seed(name: string, input: unknown, _policy: LivePolicy, html: string | undefined): LiveSeed | undefined {
    const claim = claimShown(this.#caller, name, input)
    if (claim === undefined) return undefined
    const known = this.#instances.get(claim.id)
    if (known !== undefined) {
      return { id: claim.id, after: known.html !== undefined && known.html !== html ? known.seq - 1 : this.#seq }
    }
    if (!this.#closed && this.#room(1, NOTHING)) this.#idle.add(this.#store(newInstance(claim, html)))
    return { id: claim.id, after: this.#seq }
  }

  /** The event id for a sequence number of this process. */
  eventId(seq: number): string {
    return `${this.boot}-${seq}`
  }

  /**
   * Checks instance ids a client sent and stores nothing: each must name a public live fragment
   * (else `NANO_E_NOT_FOUND`) with an input its schema accepts (`NANO_E_INVALID_INPUT`), in the
   * canonical form of the validated input (`NANO_E_BAD_REQUEST`).
   */
  resolve(ids: readonly string[]): Promise<LiveInstance[]> {
    return Promise.all(ids.map((id) => claimId(this.#caller, id)))
  }

  /**
   * Stores the instances of an accepted stream (those not stored yet), making room by dropping
   * instances nobody watches, oldest first; refuses with `NANO_E_TOO_MANY_STREAMS` when the
   * watched ones alone would exceed `maxInstances`.
   */
  admit(resolved: readonly LiveInstance[]): LiveInstance[] {
    if (this.#closed) throw new NanoError('NANO_E_CLOSED', 'The server is shutting down')
    const ids = new Set(resolved.map((claim) => claim.id))
    let fresh = 0
    for (const id of ids) if (!this.#instances.has(id)) fresh += 1
    if (!this.#room(fresh, ids)) {
      throw new NanoError(
        'NANO_E_TOO_MANY_STREAMS',
        `The server holds too many live fragment instances (the limit is ${this.#maxInstances}); try again later`,
      )
    }
    return resolved.map((claim) => this.#instances.get(claim.id) ?? this.#idleNew(claim as LiveClaim))
  }

  /** Subscribes `stream` to instances and sends each one that changed after `since` (an event id). */
  attach(stream: LiveStream, instances: readonly LiveInstance[], since: string | undefined): Viewer {
    const viewer: Viewer = { stream, instances: [], closed: this.#closed }
    if (this.#closed) {
      stream.drop()
      return viewer
    }
    this.#viewers += 1
    const after = this.#sequenceAfter(since)
    for (const given of instances) {
      const instance = this.#instances.get(given.id) ?? this.#store(newInstance(given as LiveClaim, undefined))
      viewer.instances.push(instance)
      instance.viewers.add(viewer)
      if (instance.seq > after && instance.event !== '') stream.write(instance.event)
      if (instance.viewers.size > 1) continue
      const wasIdle = instance.idleSince !== undefined
      this.#idle.delete(instance)
      this.#renderer.start(instance)
      if (instance.html === undefined || wasIdle) this.#renderer.render(instance)
    }
    return viewer
  }

  /**
   * Unsubscribes a viewer (again is harmless). An instance nobody watches any more stops
   * rendering at once and keeps its last HTML for `idleGrace`, for a returning viewer.
   */
  close(viewer: Viewer): void {
    if (viewer.closed) return
    viewer.closed = true
    this.#viewers -= 1
    for (const instance of viewer.instances) {
      if (!instance.viewers.delete(viewer) || instance.viewers.size > 0) continue
      instance.stop?.()
      instance.stop = undefined
      if (this.#instances.get(instance.id) === instance) this.#idle.add(instance)
    }
  }

  /** Ends every stream and timer (server shutdown); later streams are refused. */
  closeAll(): void {
    this.#closed = true
    this.#idle.clear()
    for (const instance of this.#instances.values()) {
      instance.stop?.()
      for (const viewer of instance.viewers) viewer.stream.drop()
    }
    this.#instances.clear()
  }

  /**
   * Counts, for tests and the dashboard: instances held, watched and idle ones, those rendering
   * now, open viewers, and renders per instance id.
   */
  stats(): {
    instances: number
    watched: number
    idle: number
    rendering: number
    viewers: number
    renders: Record<string, number>
  } {
    const renders: Record<string, number> = {}
    let rendering = 0
    for (const instance of this.#instances.values()) {
      renders[instance.id] = instance.renders
      if (instance.rendering) rendering += 1
    }
    const size = this.#instances.size
    const idle = this.#idle.size
    return { instances: size, watched: size - idle, idle, rendering, viewers: this.#viewers, renders }
  }

  /** Makes room for `needed` more instances by dropping idle ones not in `keep`, or says there is none. */
  #room(needed: number, keep: ReadonlySet<string>): boolean {
    const spare = this.#maxInstances - this.#instances.size
    if (spare >= needed) return true
    const victims: Instance[] = []
    for (const instance of this.#idle.oldestFirst()) {
      if (keep.has(instance.id)) continue
      victims.push(instance)
      if (spare + victims.length >= needed) break
    }
    if (spare + victims.length < needed) return false
    for (const victim of victims) {
      this.#idle.delete(victim)
      this.#forget(victim)
    }
    return true
  }

  #forget(instance: Instance): void {
    if (this.#instances.get(instance.id) === instance) this.#instances.delete(instance.id)
  }

  #store(instance: Instance): Instance {
    this.#instances.set(instance.id, instance)
    return instance
  }

  #idleNew(claim: LiveClaim): Instance {
    const instance = this.#store(newInstance(claim, undefined))
    this.#idle.add(instance)
    return instance
  }

  #changed(instance: Instance, html: string): void {
    if (html === instance.html || this.#instances.get(instance.id) !== instance) return
    instance.html = html
    instance.seq = ++this.#seq
    const event = this.#format({ id: instance.id, seq: instance.seq, html }, this.eventId(instance.seq))
    instance.event = event
    for (const viewer of instance.viewers) this.#send(viewer, event)
  }

  #send(viewer: Viewer, event: string): void {
    if (viewer.stream.buffered() > this.#bufferLimit) {
      this.close(viewer)
      viewer.stream.drop()
      return
    }
    viewer.stream.write(event)
  }

  #sequenceAfter(since: string | undefined): number {
    if (since === undefined) return -1
    const dash = since.lastIndexOf('-')
    if (since.slice(0, dash) !== this.boot) return -1
    const seq = Number(since.slice(dash + 1))
    return Number.isInteger(seq) ? seq : -1
  }
}

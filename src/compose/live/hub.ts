import { randomBytes } from 'node:crypto'
import { toMs } from '../../define/duration.ts'
import { NanoError } from '../../define/errors.ts'
import { claimId, claimShown } from './claims.ts'
import type { Instance, LiveClaim, LiveFormat, LiveInstance, LiveStream, Viewer } from './instance.ts'
import type { LiveHubInit, LiveSeed, LiveShown, LiveStats } from './options.ts'
import { LiveRenderer } from './renderer.ts'
import { InstanceTable } from './table.ts'

const NOTHING: ReadonlySet<string> = new Set()

/**
 * Keeps live fragments current in every open page. An instance (a fragment and one validated
 * input) is rendered once per change however many pages show it, on its `every` schedule or its
 * `on` topic, while someone watches it or pages show it (again within `idleGrace`); a change is
 * pushed only when the HTML differs, framed once (`format`) and written as it is to every
 * viewer. Pages take the HTML of an instance kept current so ({@link LiveHub.shown}) instead of
 * rendering it again: its `live` policy says when it changes. Event ids are
 * `<boot>-<sequence>` with a random boot, so a reconnecting client (`Last-Event-ID`) gets
 * exactly the instances that changed since, and a client of another process gets everything.
 * Instances are stored only for accepted streams and shown pages, at most `maxInstances`; one
 * nobody watches is dropped `idleGrace` after its last viewer left or the last page showed it,
 * or sooner to make room.
 *
 * @example
 * const hub = new LiveHub({ caller: rt, format: fragmentEvent })
 * const viewer = hub.attach(stream, hub.admit(await hub.resolve(ids)), lastEventId)
 */
export class LiveHub {
  readonly boot = randomBytes(6).toString('hex')
  readonly #caller: LiveHubInit['caller']
  readonly #format: LiveFormat
  readonly #bufferLimit: number
  readonly #instances: InstanceTable
  readonly #renderer: LiveRenderer
  #seq = 0
  #viewers = 0
  #closed = false

  constructor(init: LiveHubInit) {
    this.#caller = init.caller
    this.#format = init.format
    this.#bufferLimit = init.bufferLimit ?? 1024 * 1024
    this.#instances = new InstanceTable({
      clock: init.caller.clock,
      graceMs: toMs(init.idleGrace ?? 30_000, 'live.idleGrace'),
      maxInstances: init.maxInstances ?? 10_000,
      dropped: (instance) => this.#renderer.end(instance),
    })
    this.#renderer = new LiveRenderer({
      caller: init.caller,
      renderTimeoutMs: toMs(init.renderTimeout ?? 10_000, 'live.renderTimeout'),
      rendered: (instance, html) => this.#changed(instance, html),
    })
  }

  /**
   * Records the HTML a page just showed for an instance, so that only later changes are pushed:
   * its id and the sequence the page's stream resumes after (the instance's previous one when the
   * hub holds a newer HTML than the page showed). An instance a page shows again while the hub
   * holds it is kept current for the next pages as if watched (rendered at once, then on its
   * triggers) until `idleGrace` after the last page that shows it: only instances pages show
   * more than once cost renders of their own, so pages naming ever new inputs make none.
   * Undefined when the input does not pass the fragment's schema: the page should not ask for it.
   */
  seed(shown: {
    readonly name: string
    readonly input: unknown
    readonly html: string | undefined
  }): LiveSeed | undefined {
    const { name, input, html } = shown
    const claim = claimShown(this.#caller, name, input)
    if (claim === undefined) return undefined
    const known = this.#instances.get(claim.id)
    if (known !== undefined) {
      const after = known.html !== undefined && known.html !== html ? known.seq - 1 : this.#seq
      if (known.viewers.size === 0) this.#keepForPages(known)
      return { id: claim.id, after }
    }
    if (!this.#closed && this.#instances.room(1, NOTHING)) this.#instances.storeIdle(claim, html)
    return { id: claim.id, after: this.#seq }
  }

  /**
   * The HTML of an instance the hub keeps current (someone watches it, or pages showed it again
   * within `idleGrace`: it is rendered again on each of its triggers and its `every` schedule),
   * when its last render succeeded, with its seed (see {@link LiveHub.seed}: a page that shows
   * this HTML needs no `seed`, and keeps the instance current as one would). A page can show it
   * instead of rendering the fragment again (a live fragment cannot `vary`, so it is the same for
   * every reader). Undefined for an instance not kept current, not rendered yet, or whose last
   * render failed (the page renders it itself).
   *
   * @example
   * const html = hub.shown('sport/score-box', { match: 'r7' })?.html ?? render()
   */
  shown(name: string, input: unknown): LiveShown | undefined {
    const claim = claimShown(this.#caller, name, input)
    const instance = claim === undefined ? undefined : this.#instances.get(claim.id)
    if (instance?.html === undefined || instance.stop === undefined || instance.failed) return undefined
    if (instance.viewers.size === 0) this.#instances.shown(instance)
    return { id: instance.id, after: this.#seq, html: instance.html }
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
    for (const id of ids) if (this.#instances.get(id) === undefined) fresh += 1
    if (!this.#instances.room(fresh, ids)) {
      throw new NanoError(
        'NANO_E_TOO_MANY_STREAMS',
        `The server holds too many live fragment instances (the limit is ${this.#instances.maxInstances}); try again later`,
      )
    }
    return resolved.map(
      (claim) => this.#instances.get(claim.id) ?? this.#instances.storeIdle(claim as LiveClaim, undefined),
    )
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
      const instance = this.#instances.get(given.id) ?? this.#instances.storeWatched(given as LiveClaim)
      viewer.instances.push(instance)
      instance.viewers.add(viewer)
      if (instance.seq > after && instance.event !== '') stream.write(instance.event)
      if (instance.viewers.size > 1) continue
      this.#instances.watched(instance)
      const current = instance.stop !== undefined && !instance.failed
      if (!current) this.#keepCurrent(instance)
    }
    return viewer
  }

  /**
   * Unsubscribes a viewer (again is harmless). An instance nobody watches any more stops
   * rendering at once and keeps its last HTML for `idleGrace`, for a returning viewer (a page
   * that shows it again keeps it current again, see {@link LiveHub.seed}).
   */
  close(viewer: Viewer): void {
    if (viewer.closed) return
    viewer.closed = true
    this.#viewers -= 1
    for (const instance of viewer.instances) {
      if (!instance.viewers.delete(viewer) || instance.viewers.size > 0) continue
      instance.stop?.()
      instance.stop = undefined
      this.#instances.unwatched(instance)
    }
  }

  /** Ends every stream and timer (server shutdown); later streams are refused. */
  closeAll(): void {
    this.#closed = true
    for (const instance of this.#instances.values()) {
      this.#renderer.end(instance)
      for (const viewer of instance.viewers) viewer.stream.drop()
    }
    this.#instances.clear()
  }

  /**
   * Counts, for tests and the dashboard: instances held, watched and idle ones, those rendering
   * now, open viewers, and renders per instance id.
   */
  stats(): LiveStats {
    const renders: Record<string, number> = {}
    let rendering = 0
    let kept = 0
    for (const instance of this.#instances.values()) {
      renders[instance.id] = instance.renders
      if (instance.rendering) rendering += 1
      if (instance.viewers.size === 0 && instance.stop !== undefined) kept += 1
    }
    const size = this.#instances.size
    const idle = this.#instances.idle
    return { instances: size, watched: size - idle, idle, kept, rendering, viewers: this.#viewers, renders }
  }

  /** A page showed again an instance nobody watches: it stays current for pages for `idleGrace` from now. */
  #keepForPages(instance: Instance): void {
    if (this.#closed) return
    this.#instances.shown(instance)
    if (instance.stop === undefined) this.#keepCurrent(instance)
  }

  /** Starts rendering an instance on its triggers, and once now (it may have changed unseen). */
  #keepCurrent(instance: Instance): void {
    if (instance.stop === undefined) this.#renderer.start(instance)
    this.#renderer.render(instance)
  }

  #changed(instance: Instance, html: string): void {
    if (html === instance.html || !this.#instances.holds(instance)) return
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

import { stringify } from 'safe-stable-stringify'
import { toMs } from '../define/duration.ts'
import { NanoError } from '../define/errors.ts'
import { isFragment, type LivePolicy } from '../define/fragment.ts'
import type { Runtime } from '../runtime/runtime.ts'

/**
 * One open Server-Sent Events connection, as the hub sees it.
 *
 * @example
 * const stream: LiveStream = { write: (s) => res.write(s), buffered: () => res.writableLength, drop: () => res.destroy() }
 */
export interface LiveStream {
  write(chunk: string): void
  /** Bytes written but not yet sent to the client. */
  buffered(): number
  /** Closes the connection at once (a client too slow to keep up). */
  drop(): void
}

/**
 * A live fragment instance (a fragment and one input), opaque outside the hub.
 *
 * @example
 * const [instance] = await hub.resolve([id])
 */
export interface LiveInstance {
  readonly id: string
}

interface Instance extends LiveInstance {
  readonly id: string
  readonly name: string
  readonly input: unknown
  readonly policy: LivePolicy
  html: string | undefined
  seq: number
  event: string
  readonly viewers: Set<Viewer>
  stop: (() => void) | undefined
  rendering: boolean
  dirty: boolean
  renders: number
  readonly created: number
  /** When the last viewer left (the instance stopped rendering), or undefined while watched. */
  idleSince: number | undefined
}

/**
 * A subscription: one stream watching some fragment instances.
 *
 * @example
 * const viewer = hub.attach(stream, await hub.resolve(['sport/score-box~eyJtYXRjaCI6InI3In0']), undefined)
 */
export interface Viewer {
  readonly stream: LiveStream
  readonly instances: Instance[]
}

/**
 * Options of the live hub.
 *
 * @example
 * const options: LiveOptions = { bufferLimit: 1 << 20 }
 */
export interface LiveOptions {
  /** A client with more unsent bytes than this is dropped (it reconnects and catches up). Default 1 MiB. */
  readonly bufferLimit?: number
}

/**
 * Keeps live fragments current in every open page. A live fragment instance (a fragment and one
 * input) is rendered once per change however many pages show it, on its `every` schedule or when
 * its `on` topic is published, only while someone watches; a change is pushed only when the HTML
 * differs, as one pre-serialized SSE event written to every viewer. Event ids are
 * `<boot>-<sequence>`, so a reconnecting client (`Last-Event-ID`) gets exactly the instances that
 * changed since, and a client of an earlier server process gets everything.
 *
 * @example
 * const hub = new LiveHub(rt)
 * const id = hub.seed('sport/score-box', { match: 'r7' }, { every: '5s' }, html)
 */
export class LiveHub {
  readonly boot = Date.now().toString(36)
  readonly #rt: Runtime
  readonly #bufferLimit: number
  readonly #instances = new Map<string, Instance>()
  #seq = 0
  #sweeper: NodeJS.Timeout | undefined

  constructor(rt: Runtime, options: LiveOptions = {}) {
    this.#rt = rt
    this.#bufferLimit = options.bufferLimit ?? 1024 * 1024
  }

  /** The id of a fragment instance: its name and canonical input, readable by any server. */
  static instanceId(name: string, input: unknown): string {
    return `${name}~${Buffer.from(stringify(input) ?? 'null').toString('base64url')}`
  }

  /**
   * Records the HTML a page just rendered for an instance, so that only later changes are pushed.
   * Returns its id and the sequence the page's stream must resume after: the instance's previous
   * one when the hub already holds a newer HTML than the page showed.
   */
  seed(name: string, input: unknown, policy: LivePolicy, html: string | undefined): { id: string; after: number } {
    const id = LiveHub.instanceId(name, input)
    const known = this.#instances.get(id)
    if (known === undefined) {
      this.#instances.set(id, this.#create(id, name, input, policy, html))
      this.#sweepLater()
      return { id, after: this.#seq }
    }
    return { id, after: known.html !== undefined && known.html !== html ? known.seq - 1 : this.#seq }
  }

  /** The event id for a sequence number of this process. */
  eventId(seq: number): string {
    return `${this.boot}-${seq}`
  }

  /**
   * The instances named by `ids` (known ones, or made from the id: a public live fragment and its
   * input). Rejects with `NANO_E_NOT_FOUND` for an id that names no live fragment.
   */
  resolve(ids: readonly string[]): Promise<LiveInstance[]> {
    return Promise.all(ids.map((id) => this.#instanceFor(id)))
  }

  /** Subscribes `stream` to instances and sends each one that changed after `since` (an event id). */
  attach(stream: LiveStream, instances: readonly LiveInstance[], since: string | undefined): Viewer {
    const viewer: Viewer = { stream, instances: instances as Instance[] }
    const after = this.#sequenceAfter(since)
    for (const instance of viewer.instances) {
      instance.viewers.add(viewer)
      if (instance.seq > after && instance.event !== '') stream.write(instance.event)
      if (instance.viewers.size > 1) continue
      this.#start(instance)
      if (instance.html === undefined || instance.idleSince !== undefined) this.#render(instance)
      instance.idleSince = undefined
    }
    return viewer
  }

  /**
   * Unsubscribes a viewer. An instance nobody watches any more stops rendering at once; its last
   * HTML is kept for a minute so that a reconnecting viewer is sent only what really changed.
   */
  close(viewer: Viewer): void {
    for (const instance of viewer.instances) {
      if (!instance.viewers.delete(viewer) || instance.viewers.size > 0) continue
      instance.stop?.()
      instance.stop = undefined
      instance.idleSince = Date.now()
      this.#sweepLater()
    }
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper)
    for (const instance of this.#instances.values()) {
      instance.stop?.()
      for (const viewer of instance.viewers) viewer.stream.drop()
    }
    this.#instances.clear()
  }

  /** Counts, for tests and the dashboard: instances held, those rendering (watched), viewers. */
  stats(): { instances: number; watched: number; viewers: number; renders: Record<string, number> } {
    const viewers = new Set<Viewer>()
    const renders: Record<string, number> = {}
    let watched = 0
    for (const instance of this.#instances.values()) {
      for (const v of instance.viewers) viewers.add(v)
      if (instance.viewers.size > 0) watched += 1
      renders[instance.id] = instance.renders
    }
    return { instances: this.#instances.size, watched, viewers: viewers.size, renders }
  }

  #sweepLater(): void {
    if (this.#sweeper !== undefined) return
    this.#sweeper = setInterval(() => {
      const cutoff = Date.now() - 60_000
      for (const [id, instance] of this.#instances) {
        if (instance.viewers.size === 0 && (instance.idleSince ?? instance.created) < cutoff) this.#instances.delete(id)
      }
      if (this.#instances.size === 0) {
        clearInterval(this.#sweeper)
        this.#sweeper = undefined
      }
    }, 30_000)
    this.#sweeper.unref()
  }

  #create(id: string, name: string, input: unknown, policy: LivePolicy, html: string | undefined): Instance {
    return {
      id,
      name,
      input,
      policy,
      html,
      seq: 0,
      event: '',
      viewers: new Set(),
      stop: undefined,
      rendering: false,
      dirty: false,
      renders: 0,
      created: Date.now(),
      idleSince: html === undefined ? undefined : Date.now(),
    }
  }

  async #instanceFor(id: string): Promise<Instance> {
    const known = this.#instances.get(id)
    if (known !== undefined) return known
    const tilde = id.indexOf('~')
    const name = id.slice(0, tilde)
    let input: unknown
    try {
      input = JSON.parse(Buffer.from(id.slice(tilde + 1), 'base64url').toString('utf8'))
    } catch {
      throw new NanoError('NANO_E_NOT_FOUND', `No live fragment instance '${id}'`)
    }
    const def = tilde <= 0 ? undefined : await this.#rt.resolve(name).catch(() => undefined)
    if (def === undefined || !isFragment(def) || def.live === undefined || def.visibility === 'internal') {
      throw new NanoError('NANO_E_NOT_FOUND', `No live fragment instance '${id}'`)
    }
    const again = this.#instances.get(id)
    if (again !== undefined) return again
    const instance = this.#create(id, name, input, def.live, undefined)
    this.#instances.set(id, instance)
    this.#sweepLater()
    return instance
  }

  #start(instance: Instance): void {
    const { every, on } = instance.policy
    const timer =
      every === undefined
        ? undefined
        : setInterval(() => this.#render(instance), Math.max(100, toMs(every, 'live.every')))
    const unsubscribe = on === undefined ? undefined : this.#rt.topics.subscribe(on, () => this.#render(instance))
    instance.stop = () => {
      if (timer !== undefined) clearInterval(timer)
      unsubscribe?.()
    }
  }

  #render(instance: Instance): void {
    if (instance.rendering) {
      instance.dirty = true
      return
    }
    instance.rendering = true
    Promise.resolve(this.#rt.invoke(instance.name, instance.input, { caller: 'live', refresh: true })).then(
      (html) => this.#rendered(instance, html as string),
      (error: unknown) => {
        instance.rendering = false
        this.#rt.sink({
          level: 'warn',
          message: `live fragment '${instance.name}' failed to render`,
          time: Date.now(),
          error,
        })
      },
    )
  }

  #rendered(instance: Instance, html: string): void {
    instance.rendering = false
    instance.renders += 1
    if (html !== instance.html && this.#instances.get(instance.id) === instance) {
      instance.html = html
      instance.seq = ++this.#seq
      instance.event = `id: ${this.boot}-${instance.seq}\nevent: fragment\ndata: ${JSON.stringify({ id: instance.id, html })}\n\n`
      for (const viewer of instance.viewers) this.#send(viewer, instance.event)
    }
    if (instance.dirty) {
      instance.dirty = false
      this.#render(instance)
    }
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

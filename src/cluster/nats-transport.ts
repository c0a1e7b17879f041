import { type Msg, type NatsConnection, nuid, type Subscription } from '@nats-io/transport-node'
import { NanoError } from '../define/errors.ts'
import { type CallDescriptor, type Clock, type ServingNode, systemClock, type Transport } from '../runtime/ports.ts'
import { callHeaders, descriptorOf } from './call-headers.ts'
import { errorReply, okReply, readReply } from './call-reply.ts'
import { Directory, parseAnnouncement } from './directory.ts'
import { abortable, isNoResponders, requestFailure } from './request-failure.ts'
import { SUBJECTS, serviceSubject } from './subjects.ts'

/**
 * Options of {@link NatsTransport}.
 *
 * @example
 * const options: NatsTransportOptions = { connection: await connect({ servers: 'nats://127.0.0.1:4222' }) }
 */
export interface NatsTransportOptions {
  /** A connected NATS client; one transport per connection. */
  readonly connection: NatsConnection
  /** Turns the remaining milliseconds of an arriving call back into a deadline; default the system clock. */
  readonly clock?: Clock
  /** Request timeout (ms) of a call without a deadline; default 30 000. */
  readonly timeout?: number
  /** {@link NatsTransport.close} also closes the connection; default false. */
  readonly ownsConnection?: boolean
  /** How long {@link NatsTransport.discover} waits for one more answer after the last (ms); default 50. */
  readonly discoverStallMs?: number
}

const DEFAULT_TIMEOUT_MS = 30_000

function withdrawn(service: string): NanoError {
  return new NanoError('NANO_E_UNAVAILABLE', `The node no longer runs the service '${service}'`, { service })
}

/**
 * The NATS {@link Transport}: runtimes on any number of machines reach each other's services.
 *
 * Calls: a service `a/b` is served on the subject `nano.svc.a.b` by a queue-group (`nano`)
 * subscription, so the nodes running it share its calls. A call is one NATS request (nats.js
 * multiplexes all of a connection's requests over one shared reply subscription): the descriptor
 * travels in headers (the deadline as milliseconds left, the trace id as a W3C `traceparent`, the
 * caller, depth, request facts, version), the input as a JSON body; the reply is `{ ok }` or
 * `{ error, service }`, rebuilt as a `NanoError` keeping its code and the service that raised it.
 * No node listening → `NANO_E_UNAVAILABLE` at once; no answer within the deadline (or 30 s
 * without one) → `NANO_E_TIMEOUT`; an aborted signal rejects with its reason. Withdrawing drains
 * the subscriptions: a call already on its way to a node that withdrew is answered
 * `NANO_E_UNAVAILABLE` rather than dropped (which would leave the caller waiting for its timeout).
 *
 * Discovery (`has`, a synchronous look-up): each serving node publishes `{ node, names }` on
 * `nano.announce` whenever what it serves changes (an empty list on withdrawal), and answers
 * requests on `nano.discover` with the same; {@link NatsTransport.discover} asks once (the
 * factory does it at start, and it is repeated after a reconnect). A node that dies without
 * withdrawing stays listed until a call to it finds no responders, which forgets the name.
 * The list is what each runtime served when it was created (`node.names()` then).
 *
 * @example
 * const transport = new NatsTransport({ connection: await connect({ servers: 'nats://127.0.0.1:4222' }) })
 * await transport.discover()
 * const rt = createRuntime({ root: './app', transport })
 */
export class NatsTransport implements Transport {
  /** This transport's id in announcements. */
  readonly node: string = nuid.next()
  readonly #nc: NatsConnection
  readonly #clock: Clock
  readonly #timeout: number
  readonly #owns: boolean
  readonly #stall: number
  readonly #directory = new Directory()
  readonly #served = new Map<ServingNode, { names: string[]; subs: Subscription[] }>()
  readonly #announcements: Subscription
  #discovery: Subscription | undefined
  #closed = false

  constructor(options: NatsTransportOptions) {
    this.#nc = options.connection
    this.#clock = options.clock ?? systemClock
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT_MS
    this.#owns = options.ownsConnection ?? false
    this.#stall = options.discoverStallMs ?? 50
    this.#announcements = this.#nc.subscribe(SUBJECTS.announce, {
      callback: (error, msg) => {
        if (error === null) this.#learn(msg)
      },
    })
    void this.#watchReconnects()
  }

  has(name: string): boolean {
    return this.#directory.has(name)
  }

  call(descriptor: CallDescriptor, input: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const service = descriptor.service
    const subject = serviceSubject(service)
    if (subject === undefined) {
      return Promise.reject(new NanoError('NANO_E_UNAVAILABLE', `No node runs the service '${service}'`, { service }))
    }
    if (signal?.aborted) return Promise.reject(signal.reason)
    const left = descriptor.deadline === null ? this.#timeout : Math.floor(descriptor.deadline - this.#clock.now())
    if (left < 1) {
      return Promise.reject(new NanoError('NANO_E_TIMEOUT', `The deadline of '${service}' had passed`, { service }))
    }
    let body: string
    try {
      body = input === undefined ? '' : JSON.stringify(input)
    } catch (cause) {
      return Promise.reject(new NanoError('NANO_E_INVALID_INPUT', `The input of '${service}' is not JSON`, { cause }))
    }
    const headers = callHeaders(descriptor, this.#clock)
    const sent = this.#nc.request(subject, body, { timeout: left, headers }).then(
      (msg) => readReply(msg.string(), service),
      (error: unknown) => {
        if (isNoResponders(error)) this.#directory.forget(service)
        throw requestFailure(error, service, left)
      },
    )
    return abortable(sent, signal)
  }

  serve(node: ServingNode): () => void {
    const names = node.names()
    const subs: Subscription[] = []
    for (const name of names) {
      const subject = serviceSubject(name)
      if (subject === undefined) continue
      subs.push(
        this.#nc.subscribe(subject, {
          queue: SUBJECTS.queue,
          callback: (error, msg) => {
            if (error !== null) return
            if (this.#served.has(node)) this.#answer(node, name, msg)
            else msg.respond(errorReply(withdrawn(name), name))
          },
        }),
      )
    }
    this.#served.set(node, { names, subs })
    this.#announce()
    return () => {
      if (!this.#served.delete(node)) return
      this.#announce()
      for (const sub of subs) this.#drain(sub)
    }
  }

  /** Asks every serving node what it runs; resolves once the answers stop coming (or none came). */
  async discover(): Promise<void> {
    try {
      const answers = await this.#nc.requestMany(SUBJECTS.discover, '', {
        strategy: 'stall',
        stall: this.#stall,
        maxWait: 2000,
      })
      for await (const msg of answers) this.#learn(msg)
    } catch {
      // No responders: no node serves anything yet (announcements will tell).
    }
  }

  /** Withdraws every service this transport serves, and closes the connection when it owns it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const subs = [...this.#served.values()].flatMap((served) => served.subs)
    this.#served.clear()
    this.#announce()
    await Promise.all(subs.map((sub) => this.#drain(sub)))
    this.#announcements.unsubscribe()
    if (this.#nc.isClosed()) return
    if (this.#owns) await this.#nc.close()
    else await this.#nc.flush()
  }

  #answer(node: ServingNode, name: string, msg: Msg): void {
    const descriptor = descriptorOf(name, msg.headers, this.#clock)
    let input: unknown
    try {
      input = msg.data.length === 0 ? undefined : msg.json()
    } catch {
      msg.respond(errorReply(new NanoError('NANO_E_BAD_JSON', `The input of '${name}' is not JSON`), name))
      return
    }
    Promise.resolve()
      .then(() => node.serve(descriptor, input))
      .then(
        (value) => msg.respond(okReply(value, name)),
        (error: unknown) => msg.respond(errorReply(error, name)),
      )
  }

  /** Stops a subscription once the calls already on their way have been answered (as withdrawn). */
  #drain(sub: Subscription): Promise<void> {
    if (this.#nc.isClosed() || sub.isClosed()) return Promise.resolve()
    return sub.drain().catch(() => {})
  }

  #learn(msg: Msg): void {
    const announcement = parseAnnouncement(msg.string())
    if (announcement !== undefined && announcement.node !== this.node) this.#directory.apply(announcement)
  }

  #names(): string[] {
    const names = new Set<string>()
    for (const served of this.#served.values()) for (const name of served.names) names.add(name)
    return [...names]
  }

  #announce(): void {
    const announcement = { node: this.node, names: this.#names() }
    this.#directory.apply(announcement)
    if (this.#nc.isClosed()) return
    this.#nc.publish(SUBJECTS.announce, JSON.stringify(announcement))
    if (announcement.names.length > 0 && this.#discovery === undefined) {
      this.#discovery = this.#nc.subscribe(SUBJECTS.discover, {
        callback: (error, msg) => {
          if (error === null) msg.respond(JSON.stringify({ node: this.node, names: this.#names() }))
        },
      })
    } else if (announcement.names.length === 0 && this.#discovery !== undefined) {
      this.#discovery.unsubscribe()
      this.#discovery = undefined
    }
  }

  async #watchReconnects(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type !== 'reconnect' || this.#closed) continue
      this.#announce()
      await this.discover()
    }
  }
}

import { type Msg, type NatsConnection, nuid, type Subscription } from '@nats-io/transport-node'
import { NanoError } from '../define/errors.ts'
import {
  type CallDescriptor,
  type Clock,
  type RemoteService,
  type ServingNode,
  systemClock,
  type Transport,
} from '../runtime/ports.ts'
import { callHeaders } from './call-headers.ts'
import { readReply } from './call-reply.ts'
import { CallServer } from './call-server.ts'
import { Directory, parseAnnouncement } from './directory.ts'
import { LostCalls } from './lost-calls.ts'
import { infoOfAll, infoOfNode } from './micro-info.ts'
import { NO_RESPONDERS, ReplyMux } from './reply-mux.ts'
import { abortable, requestFailure } from './request-failure.ts'
import { SUBJECTS, serviceSubject } from './subjects.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify

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
  /** After how long an unanswered call is looked for on the nodes (ms); default 250. */
  readonly probeAfterMs?: number
}

const DEFAULT_TIMEOUT_MS = 30_000

/**
 * The NATS {@link Transport}: runtimes on any number of machines reach each other's services.
 *
 * Calls: a service `a/b` is served on `nano.svc.a.b` by a micro endpoint in the queue group
 * `nano`, so the nodes running it share its calls. A call is one publish with a reply subject
 * on this transport's one reply subscription ({@link ReplyMux}); the descriptor travels in headers (deadline as milliseconds
 * left, W3C `traceparent`, caller, depth, request facts, version, the attempt's id), the input as
 * JSON; the reply is `{ ok }` or `{ error, service }`, rebuilt as a `NanoError` with its code.
 * No node listening → `NANO_E_UNAVAILABLE` at once; no answer by the deadline (or 30 s) →
 * `NANO_E_TIMEOUT`. A call lost with its node (see {@link LostCalls}) is sent again to another
 * node when the service is `idempotent`, within the deadline; otherwise it fails with
 * `NANO_E_UNAVAILABLE`.
 *
 * Discovery: every serving runtime is a NATS micro service `nanoweb` (one endpoint per service,
 * schemas and `uses` in metadata), and announces what it runs on `nano.announce`. A transport
 * reads all nodes' `$SRV.INFO.nanoweb` at start and after a reconnect, and a node's own when it
 * announces a change: `has` is a synchronous look-up, `describe` and `services` give the cluster's
 * descriptions to gateways and the catalog.
 *
 * @example
 * const transport = new NatsTransport({ connection: await connect({ servers: 'nats://127.0.0.1:4222' }) })
 * await transport.discover()
 * const rt = createRuntime({ root: './app', transport })
 */
export class NatsTransport implements Transport {
  readonly #id = nuid.next()
  readonly #nc: NatsConnection
  readonly #clock: Clock
  readonly #timeout: number
  readonly #owns: boolean
  readonly #stall: number
  readonly #directory = new Directory()
  readonly #servers = new Set<Promise<CallServer | undefined>>()
  readonly #announcements: Subscription
  readonly #lost: LostCalls
  readonly #mux: ReplyMux
  readonly #live: CallServer[] = []
  #discovered: Promise<void> | undefined
  #closed = false

  constructor(options: NatsTransportOptions) {
    this.#nc = options.connection
    this.#clock = options.clock ?? systemClock
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT_MS
    this.#owns = options.ownsConnection ?? false
    this.#stall = options.discoverStallMs ?? 50
    this.#mux = new ReplyMux(this.#nc)
    this.#lost = new LostCalls({
      nc: this.#nc,
      clock: this.#clock,
      probeAfterMs: options.probeAfterMs,
      nodesOf: (service) => this.#directory.nodesOf(service),
      gone: (node) => this.#directory.drop(node),
    })
    this.#announcements = this.#nc.subscribe(SUBJECTS.announce, {
      callback: (error, msg) => {
        if (error === null) this.#learn(msg)
      },
    })
    void this.#watchReconnects()
  }

  /** This node's id: the micro service id of the first runtime it serves, else its own. */
  get node(): string {
    return this.#live[0]?.id ?? this.#id
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
    let body: string
    try {
      body = input === undefined ? '' : toJson(input)
    } catch (cause) {
      return Promise.reject(new NanoError('NANO_E_INVALID_INPUT', `The input of '${service}' is not JSON`, { cause }))
    }
    return abortable(this.#attempt(descriptor, subject, body, 0), signal)
  }

  #attempt(descriptor: CallDescriptor, subject: string, body: string, tries: number): Promise<unknown> {
    const service = descriptor.service
    const left = descriptor.deadline === null ? this.#timeout : Math.floor(descriptor.deadline - this.#clock.now())
    if (left < 1) {
      return Promise.reject(new NanoError('NANO_E_TIMEOUT', `The deadline of '${service}' had passed`, { service }))
    }
    const id = nuid.next()
    const reply = this.#mux.request(subject, body, callHeaders(descriptor, this.#clock, id), id)
    this.#lost.add(id, service, this.#clock.now() + left, (why) =>
      this.#mux.cancel(id, why === 'lost' ? LOST : timedOut(service, left)),
    )
    return reply.then(
      (msg) => {
        this.#lost.delete(id)
        return readReply(msg.string(), service)
      },
      (error: unknown) => {
        this.#lost.delete(id)
        if (error === LOST) {
          if (this.#directory.description(service)?.idempotent !== true) throw lostWith(service)
          return this.#attempt(descriptor, subject, body, tries + 1)
        }
        if (error === NO_RESPONDERS) {
          this.#directory.forget(service)
          throw tries > 0 ? lostWith(service) : noNode(service)
        }
        throw error instanceof NanoError ? error : requestFailure(error, service, left)
      },
    )
  }

  serve(node: ServingNode): () => void {
    const starting = CallServer.start(this.#nc, node, this.#clock).then(
      (server) => {
        this.#live.push(server)
        this.#announce(server)
        return server
      },
      () => undefined,
    )
    this.#servers.add(starting)
    return () => {
      if (!this.#servers.delete(starting)) return
      void starting.then((server) => this.#withdraw(server))
    }
  }

  /** Resolves once the runtimes given to `serve` are served and the cluster has been asked what it runs. */
  async ready(): Promise<void> {
    await Promise.all(this.#servers)
    this.#discovered ??= this.discover()
    await this.#discovered
  }

  /** Asks every node what it runs (micro `INFO`); resolves once the answers stop coming. */
  async discover(): Promise<void> {
    const infos = await infoOfAll(this.#nc, this.#stall)
    for (const info of infos) if (!this.#isMine(info.node)) this.#directory.describe(info.node, info.services)
  }

  async describe(name: string): Promise<RemoteService | undefined> {
    await this.#describeUnknown()
    const description = this.#directory.description(name)
    return description === undefined ? undefined : { description, nodes: this.#directory.nodesOf(name) }
  }

  changes(): number {
    return this.#directory.changes
  }

  async services(): Promise<readonly RemoteService[]> {
    await this.#describeUnknown()
    return this.#directory.services()
  }

  /** Withdraws every service this transport serves, and closes the connection when it owns it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const servers = await Promise.all(this.#servers)
    this.#servers.clear()
    await Promise.all(servers.map((server) => this.#withdraw(server)))
    this.#lost.close()
    this.#mux.close(new NanoError('NANO_E_CLOSED', 'The NATS transport is closed'))
    this.#announcements.unsubscribe()
    if (this.#nc.isClosed()) return
    if (this.#owns) await this.#nc.close()
    else await this.#nc.flush()
  }

  async #describeUnknown(): Promise<void> {
    await Promise.all(
      this.#directory.undescribed().map(async (node) => {
        const info = await infoOfNode(this.#nc, node)
        if (info !== undefined) this.#directory.describe(node, info.services)
      }),
    )
  }

  async #withdraw(server: CallServer | undefined): Promise<void> {
    if (server === undefined) return
    const at = this.#live.indexOf(server)
    if (at >= 0) this.#live.splice(at, 1)
    const stopped = server.stop()
    this.#announce(server)
    await stopped
  }

  #isMine(node: string): boolean {
    return this.#live.some((server) => server.id === node)
  }

  #learn(msg: Msg): void {
    const announcement = parseAnnouncement(msg.string())
    if (announcement === undefined || this.#isMine(announcement.node)) return
    if (this.#directory.apply(announcement)) void this.#describeUnknown()
  }

  #announce(server: CallServer): void {
    if (this.#nc.isClosed()) return
    this.#nc.publish(SUBJECTS.announce, toJson({ node: server.id, names: server.names }))
  }

  async #watchReconnects(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type !== 'reconnect' || this.#closed) continue
      for (const server of this.#live) this.#announce(server)
      await this.discover()
    }
  }
}

const LOST = Symbol('lost')

function timedOut(service: string, ms: number): NanoError {
  return new NanoError('NANO_E_TIMEOUT', `'${service}' did not answer within ${ms} ms`, { service })
}

function noNode(service: string): NanoError {
  return new NanoError('NANO_E_UNAVAILABLE', `No node runs the service '${service}'`, { service })
}

function lostWith(service: string): NanoError {
  return new NanoError(
    'NANO_E_UNAVAILABLE',
    `The node running '${service}' left during the call (not retried: '${service}' is not idempotent)`,
    { service },
  )
}

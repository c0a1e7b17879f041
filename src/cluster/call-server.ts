import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node'
import { NanoError } from '../define/errors.ts'
import type { Clock, ServingNode } from '../runtime/ports.ts'
import { CALL_HEADERS, descriptorOf } from './call-headers.ts'
import { errorReply, okReply } from './call-reply.ts'
import { type MicroServing, serveOverMicro } from './micro-node.ts'
import { SUBJECTS } from './subjects.ts'

function withdrawn(service: string): NanoError {
  return new NanoError('NANO_E_UNAVAILABLE', `The node no longer runs the service '${service}'`, { service })
}

/**
 * The callee side of one runtime on NATS: its micro service (one endpoint per service), the calls
 * it is running (so a caller can tell a slow call from one lost with a node: `nano.held.<id>`),
 * and each call answered `{ ok }` or `{ error }`. Once stopped, calls still on their way are
 * answered `NANO_E_UNAVAILABLE` rather than dropped.
 *
 * @example
 * const server = await CallServer.start(nc, node, systemClock)
 * server.id // the node's id in the cluster
 * await server.stop()
 */
export class CallServer {
  readonly #node: ServingNode
  readonly #clock: Clock
  readonly #held = new Set<string>()
  #micro: MicroServing | undefined
  #heldSub: Subscription | undefined
  #stopped = false

  private constructor(node: ServingNode, clock: Clock) {
    this.#node = node
    this.#clock = clock
  }

  /** Registers the runtime's services on NATS; resolves once they are served. */
  static async start(nc: NatsConnection, node: ServingNode, clock: Clock): Promise<CallServer> {
    const server = new CallServer(node, clock)
    server.#micro = await serveOverMicro(nc, node, (name, msg) => server.#answer(name, msg))
    server.#heldSub = nc.subscribe(SUBJECTS.held + server.id, {
      callback: (error, msg) => {
        if (error === null) msg.respond(JSON.stringify(server.#holding(msg)))
      },
    })
    return server
  }

  get id(): string {
    return this.#micro?.id ?? ''
  }

  get names(): readonly string[] {
    return this.#stopped ? [] : (this.#micro?.names ?? [])
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    await this.#micro?.stop()
    this.#heldSub?.unsubscribe()
  }

  #holding(msg: Msg): string[] {
    try {
      const ids: unknown = msg.json()
      return Array.isArray(ids) ? ids.filter((id) => this.#held.has(id)) : []
    } catch {
      return []
    }
  }

  #answer(name: string, msg: Msg): void {
    if (this.#stopped) {
      msg.respond(errorReply(withdrawn(name), name))
      return
    }
    const descriptor = descriptorOf(name, msg.headers, this.#clock)
    let input: unknown
    try {
      input = msg.data.length === 0 ? undefined : msg.json()
    } catch {
      msg.respond(errorReply(new NanoError('NANO_E_BAD_JSON', `The input of '${name}' is not JSON`), name))
      return
    }
    const id = msg.headers?.get(CALL_HEADERS.call) ?? ''
    if (id !== '') this.#held.add(id)
    Promise.resolve()
      .then(() => this.#node.serve(descriptor, input))
      .then(
        (value) => {
          this.#held.delete(id)
          msg.respond(okReply(value, name))
        },
        (error: unknown) => {
          this.#held.delete(id)
          msg.respond(errorReply(error, name))
        },
      )
  }
}

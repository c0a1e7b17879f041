import { isNanoError, NanoError } from '../define/errors.ts'
import type { CallDescriptor, ServingNode, Transport } from './ports.ts'

/**
 * The in-process {@link Transport}: runtimes of one process reach each other's services through
 * it exactly as they would over the network, with the descriptor and input copied (the request
 * facts as JSON, as over the network; the rest by structured clone) and errors reduced to their wire form (code, message, issues, and the service that
 * raised them). Calls to a service that
 * several runtimes serve go round-robin. For tests, and for splitting one process into parts.
 *
 * @example
 * const transport = new InProcessTransport()
 * const server = createRuntime({ root: './app', transport })
 * const client = createRuntime({ root: './empty', transport })
 * await client.call('weather/current', { city: 'Leeds' })
 */
export class InProcessTransport implements Transport {
  readonly #nodes = new Map<string, ServingNode[]>()
  readonly #turn = new Map<string, number>()

  has(name: string): boolean {
    return (this.#nodes.get(name)?.length ?? 0) > 0
  }

  async call(descriptor: CallDescriptor, input: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const nodes = this.#nodes.get(descriptor.service)
    if (nodes === undefined || nodes.length === 0) {
      throw new NanoError('NANO_E_UNAVAILABLE', `No node runs the service '${descriptor.service}'`)
    }
    if (signal?.aborted) throw signal.reason
    const turn = (this.#turn.get(descriptor.service) ?? 0) % nodes.length
    this.#turn.set(descriptor.service, turn + 1)
    const node = nodes[turn] as ServingNode
    try {
      const sent = { ...descriptor, request: JSON.parse(JSON.stringify(descriptor.request)) }
      return structuredClone(await node.serve(sent, structuredClone(input)))
    } catch (error) {
      const wire = NanoError.fromJSON(
        isNanoError(error) ? error.toJSON() : { code: 'NANO_E_INTERNAL', message: 'Internal error' },
      )
      const service = isNanoError(error) ? (error.service ?? descriptor.service) : descriptor.service
      throw new NanoError(wire.code, wire.message, { issues: wire.issues, service })
    }
  }

  serve(node: ServingNode): () => void {
    const names = node.names()
    for (const name of names) {
      const list = this.#nodes.get(name) ?? []
      list.push(node)
      this.#nodes.set(name, list)
    }
    return () => {
      for (const name of names) {
        const list = (this.#nodes.get(name) ?? []).filter((n) => n !== node)
        if (list.length === 0) this.#nodes.delete(name)
        else this.#nodes.set(name, list)
      }
    }
  }
}

import { Svcm } from '@nats-io/services'
import type { NatsConnection } from '@nats-io/transport-node'
import type { ServiceDescription } from '../runtime/ports.ts'
import { descriptionOf } from './micro-metadata.ts'
import { MICRO_NAME } from './micro-node.ts'

/**
 * What one node runs, read from its micro `INFO`.
 *
 * @example
 * const info: NodeInfo = { node: 'NCXK…', services: [description] }
 */
export interface NodeInfo {
  readonly node: string
  readonly services: readonly ServiceDescription[]
}

/**
 * Every nanoweb node's `INFO` (`$SRV.INFO.nanoweb`), through the `@nats-io/services` client:
 * waits until no answer came for `stallMs` (at most 2 s). None when no node answers.
 *
 * @example
 * for (const { node, services } of await infoOfAll(nc, 50)) directory.describe(node, services)
 */
export async function infoOfAll(nc: NatsConnection, stallMs: number): Promise<NodeInfo[]> {
  return collect(nc, { strategy: 'stall', stall: stallMs, maxWait: 2000 }, undefined)
}

/**
 * One node's `INFO` (`$SRV.INFO.nanoweb.<id>`), or undefined when it does not answer within 2 s.
 *
 * @example
 * const info = await infoOfNode(nc, 'NCXK…')
 */
export async function infoOfNode(nc: NatsConnection, node: string): Promise<NodeInfo | undefined> {
  const [info] = await collect(nc, { strategy: 'count', maxMessages: 1, maxWait: 2000 }, node)
  return info
}

async function collect(
  nc: NatsConnection,
  options: Parameters<Svcm['client']>[0],
  node: string | undefined,
): Promise<NodeInfo[]> {
  const found: NodeInfo[] = []
  try {
    const answers = await new Svcm(nc).client(options).info(MICRO_NAME, node)
    for await (const info of answers) {
      const services = info.endpoints
        .map((endpoint) => descriptionOf(endpoint.metadata))
        .filter((description): description is ServiceDescription => description !== undefined)
      found.push({ node: info.id, services })
    }
  } catch {
    // No responders, or the connection closed: nothing more to learn now.
  }
  return found
}

import { hostname } from 'node:os'
import { Svcm } from '@nats-io/services'
import type { Msg, NatsConnection } from '@nats-io/transport-node'
import type { ServiceDescription, ServingNode } from '../runtime/ports.ts'
import { endpointMetadata, endpointName } from './micro-metadata.ts'
import { SUBJECTS, serviceSubject } from './subjects.ts'

/**
 * The micro service name every nanoweb node registers (`nats micro ls` lists it; `$SRV.INFO.nanoweb`
 * answers for every node).
 *
 * @example
 * await svcm.client().info(MICRO_NAME)
 */
export const MICRO_NAME = 'nanoweb'

const VERSION = '0.1.0'

/**
 * One runtime's services offered as a NATS micro service: its id (the node's id in the cluster),
 * the names it serves, and how to withdraw it.
 *
 * @example
 * const serving = await serveOverMicro(nc, node, answer)
 * serving.id // 'NCXK…'
 */
export interface MicroServing {
  readonly id: string
  readonly names: readonly string[]
  /** Stops answering: drains its subscriptions (calls already on their way are still answered). */
  stop(): Promise<void>
}

/**
 * Registers the micro service `nanoweb` for a runtime: one endpoint per service that loads (named
 * by {@link endpointName}, metadata by {@link endpointMetadata}), on the service's subject in the
 * queue group `nano`, so `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS` answer for it. Each arriving
 * call goes to `onCall(name, msg)`.
 *
 * @example
 * const serving = await serveOverMicro(nc, { names, serve, describe }, (name, msg) => answer(name, msg))
 */
export async function serveOverMicro(
  nc: NatsConnection,
  node: ServingNode,
  onCall: (name: string, msg: Msg) => void,
): Promise<MicroServing> {
  const described = await Promise.all(node.names().map((name) => node.describe(name)))
  const services = described.filter((d): d is ServiceDescription => d !== undefined)
  const micro = await new Svcm(nc).add({
    name: MICRO_NAME,
    version: VERSION,
    description: 'nanoweb services: one endpoint per service',
    queue: SUBJECTS.queue,
    metadata: { host: hostname(), pid: String(process.pid) },
  })
  const names: string[] = []
  for (const description of services) {
    const subject = serviceSubject(description.name)
    if (subject === undefined) continue
    const name = description.name
    micro.addEndpoint(endpointName(name), {
      subject,
      queue: SUBJECTS.queue,
      metadata: endpointMetadata(description),
      handler: (error, msg) => {
        if (error === null) onCall(name, msg)
      },
    })
    names.push(name)
  }
  return {
    id: micro.info().id,
    names,
    stop: async () => {
      await micro.stop().catch(() => {})
    },
  }
}

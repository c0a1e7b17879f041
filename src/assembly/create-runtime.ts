import { systemClock } from '../runtime/ports.ts'
import { createRuntime as createLocalRuntime, Runtime, type RuntimeOptions } from '../runtime/runtime.ts'
import { ClusterLink, type NatsOptions } from './cluster-link.ts'

/**
 * Options of {@link createRuntime}: the runtime's own, and `nats` to join a cluster.
 *
 * @example
 * const options: AppRuntimeOptions = { root: './app', nats: { servers: 'nats://127.0.0.1:4222' }, services: [] }
 */
export interface AppRuntimeOptions extends RuntimeOptions {
  /**
   * Join a NATS cluster: this runtime serves its services (those `services` selects) to the other
   * nodes and calls over NATS the services it does not run; `publish` reaches every node, and
   * `cache: { store: 'shared' }` results are kept in JetStream KV. Without it, nothing leaves the process.
   */
  readonly nats?: NatsOptions
}

/**
 * Creates a runtime for the services under `<root>/services`. With `nats`, the runtime is a node
 * of a cluster (the connection is made in the background; `rt.warm()` resolves once the cluster
 * is known); with `services: []` too, it is a client of the cluster: `rt.call` reaches every
 * service any node runs.
 *
 * @example
 * const rt = createRuntime({ root: './app', nats: { servers: 'nats://127.0.0.1:4222' }, services: [] })
 * await rt.call('geo/lookup', { city: 'Leeds' })
 * await rt.close()
 */
export function createRuntime(options: AppRuntimeOptions): Runtime {
  const { nats, ...rest } = options
  if (nats === undefined) return createLocalRuntime(rest)
  let runtime: Runtime | undefined
  const clock = rest.clock ?? systemClock
  const link = new ClusterLink(nats, clock, (error, topic) =>
    runtime?.log({ level: 'error', message: `a listener of topic '${topic}' failed`, time: clock.now(), error }),
  )
  runtime = new Runtime({
    ...rest,
    transport: rest.transport ?? link,
    ownsTransport: rest.transport === undefined,
    topics: rest.topics ?? link.topics,
    sharedCache: rest.sharedCache ?? link.sharedCache,
  })
  return runtime
}

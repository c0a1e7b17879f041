import { connect, type NodeConnectionOptions } from '@nats-io/transport-node'

export { credsAuthenticator } from '@nats-io/transport-node'

import type { CacheStore } from '../runtime/cache/store.ts'
import type { Clock } from '../runtime/ports.ts'
import type { TopicBus } from '../runtime/topics.ts'
import { openKvCacheStore } from './kv-cache-store.ts'
import { NatsTopicBus } from './nats-topics.ts'
import { NatsTransport } from './nats-transport.ts'

/**
 * How a node joins a cluster: the NATS client's connection options (`servers`, `token`,
 * `user`/`pass`, `authenticator` from a credentials file, `tls`, …) and the JetStream KV bucket of
 * the shared cache.
 *
 * @example
 * const options: ClusterOptions = { servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'], token: 's3cret' }
 */
export interface ClusterOptions extends NodeConnectionOptions {
  /** JetStream KV bucket of `cache: { store: 'shared' }`; default `nano-cache`. */
  readonly cacheBucket?: string
}

/**
 * A node's parts in a cluster, all on one NATS connection.
 *
 * @example
 * const { transport, topics, sharedCache } = await joinCluster({ servers: 'nats://127.0.0.1:4222' }, systemClock)
 */
export interface ClusterParts {
  readonly transport: NatsTransport
  readonly topics: TopicBus
  readonly sharedCache: CacheStore
  /** Withdraws this node's services and closes the connection. */
  close(): Promise<void>
}

/**
 * Connects to NATS (waiting for the first connection, then reconnecting for ever) and makes the
 * transport, the topic bus and the shared cache of one node. The KV bucket is opened on first
 * use; without JetStream the shared cache fails its reads and writes (a call never fails for
 * that: the runtime logs it and computes).
 *
 * @example
 * const parts = await joinCluster({ servers: 'nats://127.0.0.1:4222' }, systemClock)
 * const rt = createRuntime({ root, transport: parts.transport, topics: parts.topics, sharedCache: parts.sharedCache })
 */
export async function joinCluster(
  options: ClusterOptions,
  clock: Clock,
  onError: (error: unknown, topic: string) => void,
): Promise<ClusterParts> {
  const { cacheBucket, ...nats } = options
  const connection = await connect({ waitOnFirstConnect: true, maxReconnectAttempts: -1, noAsyncTraces: true, ...nats })
  const transport = new NatsTransport({ connection, clock, ownsConnection: true })
  let kv: Promise<CacheStore> | undefined
  const store = (): Promise<CacheStore> => {
    kv ??= openKvCacheStore({ connection, bucket: cacheBucket, clock })
    kv.catch(() => {
      kv = undefined
    })
    return kv
  }
  const sharedCache: CacheStore = {
    get: (key) => store().then((s) => s.get(key)),
    set: (key, entry, keepMs) => store().then((s) => s.set(key, entry, keepMs)),
    delete: (key) => store().then((s) => s.delete(key)),
    clear: () => store().then((s) => s.clear()),
  }
  return {
    transport,
    topics: new NatsTopicBus({ connection, onError }),
    sharedCache,
    close: () => transport.close(),
  }
}

import { readFileSync } from 'node:fs'
import type { ClusterOptions, ClusterParts } from '../cluster/join.ts'
import { NanoError } from '../define/errors.ts'
import type { CacheStore } from '../runtime/cache/store.ts'
import type { Clock, RemoteService, ServingNode, Transport } from '../runtime/ports.ts'
import type { TopicBus, TopicListener } from '../runtime/topics.ts'

/**
 * The `nats` option of `createRuntime` and `createServer`: the NATS client's connection options
 * (`servers`, `token`, `user`/`pass`, `tls: { caFile, certFile, keyFile }`, …), plus `credsFile`,
 * a NATS credentials file (JWT and NKey seed), and `cacheBucket`, the JetStream KV bucket of the
 * shared cache.
 *
 * @example
 * const nats: NatsOptions = { servers: ['nats://10.0.0.1:4222'], credsFile: '/etc/nats/app.creds' }
 */
export interface NatsOptions extends ClusterOptions {
  readonly credsFile?: string
}

/**
 * A node's cluster ports, usable at once: the connection is made in the background (the NATS
 * client is loaded only then), calls and publishes made meanwhile wait for it, and `ready()`
 * resolves once this node's services are offered and the cluster's are known.
 *
 * @example
 * const link = new ClusterLink({ servers: 'nats://127.0.0.1:4222' }, systemClock, onError)
 * createRuntime({ root, transport: link, topics: link.topics, sharedCache: link.sharedCache, ownsTransport: true })
 */
export class ClusterLink implements Transport {
  readonly topics: TopicBus
  readonly sharedCache: CacheStore
  readonly #parts: Promise<ClusterParts>
  #joined: ClusterParts | undefined
  #closed = false

  constructor(options: NatsOptions, clock: Clock, onError: (error: unknown, topic: string) => void) {
    this.#parts = import('../cluster/join.ts').then(async ({ joinCluster, credsAuthenticator }) => {
      const { credsFile, ...rest } = options
      const auth = credsFile === undefined ? {} : { authenticator: credsAuthenticator(readCreds(credsFile)) }
      const parts = await joinCluster({ ...rest, ...auth }, clock, onError)
      if (this.#closed) await parts.close()
      this.#joined = parts
      return parts
    })
    this.#parts.catch(() => {})
    this.topics = deferredTopics(this.#parts)
    this.sharedCache = deferredStore(this.#parts)
  }

  get node(): string | undefined {
    return this.#joined?.transport.node
  }

  has(name: string): boolean {
    return this.#joined === undefined ? true : this.#joined.transport.has(name)
  }

  call(descriptor: Parameters<Transport['call']>[0], input: unknown, signal: AbortSignal | undefined) {
    const joined = this.#joined
    if (joined !== undefined) return joined.transport.call(descriptor, input, signal)
    return this.#parts.then(
      (parts) => parts.transport.call(descriptor, input, signal),
      (error: unknown) => {
        throw unreachable(error)
      },
    )
  }

  serve(node: ServingNode): () => void {
    let withdraw: (() => void) | undefined
    let withdrawn = false
    void this.#parts.then(
      (parts) => {
        if (!withdrawn) withdraw = parts.transport.serve(node)
      },
      () => {},
    )
    return () => {
      withdrawn = true
      withdraw?.()
    }
  }

  async ready(): Promise<void> {
    const parts = await this.#parts
    await parts.transport.ready()
  }

  async describe(name: string): Promise<RemoteService | undefined> {
    return (await this.#parts).transport.describe(name)
  }

  async services(): Promise<readonly RemoteService[]> {
    return (await this.#parts).transport.services()
  }

  /** What the other nodes run changed this many times (0 until joined): see `Transport.changes`. */
  changes(): number {
    return this.#joined?.transport.changes() ?? 0
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#joined?.close()
  }
}

function readCreds(file: string): Uint8Array {
  try {
    return readFileSync(file)
  } catch (cause) {
    throw new NanoError(
      'NANO_E_BAD_REQUEST',
      `Cannot read the NATS credentials file ${file}: ${(cause as Error).message}`,
    )
  }
}

function unreachable(error: unknown): NanoError {
  const message = error instanceof Error ? error.message : String(error)
  return new NanoError('NANO_E_UNAVAILABLE', `Could not join the NATS cluster: ${message}`, { cause: error })
}

function deferredTopics(parts: Promise<ClusterParts>): TopicBus {
  return {
    publish: (topic, data) =>
      void parts.then(
        (p) => p.topics.publish(topic, data),
        () => {},
      ),
    subscribe(topic: string, listener: TopicListener): () => void {
      let stop: (() => void) | undefined
      let stopped = false
      void parts.then(
        (p) => {
          if (!stopped) stop = p.topics.subscribe(topic, listener)
        },
        () => {},
      )
      return () => {
        stopped = true
        stop?.()
      }
    },
  }
}

function deferredStore(parts: Promise<ClusterParts>): CacheStore {
  return {
    get: (key) => parts.then((p) => p.sharedCache.get(key)),
    set: (key, entry, keepMs) => parts.then((p) => p.sharedCache.set(key, entry, keepMs)),
    delete: (key) => parts.then((p) => p.sharedCache.delete(key)),
    clear: () => parts.then((p) => p.sharedCache.clear()),
  }
}

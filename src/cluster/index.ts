/**
 * The NATS cluster adapter: a {@link NatsTransport} for calls between runtimes and a
 * {@link NatsTopicBus} for publish/subscribe across them.
 *
 * @example
 * import { connectNatsTransport } from './cluster/index.ts'
 * const transport = await connectNatsTransport({ servers: 'nats://127.0.0.1:4222' })
 */
export { CALL_HEADERS } from './call-headers.ts'
export { type ConnectNatsTransportOptions, connectNatsTransport } from './connect.ts'
export {
  KvCacheStore,
  type KvCacheStoreOptions,
  type OpenKvCacheStoreOptions,
  openKvCacheStore,
} from './kv-cache-store.ts'
export { NatsTopicBus, type NatsTopicBusOptions } from './nats-topics.ts'
export { NatsTransport, type NatsTransportOptions } from './nats-transport.ts'
export { SUBJECTS, serviceSubject, topicSubject } from './subjects.ts'

import cluster from 'node:cluster'
import type { CacheStore } from '../../runtime/cache/store.ts'
import type { TopicBus } from '../../runtime/topics.ts'
import { IpcCacheStore } from './ipc-cache-store.ts'
import { IpcTopicBus } from './ipc-topic-bus.ts'

/**
 * `nanoweb start --workers <n|auto>`: a primary that supervises n worker processes serving one
 * port ({@link superviseWorkers}), and the ports through which the workers share topics and a
 * cache by way of the primary when there is no NATS ({@link workerPorts}).
 *
 * @example
 * import { superviseWorkers, workerPorts } from './cluster/workers/index.ts'
 * if (cluster.isPrimary) process.exit(await superviseWorkers({ count: 2, shutdownTimeoutMs: 10_000, log: console.error }))
 * else await createServer({ root, topics: workerPorts()?.topics })
 */
export {
  type CacheReply,
  type CacheRequest,
  type IpcChannel,
  isCacheReply,
  isCacheRequest,
  isTopicMessage,
  processChannel,
  type TopicMessage,
} from './channel.ts'
export { IpcCacheStore, type IpcCacheStoreOptions } from './ipc-cache-store.ts'
export { IpcTopicBus, type IpcTopicBusOptions } from './ipc-topic-bus.ts'
export { answerWorker } from './primary.ts'
export { type SuperviseOptions, superviseWorkers, workerCount } from './supervisor.ts'

/**
 * The shared ports of this process when it is a cluster worker.
 *
 * @example
 * const ports: WorkerPorts | undefined = workerPorts()
 */
export interface WorkerPorts {
  /** Topics published in any worker reach the listeners of all. */
  readonly topics: TopicBus
  /** A cache store whose entries live in the primary, shared by all workers. */
  readonly sharedCache: CacheStore
}

let ports: WorkerPorts | undefined

/**
 * The IPC topic bus and cache store of this worker (made once, then the same), or undefined when
 * this process is not a cluster worker.
 *
 * @example
 * const ports = workerPorts()
 * const server = await createServer({ root, ...(ports === undefined ? {} : { topics: ports.topics }) })
 */
export function workerPorts(): WorkerPorts | undefined {
  if (!cluster.isWorker) return undefined
  ports ??= { topics: new IpcTopicBus(), sharedCache: new IpcCacheStore() }
  return ports
}

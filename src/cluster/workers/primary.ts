import cluster, { type Worker } from 'node:cluster'
import type { CacheStore } from '../../runtime/cache/store.ts'
import { type CacheReply, isCacheRequest, isTopicMessage } from './channel.ts'

/**
 * The primary's side of the workers' shared bus and cache: a topic from `from` is relayed to
 * every other connected worker; a cache request is applied to `store` (the one store of all
 * workers) and answered to `from`. Messages that are not nanoweb's are ignored; a worker whose
 * channel has closed is skipped, never a throw. {@link superviseWorkers} calls it for every
 * message of every worker.
 *
 * @example
 * const store = new MemoryCacheStore()
 * worker.on('message', (message) => void answerWorker(worker, message, store))
 */
export async function answerWorker(from: Worker, message: unknown, store: CacheStore): Promise<void> {
  if (isTopicMessage(message)) {
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker !== undefined && worker !== from) sendTo(worker, message)
    }
    return
  }
  if (!isCacheRequest(message)) return
  const { id, op, key, entry, keepMs } = message
  const reply: { -readonly [K in keyof CacheReply]: CacheReply[K] } = { nano: 'cache-reply', id }
  try {
    if (op === 'get' && key !== undefined) {
      const found = await store.get(key)
      if (found !== undefined) reply.entry = found
    } else if (op === 'set' && key !== undefined && entry !== undefined) {
      await store.set(key, entry, keepMs ?? 0)
    } else if (op === 'delete' && key !== undefined) {
      await store.delete(key)
    } else if (op === 'clear') {
      await store.clear()
    }
  } catch {
    // A store that fails answers as a miss / a done write: a cache never fails a call.
  }
  sendTo(from, reply)
}

function sendTo(worker: Worker, message: object): void {
  if (!worker.isConnected()) return
  try {
    worker.send(message, undefined, () => {})
  } catch {
    // The channel closed meanwhile: the worker is going away.
  }
}

import type { CacheEntry } from '../../runtime/cache/store.ts'

/**
 * A topic published in one worker, on its way to the others (worker → primary → workers).
 *
 * @example
 * const m: TopicMessage = { nano: 'topic', topic: 'scores', data: { goal: true } }
 */
export interface TopicMessage {
  readonly nano: 'topic'
  readonly topic: string
  readonly data: unknown
}

/**
 * A worker's request to the cache held by the primary; answered by a {@link CacheReply} of the
 * same `id`.
 *
 * @example
 * const m: CacheRequest = { nano: 'cache', id: 7, op: 'get', key: 'weather@h1\u0000{}' }
 */
export interface CacheRequest {
  readonly nano: 'cache'
  readonly id: number
  readonly op: 'get' | 'set' | 'delete' | 'clear'
  readonly key?: string
  readonly entry?: CacheEntry
  readonly keepMs?: number
}

/**
 * The primary's answer to a {@link CacheRequest}: the entry for a `get` (absent on a miss), an
 * acknowledgement for the others.
 *
 * @example
 * const m: CacheReply = { nano: 'cache-reply', id: 7 }
 */
export interface CacheReply {
  readonly nano: 'cache-reply'
  readonly id: number
  readonly entry?: CacheEntry
}

/**
 * One end of an IPC channel carrying plain JSON messages: a worker's to its primary
 * ({@link processChannel}), or a test's stand-in.
 *
 * @example
 * const channel: IpcChannel = processChannel()
 * const off = channel.on((message) => console.log(message))
 * channel.send({ nano: 'topic', topic: 't', data: 1 })
 */
export interface IpcChannel {
  /** Sends `message`; false (never a throw) when the channel is closed or missing. */
  send(message: object): boolean
  /** Calls `listener` with every message received; returns a function that stops it. */
  on(listener: (message: unknown) => void): () => void
}

/**
 * This process's channel to its parent (`process.send` / `process.on('message')`). Sending on a
 * closed channel (the worker is shutting down) returns false.
 *
 * @example
 * if (cluster.isWorker) processChannel().send({ nano: 'topic', topic: 't', data: 1 })
 */
export function processChannel(): IpcChannel {
  return {
    send(message) {
      if (typeof process.send !== 'function' || !process.connected) return false
      try {
        return process.send(message, undefined, {}, () => {})
      } catch {
        return false
      }
    },
    on(listener) {
      process.on('message', listener)
      return () => {
        process.off('message', listener)
      }
    },
  }
}

/**
 * True when `value` is a {@link TopicMessage}.
 *
 * @example
 * if (isTopicMessage(message)) bus.deliver(message.topic, message.data)
 */
export function isTopicMessage(value: unknown): value is TopicMessage {
  return isRecord(value) && value.nano === 'topic' && typeof value.topic === 'string'
}

/**
 * True when `value` is a {@link CacheRequest}.
 *
 * @example
 * if (isCacheRequest(message)) answer(message)
 */
export function isCacheRequest(value: unknown): value is CacheRequest {
  return (
    isRecord(value) &&
    value.nano === 'cache' &&
    typeof value.id === 'number' &&
    (value.op === 'get' || value.op === 'set' || value.op === 'delete' || value.op === 'clear')
  )
}

/**
 * True when `value` is a {@link CacheReply}.
 *
 * @example
 * if (isCacheReply(message)) pending.get(message.id)?.(message.entry)
 */
export function isCacheReply(value: unknown): value is CacheReply {
  return isRecord(value) && value.nano === 'cache-reply' && typeof value.id === 'number'
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

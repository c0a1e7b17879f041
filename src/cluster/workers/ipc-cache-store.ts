import type { CacheEntry, CacheStore } from '../../runtime/cache/store.ts'
import { type CacheRequest, type IpcChannel, isCacheReply, processChannel } from './channel.ts'

/**
 * Options of {@link IpcCacheStore}.
 *
 * @example
 * const options: IpcCacheStoreOptions = { answerWithinMs: 500 }
 */
export interface IpcCacheStoreOptions {
  /** Where requests go to and answers come from; default this process's channel to its primary. */
  readonly channel?: IpcChannel
  /** How long a request waits for the primary's answer; then a get is a miss. Default 1000. */
  readonly answerWithinMs?: number
}

type Request = Omit<CacheRequest, 'nano' | 'id'>

/**
 * The {@link CacheStore} shared by the workers of one `nanoweb start --workers` without NATS: the
 * entries live in the primary (a `MemoryCacheStore`, see {@link answerWorker}); each method is a
 * request with an id over IPC, answered by the primary. A cache must never hang or fail a call, so
 * nothing here rejects: a request unanswered within `answerWithinMs`, or sent on a closed channel,
 * resolves (`get` to undefined, a miss).
 *
 * @example
 * const store = new IpcCacheStore()
 * await store.set('k', entry, 60_000)
 * await store.get('k') // the entry, from whichever worker set it
 */
export class IpcCacheStore implements CacheStore {
  readonly #channel: IpcChannel
  readonly #answerWithinMs: number
  readonly #pending = new Map<number, (entry: CacheEntry | undefined) => void>()
  readonly #stop: () => void
  #nextId = 1

  constructor(options: IpcCacheStoreOptions = {}) {
    this.#channel = options.channel ?? processChannel()
    this.#answerWithinMs = options.answerWithinMs ?? 1000
    this.#stop = this.#channel.on((message) => {
      if (!isCacheReply(message)) return
      this.#pending.get(message.id)?.(message.entry)
    })
  }

  get(key: string): Promise<CacheEntry | undefined> {
    return this.#ask({ op: 'get', key })
  }

  async set(key: string, entry: CacheEntry, keepMs: number): Promise<void> {
    await this.#ask({ op: 'set', key, entry, keepMs })
  }

  async delete(key: string): Promise<void> {
    await this.#ask({ op: 'delete', key })
  }

  async clear(): Promise<void> {
    await this.#ask({ op: 'clear' })
  }

  /** Stops listening to the channel; requests still waiting resolve as unanswered. */
  close(): void {
    this.#stop()
    for (const settle of [...this.#pending.values()]) settle(undefined)
  }

  #ask(request: Request): Promise<CacheEntry | undefined> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), this.#answerWithinMs)
      timer.unref()
      const settle = (entry: CacheEntry | undefined): void => {
        clearTimeout(timer)
        this.#pending.delete(id)
        resolve(entry)
      }
      this.#pending.set(id, settle)
      if (!this.#channel.send({ nano: 'cache', id, ...request })) settle(undefined)
    })
  }
}

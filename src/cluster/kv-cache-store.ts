import { createHash } from 'node:crypto'
import { type KV, Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { CacheEntry, CacheStore } from '../runtime/cache/store.ts'
import { type Clock, systemClock } from '../runtime/ports.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no cached result. */
const toJson = JSON.stringify

/**
 * Options of {@link KvCacheStore}.
 *
 * @example
 * const options: KvCacheStoreOptions = { kv: await new Kvm(nc).create('nano-cache', { history: 1 }) }
 */
export interface KvCacheStoreOptions {
  /** An open JetStream KV bucket (history 1 is enough); the store never destroys it. */
  readonly kv: KV
  /** Tells when a stored entry is past its keep time; default the system clock. */
  readonly clock?: Clock
}

/**
 * Options of {@link openKvCacheStore}.
 *
 * @example
 * const options: OpenKvCacheStoreOptions = { connection: nc, bucket: 'news-cache', maxKeepMs: 3_600_000 }
 */
export interface OpenKvCacheStoreOptions {
  /** A connected NATS client of a JetStream-enabled server; the store does not close it. */
  readonly connection: NatsConnection
  /** The bucket, one per app; default `nano-cache`. */
  readonly bucket?: string
  /**
   * The bucket's max age (ms) when this call creates it: the server drops any entry older than
   * that, whatever its own keep time; 0 keeps entries until read past their keep time or
   * cleared. Default one day. An existing bucket keeps the max age it was created with.
   */
  readonly maxKeepMs?: number
  /** See {@link KvCacheStoreOptions.clock}. */
  readonly clock?: Clock
}

interface Stored {
  readonly key: string
  readonly keepUntil: number
  readonly entry: CacheEntry
}

const DEFAULT_BUCKET = 'nano-cache'
const DEFAULT_MAX_KEEP_MS = 24 * 60 * 60 * 1000

/**
 * The NATS KV name of a cache key: KV keys allow only `[-/_=.a-zA-Z0-9]`, cache keys anything,
 * so it is the base64url SHA-256 of the key (43 characters).
 *
 * @example
 * kvKeyOf('weather/current\u0000{"city":"Leeds"}') // 'q3…' (43 characters of [-_a-zA-Z0-9])
 */
function kvKeyOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url')
}

/**
 * A {@link CacheStore} over a JetStream KV bucket, shared by every runtime using the bucket (a
 * bucket per app). Each entry is stored under {@link kvKeyOf} its key as JSON
 * `{ key, keepUntil, entry }`: a read whose stored `key` differs (a hash collision) is a miss.
 *
 * Expiry: KV on nats-server 2.9 has no per-key time to live, so `set` records `keepUntil`
 * (now + `keepMs`) and `get` answers a record past it as absent (and purges it, unless it was
 * rewritten meanwhile); the bucket's max age (see {@link OpenKvCacheStoreOptions.maxKeepMs})
 * bounds what is never read again. Freshness stays the runtime's, from the entry's own times.
 * `clear()` purges every key of the bucket (its keys, one purge each). Errors of the server
 * (unreachable, value over its max payload) reject the call.
 *
 * @example
 * const store = new KvCacheStore({ kv: await new Kvm(nc).create('nano-cache', { history: 1 }) })
 * const rt = createRuntime({ root: './app', cacheStore: store })
 */
export class KvCacheStore implements CacheStore {
  readonly #kv: KV
  readonly #clock: Clock

  constructor(options: KvCacheStoreOptions) {
    this.#kv = options.kv
    this.#clock = options.clock ?? systemClock
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const found = await this.#kv.get(kvKeyOf(key))
    if (found === null || found.operation !== 'PUT') return undefined
    const stored = found.json<Stored>()
    if (stored.key !== key) return undefined
    if (this.#clock.now() >= stored.keepUntil) {
      this.#kv.purge(kvKeyOf(key), { previousSeq: found.revision }).catch(() => undefined)
      return undefined
    }
    return stored.entry
  }

  async set(key: string, entry: CacheEntry, keepMs: number): Promise<void> {
    const stored: Stored = { key, keepUntil: this.#clock.now() + Math.max(1, Math.ceil(keepMs)), entry }
    await this.#kv.put(kvKeyOf(key), toJson(stored))
  }

  async delete(key: string): Promise<void> {
    await this.#kv.purge(kvKeyOf(key))
  }

  async clear(): Promise<void> {
    const keys: string[] = []
    for await (const k of await this.#kv.keys()) keys.push(k)
    await Promise.all(keys.map((k) => this.#kv.purge(k)))
  }
}

/**
 * Opens (creating it if need be, history 1) the KV bucket of an app's cache and returns a
 * {@link KvCacheStore} over it. The server must run JetStream.
 *
 * @example
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' })
 * const cacheStore = await openKvCacheStore({ connection: nc, bucket: 'news-cache' })
 * const rt = createRuntime({ root: './app', cacheStore })
 */
export async function openKvCacheStore(options: OpenKvCacheStoreOptions): Promise<KvCacheStore> {
  const maxKeepMs = options.maxKeepMs ?? DEFAULT_MAX_KEEP_MS
  const kv = await new Kvm(options.connection).create(options.bucket ?? DEFAULT_BUCKET, {
    history: 1,
    ...(maxKeepMs > 0 ? { ttl: maxKeepMs } : {}),
  })
  return new KvCacheStore({ kv, clock: options.clock })
}

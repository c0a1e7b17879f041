import { LRUCache } from 'lru-cache'
import type { RateLimit } from '../../define/policy.ts'
import { parseRate } from '../../define/policy-check.ts'

/** One client's bucket: tokens left when last seen, and when. */
interface Bucket {
  tokens: number
  at: number
}

/**
 * Token buckets per client key: each holds up to `burst` tokens and refills at the rate
 * (`'100/s'`); a request takes one. Memory is bounded: at most `maxClients` buckets are kept,
 * the least recently seen dropped first (a dropped client starts again with a full bucket).
 *
 * @example
 * const limiter = new TokenBuckets({ perClient: '100/s', burst: 200 })
 * const wait = limiter.take('a:203.0.113.9', Date.now()) // 0: go on; else ms until a token
 */
export class TokenBuckets {
  /** Tokens added per millisecond. */
  readonly perMs: number
  readonly burst: number
  readonly #buckets: LRUCache<string, Bucket>

  constructor(limit: RateLimit, maxClients = 100_000) {
    const perSecond = parseRate(limit.perClient, 'rateLimit.perClient')
    this.perMs = perSecond / 1000
    this.burst = limit.burst ?? Math.max(1, Math.ceil(perSecond))
    if (!(Number.isInteger(this.burst) && this.burst > 0)) {
      throw new TypeError('`rateLimit.burst` must be a whole number above 0')
    }
    this.#buckets = new LRUCache({ max: maxClients })
  }

  /** Clients with a bucket now. */
  get size(): number {
    return this.#buckets.size
  }

  /** Takes a token for `key`: 0 when there was one, else the milliseconds until there is. */
  take(key: string, now: number): number {
    const bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      this.#buckets.set(key, { tokens: this.burst - 1, at: now })
      return 0
    }
    const tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs)
    bucket.at = now
    if (tokens >= 1) {
      bucket.tokens = tokens - 1
      return 0
    }
    bucket.tokens = tokens
    return Math.ceil((1 - tokens) / this.perMs)
  }
}

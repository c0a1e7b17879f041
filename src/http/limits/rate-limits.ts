import { NanoError } from '../../define/errors.ts'
import type { RateLimit } from '../../define/policy.ts'
import type { RequestContext } from '../../define/types.ts'
import type { Exchange } from '../exchange.ts'
import { addressKey, clientAddress, type TrustProxy } from './client-address.ts'
import { TokenBuckets } from './token-bucket.ts'

/** Clients a service's own limit keeps buckets for (the server's keeps ten times as many). */
const SERVICE_CLIENTS = 10_000

/**
 * Rate limits per client: the server's (`rateLimit` on `createServer`, every request but the
 * health and readiness probes) and each service's (`rateLimit` in its spec, for its
 * `/api/<name>` calls). A client is its user id when signed in (`ctx.request.userId`), else its
 * address ({@link clientAddress}, IPv6 by /64). Over a limit: `NANO_E_RATE_LIMITED` (429) with
 * `Retry-After` in whole seconds.
 *
 * @example
 * const limits = new ClientLimits({ rateLimit: { perClient: '100/s', burst: 200 }, trustProxy: 1, now: Date.now })
 * limits.server(ex, request, headers) // throws NANO_E_RATE_LIMITED when over
 */
export class ClientLimits {
  readonly #server: TokenBuckets | undefined
  readonly #trust: TrustProxy
  readonly #now: () => number
  readonly #services = new Map<string, { readonly rule: RateLimit; readonly buckets: TokenBuckets }>()

  constructor(options: { rateLimit?: RateLimit | undefined; trustProxy?: TrustProxy | undefined; now: () => number }) {
    this.#server =
      options.rateLimit === undefined ? undefined : new TokenBuckets(options.rateLimit, 10 * SERVICE_CLIENTS)
    this.#trust = options.trustProxy ?? false
    this.#now = options.now
  }

  /** True when the server has a limit of its own. */
  get serverWide(): boolean {
    return this.#server !== undefined
  }

  /** The client key of a request: `u:<user id>` or `a:<address>`. */
  clientKey(ex: Exchange, request: RequestContext): string {
    const user = request.userId
    return user === undefined ? `a:${addressKey(clientAddress(ex, this.#trust))}` : `u:${user}`
  }

  /** Counts the request against the server's limit; throws `NANO_E_RATE_LIMITED` when over. */
  server(ex: Exchange, request: RequestContext, headers: Record<string, string>): void {
    if (this.#server === undefined) return
    const wait = this.#server.take(this.clientKey(ex, request), this.#now())
    if (wait > 0) throw limited(wait, headers, 'this server')
  }

  /** Counts a call of service `name` against its own `rule`; throws `NANO_E_RATE_LIMITED` when over. */
  service(
    name: string,
    rule: RateLimit,
    call: { readonly ex: Exchange; readonly request: RequestContext; readonly headers: Record<string, string> },
  ): void {
    let limit = this.#services.get(name)
    if (limit?.rule !== rule) {
      limit = { rule, buckets: new TokenBuckets(rule, SERVICE_CLIENTS) }
      this.#services.set(name, limit)
    }
    const wait = limit.buckets.take(this.clientKey(call.ex, call.request), this.#now())
    if (wait > 0) throw limited(wait, call.headers, `the service '${name}'`)
  }
}

function limited(waitMs: number, headers: Record<string, string>, what: string): NanoError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  headers['retry-after'] = String(seconds)
  return new NanoError('NANO_E_RATE_LIMITED', `Too many requests from this client to ${what}: retry after ${seconds} s`)
}

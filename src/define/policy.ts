import type { Duration } from './duration.ts'

/**
 * A signed-in user, as the server's `auth` found it: `ctx.request.user`. Pages that `vary` by
 * `user` use its `id`.
 *
 * @example
 * const u: User = { id: 'u42', roles: ['editor'], claims: { sub: 'u42', iss: 'https://id.example.com' } }
 */
export interface User {
  readonly id: string
  readonly roles: readonly string[]
  readonly claims: Readonly<Record<string, unknown>>
}

/**
 * Who may call a service from outside, or on behalf of an outside request:
 * - `'public'`: anyone (the default);
 * - `'user'`: any signed-in user;
 * - `{ roles }`: a signed-in user holding at least one of the roles;
 * - a function of the user (`null` when nobody is signed in) and the validated input (`In`: a
 *   spec types it from its input schema; a page's rule gets the route params).
 *
 * @example
 * access: { roles: ['editor'] }
 * access: (user, input) => user?.id === input.authorId
 */
export type Access<In = never> =
  | 'public'
  | 'user'
  | { readonly roles: readonly string[] }
  | ((user: User | null, input: In) => boolean | Promise<boolean>)

/**
 * Whether a service runs in this process (`'trusted'`, the default) or in its own V8 isolate
 * with no Node.js APIs (`'untrusted'`).
 *
 * @example
 * trust: 'untrusted'
 */
export type Trust = 'trusted' | 'untrusted'

/**
 * Resource limits of an untrusted service: isolate heap (`'64MB'`, or bytes) and CPU time per call.
 *
 * @example
 * limits: { memory: '64MB', cpu: '50ms' }
 */
export interface Limits {
  readonly memory?: string | number
  readonly cpu?: Duration
}

/**
 * What an untrusted service may reach: `fetch` only to these hosts (`host` or `host:port`).
 *
 * @example
 * allow: { fetch: ['127.0.0.1:8080', 'api.example.com'] }
 */
export interface Allow {
  readonly fetch?: readonly string[]
}

/**
 * A rate limit per client (its user id when signed in, else its address): a sustained rate
 * (`'100/s'`, `'600/m'`) and a burst (default: one second's worth of the rate).
 *
 * @example
 * rateLimit: { perClient: '100/s', burst: 200 }
 */
export interface RateLimit {
  readonly perClient: string
  readonly burst?: number
}

/**
 * How many calls of a service run at once: a number, or the number and how many more may wait
 * (default queue: the same number again); beyond that, `NANO_E_OVERLOADED`.
 *
 * @example
 * concurrency: 32
 * concurrency: { limit: 8, queue: 100 }
 */
export type Concurrency = number | { readonly limit: number; readonly queue?: number }

/**
 * The security settings a service may declare, shared by `service()`, `fragment()` and `page()`.
 *
 * @example
 * const p: SecurityPolicy = { access: 'user', rateLimit: { perClient: '10/s' }, concurrency: 4 }
 */
export interface SecurityPolicy {
  readonly trust?: Trust
  readonly limits?: Limits
  readonly allow?: Allow
  readonly access?: Access
  readonly rateLimit?: RateLimit
  readonly concurrency?: Concurrency
}

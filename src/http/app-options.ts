import type { LiveOptions } from '../compose/live/index.ts'
import type { Access, RateLimit } from '../define/policy.ts'
import type { LogSink } from '../runtime/ports.ts'
import type { AuthOptions } from './auth/options.ts'
import type { CorsOptions } from './cors.ts'
import type { TrustProxy } from './limits/client-address.ts'
import type { LiveLimits } from './live-route.ts'
import type { UserSource } from './request-context.ts'
import type { SecurityOptions } from './security-headers.ts'

/**
 * What a server does in the background after it starts listening, before `/_nano/ready`
 * answers 200: load every page and all it reaches (`pages`), every service too (`all`), or
 * nothing (false). `render` loads as `pages` does, then renders each page without route params
 * once (a `GET` with no query or cookies, its output dropped), so the first visitor after a
 * deploy meets compiled code and filled caches, here and on the nodes the page calls.
 *
 * @example
 * const warm: WarmMode = 'render'
 */
export type WarmMode = 'pages' | 'render' | 'all' | false

/**
 * Options of the gateway's request handling.
 *
 * @example
 * const options: AppOptions = { bodyLimit: 256 * 1024, title: 'news' }
 */
export interface AppOptions extends SecurityOptions {
  /** Largest accepted request body in bytes. Default 1 MiB. */
  readonly bodyLimit?: number
  /** Title of the OpenAPI document. Default 'nanoweb'. */
  readonly title?: string
  /** Version of the OpenAPI document. Default '1.0.0'. */
  readonly version?: string
  /** Where the user id passed on as `ctx.request.userId` comes from (a cookie or a header). */
  readonly user?: UserSource
  /** Limits of live fragment streams (`/_nano/live`). */
  readonly live?: LiveOptions & LiveLimits
  /** What to load after start before reporting ready. Default 'pages'. */
  readonly warm?: WarmMode
  /**
   * One `info` record per request (`message: 'request'`, method, path, status, durationMs,
   * requestId, bytes): `true` through the runtime's log sink, or through the sink given (e.g.
   * one that does not fold repeated messages, which would fold every access record into one).
   * Default false.
   */
  readonly accessLog?: boolean | LogSink
  /**
   * True while this process should not be sent traffic although warm (its event loop stalled
   * moments ago): `/_nano/ready` then answers 503 `{ ready: false, stalled: true }`. Set by
   * `createServer`'s watchdog (`stallLimit`).
   */
  readonly stalled?: () => boolean
  /**
   * Who the requests' users are: bearer JWTs (`{ jwt: { secret } }` or `{ jwt: { jwks, issuer,
   * audience } }`), API keys (`{ apiKeys: './api-keys.json' }`), or a function of the request.
   * The user found is `ctx.request.user`, its id `ctx.request.userId` (the `user` option is then
   * not read). See docs/security/access.md.
   */
  readonly auth?: AuthOptions
  /** Who may open the admin routes (`/_nano/catalog`, `/_nano/openapi.json`, …) in production. Default `{ roles: ['admin'] }`. */
  readonly admin?: Access
  /** Guard the admin routes with `admin`. Default: true when `NODE_ENV=production`. */
  readonly production?: boolean
  /**
   * A rate limit per client over every request (`/_nano/health` and `/_nano/ready` aside):
   * `{ perClient: '100/s', burst: 200 }`. Over it: 429 `NANO_E_RATE_LIMITED` with `Retry-After`.
   * A client is its user id when signed in, else its address. Default none. Services add their
   * own with `rateLimit` in their spec.
   */
  readonly rateLimit?: RateLimit
  /**
   * Which proxies in front may name the client's address in `X-Forwarded-For` (for rate limits):
   * `true` (all; the leftmost address), a number of proxies, or their addresses. Default false:
   * the socket's peer. See {@link TrustProxy}.
   */
  readonly trustProxy?: TrustProxy
  /** Cross-origin calls of `/api/*` from browsers (allowed origins, methods, credentials). Default none. */
  readonly cors?: CorsOptions
}

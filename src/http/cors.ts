import { addVary } from './conditional.ts'
import type { Exchange, Reply } from './exchange.ts'

/**
 * Which other origins a browser may call `/api/*` from (Cross-Origin Resource Sharing).
 *
 * @example
 * const cors: CorsOptions = { origins: ['https://app.example'], credentials: true, maxAge: 600 }
 */
export interface CorsOptions {
  /** Allowed origins (`scheme://host[:port]`, exactly as browsers send them), or `'*'` for any. */
  readonly origins: readonly string[] | '*'
  /** Methods a preflight allows. Default GET, HEAD, POST. */
  readonly methods?: readonly string[]
  /** Send cookies and HTTP auth cross-origin (`Access-Control-Allow-Credentials`). Not with `'*'`. Default false. */
  readonly credentials?: boolean
  /** Request headers a preflight allows. Default `content-type`. */
  readonly headers?: readonly string[]
  /** Seconds a browser may keep a preflight's answer. Default 600. */
  readonly maxAge?: number
}

const ORIGIN = /^https?:\/\/[^/\s?#]+$/i
const EXPOSED = 'x-request-id, traceparent'

/**
 * Answers CORS for `/api/*`: an allowed origin gets `Access-Control-Allow-Origin` (its own
 * origin, or `*` when any is allowed without credentials) and, with `credentials`,
 * `Access-Control-Allow-Credentials`; a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) is answered 204 with the allowed methods, headers and max
 * age. Any other origin gets no CORS header at all, so the browser keeps the answer from the
 * calling page. Answers that depend on the origin say `Vary: Origin`. Throws a `TypeError` for
 * an origin that is not `scheme://host[:port]`, or `'*'` with credentials.
 *
 * @example
 * const cors = new CorsPolicy({ origins: ['https://app.example'] })
 * const preflight = cors.apply(ex, headers) // a 204 Reply for a preflight, else undefined
 */
export class CorsPolicy {
  readonly #any: boolean
  readonly #origins: ReadonlySet<string>
  readonly #credentials: boolean
  readonly #methods: string
  readonly #headers: string
  readonly #maxAge: string

  constructor(options: CorsOptions) {
    this.#any = options.origins === '*'
    this.#credentials = options.credentials === true
    if (this.#any && this.#credentials) {
      throw new TypeError("cors: origins '*' cannot go with credentials: name the origins that may send cookies")
    }
    const origins = options.origins === '*' ? [] : options.origins
    for (const origin of origins) {
      if (!ORIGIN.test(origin)) {
        throw new TypeError(
          `cors: '${origin}' is not an origin; write it as scheme://host[:port], e.g. https://app.example`,
        )
      }
    }
    this.#origins = new Set(origins.map((origin) => origin.toLowerCase()))
    this.#methods = (options.methods ?? ['GET', 'HEAD', 'POST']).map((m) => m.toUpperCase()).join(', ')
    this.#headers = (options.headers ?? ['content-type']).join(', ')
    this.#maxAge = String(options.maxAge ?? 600)
  }

  /** Adds the CORS headers of this request; returns the answer of a preflight, else undefined. */
  apply(ex: Exchange, headers: Record<string, string>): Reply | undefined {
    const origin = ex.header('origin')
    if (!this.#any) addVary(headers, 'Origin')
    const preflight = ex.method === 'OPTIONS' && ex.header('access-control-request-method') !== undefined
    if (origin !== undefined && (this.#any || this.#origins.has(origin.toLowerCase()))) {
      headers['access-control-allow-origin'] = this.#any ? '*' : origin
      if (this.#credentials) headers['access-control-allow-credentials'] = 'true'
      if (!preflight) headers['access-control-expose-headers'] = EXPOSED
      else {
        headers['access-control-allow-methods'] = this.#methods
        headers['access-control-allow-headers'] = this.#headers
        headers['access-control-max-age'] = this.#maxAge
      }
    }
    if (!preflight) return undefined
    addVary(headers, 'Access-Control-Request-Method')
    addVary(headers, 'Access-Control-Request-Headers')
    return { status: 204, headers, body: '' }
  }
}

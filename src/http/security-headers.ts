import { randomBytes } from 'node:crypto'

/**
 * Content-Security-Policy directives of pages: each a list of sources, or `false` to drop a
 * default directive. Given directives replace the defaults of the same name
 * ({@link DEFAULT_PAGE_CSP}); the page's nonce is always added to `script-src`.
 *
 * @example
 * const csp: CspDirectives = { 'img-src': ["'self'", 'data:', 'https://images.example'], 'connect-src': false }
 */
export type CspDirectives = Readonly<Record<string, readonly string[] | false>>

/**
 * The security options of the gateway.
 *
 * @example
 * const options: SecurityOptions = { securityHeaders: { 'referrer-policy': 'no-referrer' }, csp: { 'img-src': ["'self'", 'data:'] } }
 */
export interface SecurityOptions {
  /**
   * Headers on every response ({@link DEFAULT_SECURITY_HEADERS}): an object overrides or adds
   * headers by lower-case name (`false` drops one), `false` sends none of them.
   */
  readonly securityHeaders?: false | Readonly<Record<string, string | false>>
  /** The Content-Security-Policy of pages (see {@link CspDirectives}); `false` sends none. */
  readonly csp?: false | CspDirectives
}

/**
 * Sent on every response unless `securityHeaders` says otherwise: no MIME sniffing, no full URL
 * in `Referer` to other origins, no framing by other origins (CSP `frame-ancestors` and the older
 * `X-Frame-Options`). Pages replace this `content-security-policy` with their own.
 *
 * @example
 * DEFAULT_SECURITY_HEADERS['x-content-type-options'] // 'nosniff'
 */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'SAMEORIGIN',
  'content-security-policy': "frame-ancestors 'self'",
})

/**
 * The default Content-Security-Policy of pages: everything from the page's own origin, scripts
 * only from it or carrying this response's nonce (nanoweb puts it on every inline script it
 * writes: the deferred-fragment swap, the live client), inline styles allowed (fragments and
 * layouts use them; a style cannot run code), no plugins, no `<base>` or form posts elsewhere,
 * no framing by other origins.
 *
 * @example
 * DEFAULT_PAGE_CSP['object-src'] // ["'none'"]
 */
export const DEFAULT_PAGE_CSP: CspDirectives = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
})

const NONCE_BYTES = 16
const POOL_NONCES = 256

/**
 * The security headers of one gateway, computed once: {@link SecurityHeaders.base} for every
 * response, and {@link SecurityHeaders.forPage} for each page: a fresh nonce and the policy that
 * names it. Nonces are cut from a pool of random bytes, refilled every 256 pages.
 *
 * @example
 * const security = new SecurityHeaders({ csp: { 'img-src': ["'self'", 'data:'] } })
 * const page = security.forPage() // { nonce: 'k3…', policy: "default-src 'self'; script-src 'self' 'nonce-k3…'; …" }
 */
export class SecurityHeaders {
  /** Headers for every response (may be empty). */
  readonly base: Readonly<Record<string, string>>
  readonly #before: string | undefined
  readonly #after: string
  #pool = Buffer.alloc(0)
  #taken = POOL_NONCES

  constructor(options: SecurityOptions = {}) {
    this.base = baseHeaders(options.securityHeaders)
    if (options.csp === false) {
      this.#before = undefined
      this.#after = ''
      return
    }
    const directives: Record<string, readonly string[] | false> = { ...DEFAULT_PAGE_CSP, ...options.csp }
    const nonced = directives['script-src'] !== false ? 'script-src' : 'default-src'
    const written = Object.entries(directives).filter(
      (entry): entry is [string, readonly string[]] => entry[1] !== false,
    )
    const at = written.findIndex(([name]) => name === nonced)
    if (at === -1) written.unshift([nonced, []])
    const index = Math.max(at, 0)
    const text = (list: [string, readonly string[]][]): string =>
      list.map(([name, sources]) => [name, ...sources].join(' ')).join('; ')
    const head = text(written.slice(0, index + 1))
    this.#before = `${head} 'nonce-`
    const tail = text(written.slice(index + 1))
    this.#after = tail === '' ? "'" : `'; ${tail}`
  }

  /** A fresh nonce and the page policy naming it, or undefined when `csp` is false. */
  forPage(): { readonly nonce: string; readonly policy: string } | undefined {
    if (this.#before === undefined) return undefined
    const nonce = this.#nonce()
    return { nonce, policy: `${this.#before}${nonce}${this.#after}` }
  }

  #nonce(): string {
    if (this.#taken === POOL_NONCES) {
      this.#pool = randomBytes(NONCE_BYTES * POOL_NONCES)
      this.#taken = 0
    }
    const start = this.#taken * NONCE_BYTES
    this.#taken += 1
    return this.#pool.toString('base64url', start, start + NONCE_BYTES)
  }
}

function baseHeaders(option: SecurityOptions['securityHeaders']): Readonly<Record<string, string>> {
  if (option === false) return Object.freeze({})
  const headers: Record<string, string> = { ...DEFAULT_SECURITY_HEADERS }
  for (const [name, value] of Object.entries(option ?? {})) {
    if (value === false) delete headers[name.toLowerCase()]
    else headers[name.toLowerCase()] = value
  }
  return Object.freeze(headers)
}

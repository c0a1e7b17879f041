import type { User } from '../define/policy.ts'
import type { RequestContext } from '../define/types.ts'
import type { Exchange } from './exchange.ts'

/**
 * Where the gateway finds the user id it passes on as `ctx.request.userId`: a cookie or a header
 * set by whatever authenticated the user in front of nanoweb.
 *
 * @example
 * const user: UserSource = { cookie: 'uid' }
 */
export interface UserSource {
  readonly cookie?: string
  readonly header?: string
}

const LOCALE = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/
const USER_ID = /^[\w.:@-]{1,128}$/
const MOBILE = /Mobi|Android|iPhone|iPad/i

/**
 * The allow-listed request context from a request's headers: locale (first language of
 * `Accept-Language`), device (`Sec-CH-UA-Mobile`, else the user agent) and user id (the
 * configured cookie or header). Values that do not look right are left out. With the server's
 * `auth`, `signedIn` is the user it found (null for nobody): it is `user`, and its id `userId`
 * (the cookie or header is then not read).
 *
 * @example
 * requestContextFrom(ex, { cookie: 'uid' }) // { locale: 'en-GB', device: 'desktop', userId: 'u42' }
 */
export function requestContextFrom(ex: Exchange, user: UserSource | undefined, signedIn?: User | null): RequestContext {
  return new LazyRequestContext(ex, user, signedIn)
}

/**
 * A {@link RequestContext} read from the headers only when a service first looks at it, so a
 * request whose services never do pays nothing for it.
 *
 * @example
 * const context = new LazyRequestContext(ex, { cookie: 'uid' })
 * context.locale // 'en-GB'
 */
export class LazyRequestContext implements RequestContext {
  readonly #ex: Exchange
  readonly #user: UserSource | undefined
  readonly #signedIn: User | null | undefined
  #read: RequestContext | undefined

  constructor(ex: Exchange, user: UserSource | undefined, signedIn?: User | null) {
    this.#ex = ex
    this.#user = user
    this.#signedIn = signedIn
  }

  get locale(): string | undefined {
    return this.#facts().locale
  }

  get device(): 'mobile' | 'desktop' | undefined {
    return this.#facts().device
  }

  get userId(): string | undefined {
    return this.#facts().userId
  }

  get user(): User | undefined {
    return this.#signedIn ?? undefined
  }

  toJSON(): RequestContext {
    return this.#facts()
  }

  #facts(): RequestContext {
    this.#read ??= readRequestContext(this.#ex, this.#user, this.#signedIn)
    return this.#read
  }
}

function readRequestContext(
  ex: Exchange,
  user: UserSource | undefined,
  signedIn: User | null | undefined,
): RequestContext {
  const context: { locale?: string; device?: 'mobile' | 'desktop'; userId?: string; user?: User } = {}
  const language = ex.header('accept-language')
  if (language !== undefined) {
    const first = language.split(',')[0]?.split(';')[0]?.trim()
    if (first !== undefined && LOCALE.test(first)) context.locale = first
  }
  const hint = ex.header('sec-ch-ua-mobile')
  if (hint !== undefined) context.device = hint === '?1' ? 'mobile' : 'desktop'
  else {
    const agent = ex.header('user-agent')
    if (agent !== undefined) context.device = MOBILE.test(agent) ? 'mobile' : 'desktop'
  }
  if (signedIn !== undefined) {
    if (signedIn !== null) {
      context.userId = signedIn.id
      context.user = signedIn
    }
    return context
  }
  const userId = user === undefined ? undefined : userIdFrom(ex, user)
  if (userId !== undefined && USER_ID.test(userId)) context.userId = userId
  return context
}

function userIdFrom(ex: Exchange, user: UserSource): string | undefined {
  if (user.header !== undefined) {
    const value = ex.header(user.header.toLowerCase())
    if (value !== undefined) return value
  }
  if (user.cookie === undefined) return undefined
  const cookies = ex.header('cookie')
  if (cookies === undefined) return undefined
  for (const pair of cookies.split(';')) {
    const eq = pair.indexOf('=')
    if (eq !== -1 && pair.slice(0, eq).trim() === user.cookie) {
      try {
        return decodeURIComponent(pair.slice(eq + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

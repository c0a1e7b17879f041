import { join, resolve } from 'node:path'
import FindMyWay from 'find-my-way'
import { AssetRegistry } from '../compose/assets.ts'
import { LiveHub } from '../compose/live/index.ts'
import { PageIndex } from '../compose/pages.ts'
import { isNanoError, NanoError } from '../define/errors.ts'
import type { User } from '../define/policy.ts'
import type { RequestContext } from '../define/types.ts'
import { type AccessCheck, whenAllowed } from '../runtime/access.ts'
import type { ObservedWork, Observer, RuntimeApi } from '../runtime/ports.ts'
import { AccessLog } from './access-log.ts'
import { handleApi } from './api.ts'
import type { AppOptions } from './app-options.ts'
import { adminGuard, isAdminRoute } from './auth/admin.ts'
import { Authenticator } from './auth/authenticator.ts'
import { challengeOf } from './auth/challenge.ts'
import { CorsPolicy } from './cors.ts'
import { type Exchange, errorReply, json, type MaybeReply, type Reply } from './exchange.ts'
import { FileServer } from './files.ts'
import { ClientLimits } from './limits/rate-limits.ts'
import { LiveEndpoint } from './live-route.ts'
import { observeReply } from './observe-reply.ts'
import { handlePage, htmlErrorReply } from './page-route.ts'
import { requestContextFrom, type UserSource } from './request-context.ts'
import { SecurityHeaders } from './security-headers.ts'
import { settle } from './settle.ts'
import { fragmentEvent } from './sse.ts'
import { serveDir } from './static-route.ts'
import { addToolRoutes } from './tool-routes.ts'
import { IdSource, requestIdFrom, traceContext } from './trace.ts'
import { NANO_URLS } from './urls.ts'
import { WarmUp } from './warm-up.ts'

export type { AppOptions, WarmMode } from './app-options.ts'

type NanoRoute = (ex: Exchange, headers: Record<string, string>) => Promise<Reply> | Reply
const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * The gateway's handlers, independent of any server: `handle(exchange)` answers one request.
 * Both the node:http adapter and `fetch(Request)` go through it.
 *
 * @example
 * const app = new GatewayApp(rt, {})
 * const reply = await app.handle(exchange)
 */
export class GatewayApp {
  readonly runtime: RuntimeApi
  readonly #bodyLimit: number
  readonly #router = FindMyWay<FindMyWay.HTTPVersion.V1>()
  readonly #started = Date.now()
  readonly #ids = new IdSource()
  /** Requests received and not yet answered (kept by the server adapters). */
  inFlight = 0
  /** Where the adapters report each answered request, when the `accessLog` option is on. */
  readonly accessLog: AccessLog | undefined

  readonly assets: AssetRegistry
  readonly pages: PageIndex
  readonly live: LiveHub
  readonly #liveEndpoint: LiveEndpoint
  readonly #user: UserSource | undefined
  readonly #auth: Authenticator | undefined
  readonly #admin: AccessCheck | undefined
  readonly #limits: ClientLimits
  readonly #warmUp: WarmUp
  readonly #files = new FileServer()
  readonly #public: { readonly dir: string; readonly prefix: string }
  /** The headers every response carries, and each page's CSP. */
  readonly security: SecurityHeaders
  readonly #cors: CorsPolicy | undefined
  readonly #observer: Observer | undefined
  /** Buffers that pages rendered at once are joined into, reused once written. */
  /** The tool routes (their dashboard streams end at shutdown). */
  readonly #tools: { close(): void }

  constructor(runtime: RuntimeApi, options: AppOptions) {
    this.runtime = runtime
    this.#observer = runtime.observer
    this.assets = new AssetRegistry({ servicesDir: join(runtime.root, 'services'), urlPrefix: NANO_URLS.assets })
    this.pages = new PageIndex({ root: runtime.root, caller: runtime, assets: this.assets })
    this.live = new LiveHub({ ...options.live, caller: runtime, format: fragmentEvent })
    this.#warmUp = new WarmUp(options.warm ?? 'pages', { runtime, pages: this.pages, handle: (ex) => this.handle(ex) })
    this.#liveEndpoint = new LiveEndpoint({
      ...options.live,
      hub: this.live,
      log: runtime.log,
      clock: runtime.clock,
      observer: runtime.observer,
    })
    this.#user = options.user
    this.#auth = options.auth === undefined ? undefined : new Authenticator(options.auth, runtime.root)
    this.#admin = adminGuard(options)
    this.#limits = new ClientLimits({
      rateLimit: options.rateLimit,
      trustProxy: options.trustProxy,
      now: () => runtime.clock.now(),
    })
    this.security = new SecurityHeaders(options)
    this.#cors = options.cors === undefined ? undefined : new CorsPolicy(options.cors)
    this.#bodyLimit = options.bodyLimit ?? 1024 * 1024
    const accessLog = options.accessLog
    this.accessLog = accessLog === true ? new AccessLog(runtime.log) : accessLog ? new AccessLog(accessLog) : undefined
    this.#public = { dir: resolve(runtime.root, 'public'), prefix: '/' }
    const info = { title: options.title ?? 'nanoweb', version: options.version ?? '1.0.0' }
    this.#route(NANO_URLS.health, () =>
      json(200, { status: 'ok', services: runtime.names().length, uptimeMs: Date.now() - this.#started }),
    )
    const stalled = options.stalled
    this.#route(NANO_URLS.ready, () => {
      if (stalled?.() === true) return json(503, { ready: false, stalled: true })
      const ready = this.#warmUp.ready
      return json(ready ? 200 : 503, { ready })
    })
    this.#route(NANO_URLS.live, (ex, headers) => this.#liveEndpoint.handle(ex, headers))
    this.#tools = addToolRoutes((path, route) => this.#route(path, route), {
      runtime,
      pages: this.pages,
      assets: this.assets,
      files: this.#files,
      security: this.security,
      info,
    })
  }

  /** True once warm-up is done (`/_nano/ready` answers 200). */
  get ready(): boolean {
    return this.#warmUp.ready
  }

  /**
   * Does what the `warm` option names, once (later calls return the same promise), then reports
   * ready. Never rejects: what does not load is logged, and answers its error when requested.
   */
  warm(): Promise<void> {
    return this.#warmUp.start()
  }

  /** Largest accepted request body in bytes. */
  get bodyLimit(): number {
    return this.#bodyLimit
  }

  /**
   * Answers one request; never throws. The reply is synchronous when nothing had to wait (the
   * usual case for a loaded service with a synchronous `run` and a small answer), else a
   * promise. Routes (`/api/*`, `/_nano/*`, `/_assets/*`) come first, then pages, then the files
   * of `public/`. Answers are compressed as the client accepts ({@link settle}).
   */
  handle(ex: Exchange): MaybeReply {
    const fresh = this.#ids.next()
    const requestId = requestIdFrom(ex.header('x-request-id'), fresh)
    const { traceId, parentSpanId, traceparent } = traceContext(ex.header('traceparent'), fresh)
    const headers: Record<string, string> = Object.assign(
      { 'x-request-id': requestId, traceparent },
      this.security.base,
    )
    const observer = this.#observer
    if (observer?.requests !== true) return this.#reply(ex, headers, traceId)
    const work: ObservedWork = {
      kind: 'request',
      name: `${ex.method} ${ex.path}`,
      traceId,
      parentSpanId,
      state: undefined,
    }
    return observeReply(observer, work, () => {
      if (work.traceId !== traceId) {
        const span = observer.current?.()
        headers.traceparent = `00-${work.traceId}-${span?.spanId ?? fresh.slice(16)}-01`
      }
      return this.#reply(ex, headers, work.traceId)
    })
  }

  #reply(ex: Exchange, headers: Record<string, string>, traceId: string): MaybeReply {
    let reply: MaybeReply
    try {
      reply = this.#answer(ex, headers, traceId)
    } catch (error) {
      return this.#failed(error, headers, traceId)
    }
    if (reply instanceof Promise) {
      return reply.then(
        (answered) => settle(ex, answered),
        (error: unknown) => this.#failed(error, headers, traceId),
      )
    }
    return settle(ex, reply)
  }

  #failed(error: unknown, headers: Record<string, string>, traceId: string): Reply {
    if (!isNanoError(error)) {
      this.runtime.log({ level: 'error', message: 'request failed', time: Date.now(), traceId, error })
    } else if (error.code === 'NANO_E_UNAUTHENTICATED') headers['www-authenticate'] = challengeOf(error)
    return errorReply(error, headers)
  }

  #answer(ex: Exchange, headers: Record<string, string>, traceId: string): MaybeReply {
    const path = ex.path
    if (path.charCodeAt(0) !== SLASH)
      throw new NanoError('NANO_E_BAD_REQUEST', 'The request target must be a path starting with /')
    if (this.#auth === undefined || !needsUser(path)) return this.#dispatch(ex, headers, traceId, undefined)
    if (path.startsWith('/api/') || path.startsWith('/_nano/')) {
      return this.#signedIn(ex, (user) => this.#dispatch(ex, headers, traceId, user))
    }
    try {
      const reply = this.#signedIn(ex, (user) => this.#dispatch(ex, headers, traceId, user))
      return reply instanceof Promise
        ? reply.catch((error: unknown) => this.#pageError(error, headers, traceId))
        : reply
    } catch (error) {
      return this.#pageError(error, headers, traceId)
    }
  }

  /** Answers with the request's user known (undefined without `auth`, null when nobody signed in). */
  #dispatch(ex: Exchange, headers: Record<string, string>, traceId: string, user: User | null | undefined): MaybeReply {
    const path = ex.path
    let request: RequestContext | undefined
    if (this.#limits.serverWide && path !== NANO_URLS.ready && path !== NANO_URLS.health) {
      request = requestContextFrom(ex, this.#user, user)
      this.#limits.server(ex, request, headers)
    }
    if (path.startsWith('/api/')) {
      const preflight = this.#cors?.apply(ex, headers)
      if (preflight !== undefined) return preflight
      return handleApi(this.runtime, ex, {
        name: serviceName(path),
        traceId,
        headers,
        bodyLimit: this.#bodyLimit,
        request: request ?? requestContextFrom(ex, this.#user, user),
        limits: this.#limits,
      })
    }
    const found = this.#router.find(ex.method as FindMyWay.HTTPMethod, path)
    if (found !== null) {
      const route = found.handler as unknown as NanoRoute
      if (this.#admin === undefined || !isAdminRoute(path)) return route(ex, headers)
      return this.#asAdmin(user ?? null, () => route(ex, headers))
    }
    if (path.includes('%')) checkEncoding(path)
    const page = this.pages.match(path)
    if (page === undefined) {
      if (path.startsWith('/_nano/') || path.startsWith(NANO_URLS.staticFiles)) {
        throw this.#missing(ex.method, path, headers)
      }
      return serveDir(this.#files, this.#public, ex, headers)
    }
    const csp = this.security.forPage()
    if (csp !== undefined) headers['content-security-policy'] = csp.policy
    const call = {
      caller: this.runtime,
      pages: this.pages,
      traceId,
      request: request ?? requestContextFrom(ex, this.#user, user),
      headers,
      live: this.live,
      nonce: csp?.nonce,
    }
    const observer = this.#observer
    const answer = (): MaybeReply => handlePage(ex, page.entry, page.params, call)
    const render = (): MaybeReply => {
      try {
        const reply =
          observer?.begin === undefined && observer?.run === undefined
            ? answer()
            : observeReply(observer, pageWork(page.entry.route, traceId), answer)
        return reply instanceof Promise
          ? reply.catch((error: unknown) => this.#pageError(error, headers, traceId))
          : reply
      } catch (error) {
        return this.#pageError(error, headers, traceId)
      }
    }
    const wait = this.#warmUp.pageWait(ex)
    return wait === undefined ? render() : wait.then(render)
  }

  /** Runs `next` with the request's user (undefined without `auth`, null when nobody signed in). */
  #signedIn(ex: Exchange, next: (user: User | null | undefined) => MaybeReply): MaybeReply {
    const found = this.#auth?.authenticate(ex)
    return found instanceof Promise ? found.then(next) : next(found)
  }

  #asAdmin(user: User | null, route: () => MaybeReply): MaybeReply {
    return whenAllowed((this.#admin as AccessCheck)(user, undefined), route)
  }

  #route(path: string, route: (ex: Exchange, headers: Record<string, string>) => Promise<Reply> | Reply): void {
    const handler = async (ex: Exchange, headers: Record<string, string>): Promise<Reply> => {
      const reply = await route(ex, headers)
      Object.assign(reply.headers, headers)
      return reply
    }
    this.#router.on(['GET', 'HEAD'], path, handler as never)
  }

  /** Ends every live stream (shutdown). */
  closeLive(): void {
    this.#liveEndpoint.close()
    this.live.closeAll()
    this.#tools.close()
  }

  #pageError(error: unknown, headers: Record<string, string>, traceId: string): Reply {
    if (isNanoError(error) && error.code === 'NANO_E_METHOD_NOT_ALLOWED') return errorReply(error, headers)
    if (!isNanoError(error) || error.status >= 500) {
      this.runtime.log({ level: 'error', message: 'page failed', time: Date.now(), traceId, error })
    }
    const nano = isNanoError(error)
      ? error
      : new NanoError('NANO_E_INTERNAL', `The page could not be rendered (trace ${traceId})`)
    if (nano.code === 'NANO_E_UNAUTHENTICATED') headers['www-authenticate'] = challengeOf(nano)
    return htmlErrorReply(nano, headers)
  }

  #missing(method: string, path: string, headers: Record<string, string>): NanoError {
    const allowed = ROUTE_METHODS.filter((m) => this.#router.find(m, path) !== null)
    if (allowed.length === 0) return new NanoError('NANO_E_NOT_FOUND', `Nothing at ${path}`)
    headers.allow = allowed.join(', ')
    return new NanoError('NANO_E_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${headers.allow}`)
  }
}

const SLASH = 47

function checkEncoding(path: string): void {
  try {
    decodeURIComponent(path)
  } catch {
    throw new NanoError('NANO_E_BAD_REQUEST', `The path ${path} is not valid percent-encoding`)
  }
}

function serviceName(path: string): string {
  let raw = path.slice(5)
  if (raw.endsWith('/')) raw = raw.slice(0, -1)
  try {
    return raw.includes('%') ? decodeURIComponent(raw) : raw
  } catch {
    throw new NanoError('NANO_E_BAD_REQUEST', `The path ${path} is not valid percent-encoding`)
  }
}

/** Paths where the user matters: the API, pages and the admin routes (not files, health or live). */
function needsUser(path: string): boolean {
  if (path.startsWith('/_nano/')) return isAdminRoute(path)
  return !path.startsWith(NANO_URLS.staticFiles)
}

function pageWork(route: string, traceId: string): ObservedWork {
  return { kind: 'page', name: route, traceId, parentSpanId: undefined, state: undefined }
}

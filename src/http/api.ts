import { NanoError } from '../define/errors.ts'
import { isFragment } from '../define/fragment.ts'
import { toJsonSchema } from '../define/schema.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { RequestContext } from '../define/types.ts'
import { notFound } from '../runtime/not-found.ts'
import type { Caller } from '../runtime/ports.ts'
import { type Exchange, json, type MaybeReply, type Reply } from './exchange.ts'
import type { ClientLimits } from './limits/rate-limits.ts'
import { queryToInput } from './query.ts'
import { cacheable } from './service-cache.ts'

/** `JSON.parse` as it was when nanoweb loaded: a service that replaces it changes no request. */
const fromJson = JSON.parse

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i
const NO_REQUEST: RequestContext = Object.freeze({})
const querySchemas = new WeakMap<ServiceDefinition, Record<string, unknown>>()

/**
 * Per-request facts the API handler needs besides the exchange.
 *
 * @example
 * const call: ApiCall = { name: 'weather/current', traceId, headers: {}, bodyLimit: 1 << 20 }
 */
export interface ApiCall {
  readonly name: string
  readonly traceId: string
  readonly headers: Record<string, string>
  readonly bodyLimit: number
  readonly request?: RequestContext
  /** Where a service's own `rateLimit` is counted; none: not counted. */
  readonly limits?: ClientLimits
}

/**
 * Answers `/api/<name>`: `POST` with a JSON body for every public service, `GET`/`HEAD` with
 * query parameters for idempotent ones (cacheable by HTTP caches when the service declares
 * `cache`: see {@link cacheable}). Internal services are not found from outside. A service's
 * `rateLimit` counts each call per client here (calls from pages and other services do not).
 *
 * @example
 * const reply = await handleApi(rt, exchange, { name: 'weather/current', traceId, headers: {}, bodyLimit: 1 << 20 })
 */
export function handleApi(rt: Caller, ex: Exchange, call: ApiCall): MaybeReply {
  const def = rt.loaded(call.name)
  if (def === undefined) return resolveFromOutside(rt, call.name).then((loaded) => answer(rt, ex, call, loaded))
  return answer(rt, ex, call, def)
}

function answer(rt: Caller, ex: Exchange, call: ApiCall, def: ServiceDefinition): MaybeReply {
  if (def.visibility === 'internal') throw notFound(call.name)
  const rule = def.policy.rateLimit
  if (rule !== undefined && call.limits !== undefined) {
    call.limits.service(call.name, rule, { ex, request: call.request ?? NO_REQUEST, headers: call.headers })
  }
  const method = ex.method
  if (method === 'POST') {
    const type = ex.header('content-type')
    if (type !== undefined && !JSON_TYPE.test(type)) throw unsupported(type)
    const body = ex.body(call.bodyLimit)
    if (body instanceof Promise) return body.then((bytes) => run(rt, call, parseJson(bytes, type), def))
    return run(rt, call, parseJson(body, type), def)
  }
  if ((method === 'GET' || method === 'HEAD') && def.idempotent) {
    const reply = run(rt, call, queryToInput(ex.search, querySchemaOf(def)), def)
    if (def.cache === undefined) return reply
    return reply instanceof Promise ? reply.then((settled) => cacheable(def, ex, settled)) : cacheable(def, ex, reply)
  }
  throw methodNotAllowed(method, def, call.headers)
}

function run(rt: Caller, call: ApiCall, input: unknown, def: ServiceDefinition): MaybeReply {
  const output = rt.invoke(call.name, input, { caller: 'http', traceId: call.traceId, request: call.request })
  const answer = isFragment(def) ? htmlReply : json
  if (output instanceof Promise) return output.then((value) => answer(200, value, call.headers))
  return answer(200, output, call.headers)
}

function htmlReply(status: number, markup: unknown, headers: Record<string, string>): Reply {
  headers['content-type'] = 'text/html; charset=utf-8'
  return { status, headers, body: markup as string }
}

/**
 * The methods `/api/<name>` accepts for a service.
 *
 * @example
 * allowedMethods(def) // 'POST' or 'GET, HEAD, POST'
 */
function allowedMethods(def: ServiceDefinition): string {
  return def.idempotent ? 'GET, HEAD, POST' : 'POST'
}

function resolveFromOutside(rt: Caller, name: string): Promise<ServiceDefinition> {
  return rt.resolve(name).catch((error: unknown) => {
    throw error instanceof NanoError && error.code === 'NANO_E_NOT_FOUND' ? notFound(name) : error
  })
}

function parseJson(bytes: Uint8Array, type: string | undefined): unknown {
  if (type === undefined) {
    if (bytes.length === 0) return {}
    throw unsupported(type)
  }
  const text = Buffer.isBuffer(bytes) ? bytes.toString() : Buffer.from(bytes).toString()
  try {
    return fromJson(text)
  } catch (error) {
    throw new NanoError('NANO_E_BAD_JSON', `The request body is not valid JSON: ${(error as Error).message}`)
  }
}

function querySchemaOf(def: ServiceDefinition): Record<string, unknown> {
  let schema = querySchemas.get(def)
  if (schema === undefined) {
    schema = toJsonSchema(def.input, 'input')
    querySchemas.set(def, schema)
  }
  return schema
}

function unsupported(type: string | undefined): NanoError {
  const got = type === undefined ? 'no content type' : `'${type}'`
  return new NanoError(
    'NANO_E_UNSUPPORTED_MEDIA_TYPE',
    `Send the input as JSON with 'content-type: application/json' (got ${got})`,
  )
}

function methodNotAllowed(method: string, def: ServiceDefinition, headers: Record<string, string>): NanoError {
  const allow = allowedMethods(def)
  headers.allow = allow
  const hint = def.idempotent ? '' : ' (GET needs a service marked idempotent)'
  return new NanoError('NANO_E_METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allow}${hint}`)
}

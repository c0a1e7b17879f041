import { hash } from 'node:crypto'
import { toMs } from '../define/duration.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { VaryKey } from '../define/types.ts'
import { addVary, isFresh, notModified } from './conditional.ts'
import { atLeastBytes, COMPRESS_MIN_BYTES } from './encode.ts'
import type { Exchange, Reply } from './exchange.ts'
import { isCompressible } from './mime.ts'

const policies = new WeakMap<ServiceDefinition, CachePolicyHeaders>()

interface CachePolicyHeaders {
  readonly cacheControl: string
  readonly vary: readonly string[]
}

/** The request headers each request fact is read from (see request-context.ts). */
const VARY_HEADERS: Readonly<Record<VaryKey, readonly string[]>> = {
  locale: ['Accept-Language'],
  device: ['Sec-CH-UA-Mobile', 'User-Agent'],
  user: [],
}

/**
 * Makes the `GET`/`HEAD` answer of an idempotent service that declares `cache` cacheable by HTTP
 * caches as the runtime caches it: `Cache-Control: public, max-age=<ttl>` (`private` when
 * `cache.vary` names `user` or the service has an `access` rule, so no shared cache serves one
 * user's answer to another), with `stale-while-revalidate` and `stale-if-error` when declared
 * (seconds, rounded down), `Vary` for the request facts it varies by, and a strong `ETag` (a
 * hash of the body). A request whose `If-None-Match` names that tag gets `304` without a body.
 *
 * @example
 * return cacheable(def, ex, json(200, output, headers))
 */
export function cacheable(def: ServiceDefinition, ex: Exchange, reply: Reply): Reply {
  const policy = policyOf(def)
  if (policy === undefined || reply.status !== 200) return reply
  const headers = reply.headers
  headers['cache-control'] = policy.cacheControl
  for (const name of policy.vary) addVary(headers, name)
  const etag = `"${hash('sha1', reply.body, 'base64url')}"`
  headers.etag = etag
  if (!isFresh(ex, etag)) return reply
  if (atLeastBytes(reply.body, COMPRESS_MIN_BYTES) && isCompressible(headers['content-type'])) {
    addVary(headers, 'Accept-Encoding')
  }
  return notModified(reply)
}

function policyOf(def: ServiceDefinition): CachePolicyHeaders | undefined {
  const cache = def.cache
  if (cache === undefined) return undefined
  let policy = policies.get(def)
  if (policy === undefined) {
    const vary = cache.vary ?? []
    const seconds = (d: typeof cache.ttl | undefined): number => (d === undefined ? 0 : Math.floor(toMs(d) / 1000))
    const access = def.policy?.access
    const personal = vary.includes('user') || (access !== undefined && access !== 'public')
    let cacheControl = `${personal ? 'private' : 'public'}, max-age=${seconds(cache.ttl)}`
    const swr = seconds(cache.staleWhileRevalidate)
    if (swr > 0) cacheControl += `, stale-while-revalidate=${swr}`
    const sie = seconds(cache.staleIfError)
    if (sie > 0) cacheControl += `, stale-if-error=${sie}`
    policy = { cacheControl, vary: vary.flatMap((fact) => VARY_HEADERS[fact] ?? []) }
    policies.set(def, policy)
  }
  return policy
}

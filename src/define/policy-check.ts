import { toMs } from './duration.ts'
import type { SecurityPolicy } from './policy.ts'

export type { SecurityPolicy } from './policy.ts'

const NO_POLICY: SecurityPolicy = Object.freeze({})

/**
 * The security settings of a spec, checked and frozen (`{}` when it declares none). Throws a
 * `TypeError` naming the field that is wrong.
 *
 * @example
 * policyOf({ access: 'user', concurrency: 8 }) // { access: 'user', concurrency: 8 }
 */
export function policyOf(spec: SecurityPolicy): SecurityPolicy {
  const { trust, limits, allow, access, rateLimit, concurrency } = spec
  if ([trust, limits, allow, access, rateLimit, concurrency].every((v) => v === undefined)) return NO_POLICY
  if (trust !== undefined && trust !== 'trusted' && trust !== 'untrusted')
    throw new TypeError(`\`trust\` must be 'trusted' or 'untrusted', not ${JSON.stringify(trust)}`)
  if (limits !== undefined) {
    if (limits.memory !== undefined) parseBytes(limits.memory, 'limits.memory')
    if (limits.cpu !== undefined) toMs(limits.cpu, 'limits.cpu')
  }
  if (allow?.fetch !== undefined && (!Array.isArray(allow.fetch) || allow.fetch.some((h) => typeof h !== 'string')))
    throw new TypeError("`allow.fetch` must be a list of hosts, e.g. ['api.example.com', '127.0.0.1:8080']")
  checkAccess(access)
  if (rateLimit !== undefined) parseRate(rateLimit.perClient, 'rateLimit.perClient')
  if (rateLimit?.burst !== undefined && !(Number.isInteger(rateLimit.burst) && rateLimit.burst > 0))
    throw new TypeError('`rateLimit.burst` must be a whole number above 0')
  if (concurrency !== undefined) checkConcurrency(concurrency)
  return Object.freeze(pick(spec))
}

function pick(spec: SecurityPolicy): SecurityPolicy {
  const out: Record<string, unknown> = {}
  for (const key of ['trust', 'limits', 'allow', 'access', 'rateLimit', 'concurrency'] as const)
    if (spec[key] !== undefined) out[key] = spec[key]
  return out as SecurityPolicy
}

function checkAccess(access: SecurityPolicy['access']): void {
  if (access === undefined || access === 'public' || access === 'user' || typeof access === 'function') return
  const roles = (access as { roles?: unknown }).roles
  if (
    typeof access === 'object' &&
    access !== null &&
    Array.isArray(roles) &&
    roles.every((r) => typeof r === 'string')
  )
    return
  throw new TypeError("`access` must be 'public', 'user', { roles: ['editor'] } or a function (user, input) => boolean")
}

function checkConcurrency(concurrency: NonNullable<SecurityPolicy['concurrency']>): void {
  const limit = typeof concurrency === 'number' ? concurrency : concurrency?.limit
  const queue = typeof concurrency === 'number' ? 0 : (concurrency?.queue ?? 0)
  if (!Number.isInteger(limit) || (limit as number) < 1 || !Number.isInteger(queue) || queue < 0)
    throw new TypeError('`concurrency` must be a whole number above 0, or { limit, queue } with whole numbers')
}

const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1 << 10, mb: 1 << 20, gb: 1 << 30 }

/**
 * Bytes from a size: a number of bytes, or `'64MB'`, `'512kb'`, `'1GB'` (powers of 1024).
 *
 * @example
 * parseBytes('64MB', 'limits.memory') // 67108864
 */
export function parseBytes(value: string | number, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i.exec(value) : null
  if (m === null) throw new TypeError(`\`${field}\` must be a size such as '64MB', not ${JSON.stringify(value)}`)
  return Math.round(Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number))
}

const PER: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 }

/**
 * Requests per second from a rate such as `'100/s'`, `'600/m'` or `'1000/h'`.
 *
 * @example
 * parseRate('600/m', 'rateLimit.perClient') // 10
 */
export function parseRate(value: string, field: string): number {
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|m|h)\s*$/.exec(value) : null
  if (m === null || Number(m[1]) <= 0)
    throw new TypeError(`\`${field}\` must be a rate such as '100/s' or '600/m', not ${JSON.stringify(value)}`)
  return Number(m[1]) / (PER[m[2] as string] as number)
}
